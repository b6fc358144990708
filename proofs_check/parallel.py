"""Parameter sweeps in parallel through joblib (local processes, or a Dask cluster).

No scheduler of our own: :func:`sweep` hands the items to ``joblib.Parallel``; with
``backend="dask"`` joblib's Dask backend is used (install the ``[dask]`` extra; a local
``dask.distributed.Client`` is started when none is running, or connect your own first).

Examples
--------
>>> sweep(abs, [-1, 2, -3], n_jobs=1)
[1, 2, 3]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from joblib import Parallel, delayed, parallel_config

__all__ = ["BACKENDS", "sweep"]

T = TypeVar("T")
BACKENDS = ("loky", "threading", "dask")


def sweep(
    func: Callable[[Any], T],
    items: Iterable[Any],
    *,
    n_jobs: int = 1,
    backend: str = "loky",
    progress: Callable[[int, int], None] | None = None,
) -> list[T]:
    """``[func(x) for x in items]``, run by joblib with ``n_jobs`` workers (order kept).

    Raises
    ------
    ValueError
        If the backend is unknown, or ``dask`` is asked without the ``[dask]`` extra.
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
    work = list(items)
    if n_jobs == 1 and backend != "dask":
        out = []
        for k, x in enumerate(work):
            out.append(func(x))
            if progress:
                progress(k + 1, len(work))
        return out
    if backend == "dask":
        try:
            from dask.distributed import Client, get_client
        except ImportError as exc:
            raise ValueError("the dask backend needs the [dask] extra: pip install 'fairdata[dask]'") from exc
        try:
            get_client()
        except ValueError:
            Client(processes=False)
    with parallel_config(backend=backend, n_jobs=n_jobs):
        results = Parallel(return_as="generator")(delayed(func)(x) for x in work)
        out = []
        for k, r in enumerate(results):
            out.append(r)
            if progress:
                progress(k + 1, len(work))
    return out
