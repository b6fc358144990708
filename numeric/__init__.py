"""Fast (NumPy/SciPy/nashpy) evaluations and independent checks. Mirrors :mod:`analytic`."""

__all__: list[str] = []
