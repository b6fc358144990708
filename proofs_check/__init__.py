"""Claims of the paper, their verification report and the command-line interface.

``python -m proofs_check verify`` runs every registered claim (see :mod:`proofs_check.registry`).
"""

__all__: list[str] = []
