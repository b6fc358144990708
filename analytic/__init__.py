"""Exact (SymPy) derivations: fair values, utilities, games. Mirrored by :mod:`numeric`."""

__all__: list[str] = []
