"""The paper's figures, regenerated from the derivations (PNG via matplotlib, Agg backend).

Every curve is drawn from the exact closed forms (evaluated in floats); the numeric solver's
optimum is overlaid as markers, so a disagreement would be visible on the page.

Examples
--------
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     path = fig8(Path(d), n_users=2, markers=5)
...     path.name, path.stat().st_size > 10_000
('fig8.png', True)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import sympy
from scipy.optimize import brentq

from analytic.binary_game import BinaryGame, P
from analytic.exact import format_exact, to_float
from numeric.binary_game import BinaryGame as FloatGame

__all__ = ["FIGURES", "fig5", "fig6", "fig7", "fig8", "fig8_curves", "fig9"]


def fig8_curves(game: BinaryGame, costs: np.ndarray) -> dict[str, np.ndarray]:
    """Fig. 8's curves at ``costs`` from the closed forms of :attr:`BinaryGame.curves`.

    Regime 2's ``p*(c)`` is the root of ``E[U(k+1) - U(k)] = c`` (increasing in ``p`` under
    Assumptions 1-2), found by ``brentq`` on the exact polynomial; everything else is the
    closed form evaluated in floats.

    Raises
    ------
    ValueError
        If Assumptions 1-2 fail (no three-regime closed form).
    """
    game.curves  # noqa: B018  (raises if the assumptions fail)
    marginal = sympy.lambdify(P, game.marginal, "numpy")
    gamma = sympy.lambdify(P, game.gamma, "numpy")
    eu = sympy.lambdify(P, game.expected_utility, "numpy")
    c_th, g_max, g_min = to_float(game.c_th), to_float(game.gamma_max), to_float(game.gamma_min)
    out = {k: np.zeros_like(costs) for k in ("alpha", "p", "expected_utility", "platform", "payment_per_user")}
    for i, c in enumerate(costs):
        if c <= c_th:
            p, alpha = 0.0, c / g_min
        elif c < g_max:
            p = brentq(lambda x, c=c: marginal(x) - c, 0.0, 1.0, xtol=1e-15)
            alpha = c / gamma(p)
        else:
            out["p"][i] = 1.0
            continue
        e = float(eu(p))
        out["alpha"][i], out["p"][i], out["expected_utility"][i] = alpha, p, e
        out["platform"][i] = (1 - alpha) * e
        out["payment_per_user"][i] = alpha * (1 - p) * float(gamma(p))
    return out


def fig8(
    out_dir: Path,
    *,
    n_users: int = 2,
    eps: sympy.Expr = sympy.oo,
    markers: int = 25,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Fig. 8: ``alpha*`` vs ``c`` (top); total utility, platform share, payment per user (bottom).

    Regime boundaries ``c_th`` and ``gamma_max`` are marked; ``markers`` numeric optima
    (``alpha`` grid + root finding, :mod:`numeric.binary_game`) are overlaid.

    Returns
    -------
    Path
        ``out_dir / "fig8.png"`` for ``N = 2, eps' = oo``, else ``fig8_N{N}[_eps{eps}].png``.
    """
    game = BinaryGame.dp(n_users, eps)
    costs = np.linspace(0.0, 1.0, 801)
    curves = fig8_curves(game, costs)
    c_th, g_max = to_float(game.c_th), to_float(game.gamma_max)
    numeric = FloatGame.dp(n_users, to_float(eps))
    marks = np.linspace(0.02, 0.98, markers)
    found = []
    for k, c in enumerate(marks):
        found.append(numeric.optimum(float(c)))
        if progress:
            progress(k + 1, markers)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 7), sharex=True)
    top.plot(costs, curves["alpha"], color="black", label=r"$\alpha^*(c)$ (closed form)")
    top.plot(marks, [o.alpha for o in found], "o", ms=4, mfc="none", color="tab:red", label="numeric optimum")
    top.set_ylabel(r"optimal payment fraction $\alpha^*$")
    bottom.plot(costs, curves["expected_utility"], label=r"total utility $E[U]$")
    bottom.plot(costs, curves["platform"], label=r"platform share $(1-\alpha^*)E[U]$")
    bottom.plot(costs, curves["payment_per_user"], label="expected payment per user")
    bottom.plot(marks, [o.expected_utility for o in found], "o", ms=4, mfc="none", color="tab:blue")
    bottom.plot(marks, [o.platform for o in found], "s", ms=4, mfc="none", color="tab:orange")
    bottom.plot(
        marks, [o.alpha * o.expected_utility / n_users for o in found], "^", ms=4, mfc="none", color="tab:green"
    )
    bottom.set_xlabel("privacy sensitivity $c$")
    bottom.set_ylabel("utility")
    for ax in (top, bottom):
        for x in (c_th, g_max):
            ax.axvline(x, ls="--", lw=0.8, color="gray")
        ax.set_xlim(0, 1)
        ax.grid(alpha=0.3)
    ymax = top.get_ylim()[1]
    for x0, x1, label in ((0, c_th, "regime 1\nfull"), (c_th, g_max, "regime 2\nmixed"), (g_max, 1, "regime 3\nnone")):
        top.text(
            (x0 + x1) / 2,
            ymax * 0.9,
            label,
            ha="center",
            va="top",
            fontsize=8,
            bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"},
        )
    top.legend(loc="center right", fontsize=8)
    bottom.legend(loc="upper right", fontsize=8)
    eps_label = format_exact(game.eps)
    fig.suptitle(
        f"Fig. 8: N = {n_users}, eps' = {eps_label}; c_th = {format_exact(game.c_th)}, "
        f"gamma_max = {format_exact(game.gamma_max)}",
        fontsize=10,
    )
    fig.tight_layout()
    out_dir.mkdir(parents=True, exist_ok=True)
    name = (
        "fig8.png"
        if (n_users == 2 and game.eps is sympy.oo)
        else f"fig8_N{n_users}" + ("" if game.eps is sympy.oo else f"_eps{eps_label.replace('/', '-')}") + ".png"
    )
    path = out_dir / name
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return path


def fig9(
    out_dir: Path,
    *,
    grid: int = 201,
    pessimistic: bool = False,
    n_jobs: int = 1,
    backend: str = "loky",
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Fig. 9: payment to group 2 (left) and the platform's share (right) over ``(c1, c2)``.

    Each grid point is the exact optimum of eq. 26 (objective ``(1 - alpha) E[U]``, optimistic
    selection unless ``pessimistic``), evaluated in floats by the kernel of
    :mod:`analytic.two_group`. Region boundaries (who shares) are drawn as white contours.

    Returns
    -------
    Path
        ``out_dir / "fig9.png"`` (``fig9_pessimistic.png`` with ``pessimistic``).
    """
    from numeric.two_group import optimum_grid

    if grid < 3:
        raise ValueError(f"the Fig. 9 grid needs at least 3 points per axis, got {grid}")
    costs = np.linspace(0.0, 1.0, grid)
    out = optimum_grid(costs, costs, pessimistic=pessimistic, progress=progress, n_jobs=n_jobs, backend=backend)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.8), sharey=True)
    extent = (0, 1, 0, 1)
    for ax, key, title in (
        (axes[0], "payment2", "expected payment to group 2"),
        (axes[1], "platform", "platform's share"),
    ):
        image = ax.imshow(out[key], origin="lower", extent=extent, aspect="equal", cmap="viridis")
        ax.contour(costs, costs, out["region"], levels=[0.5, 1.5, 2.5, 3.5], colors="white", linewidths=0.8)
        fig.colorbar(image, ax=ax, fraction=0.046)
        ax.set_title(title)
        ax.set_xlabel("$c_1$ (group 1's sensitivity)")
    axes[0].set_ylabel("$c_2$ (group 2's sensitivity)")
    for text, xy in (("both", (0.08, 0.1)), ("only 2", (0.62, 0.42)), ("only 1", (0.42, 0.62)), ("none", (0.83, 0.83))):
        axes[1].annotate(text, xy, color="white", fontsize=8, ha="center")
    rule = "pessimistic" if pessimistic else "optimistic"
    fig.suptitle(
        f"Fig. 9: optimal alpha* per (c1, c2), eq. 10 utility, {rule} selection, {grid}x{grid} grid", fontsize=10
    )
    fig.tight_layout()
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / ("fig9_pessimistic.png" if pessimistic else "fig9.png")
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return path


def fig5(out_dir: Path, *, n_small: int = 10, progress: Callable[[int, int], None] | None = None) -> list[Path]:
    """Fig. 5a and 5b: each user's fair value minus the even split ``U/N`` (reconstructions).

    The paper does not give Fig. 5's data sizes: users are the built-in reconstruction
    (:data:`proofs_check.scenarios.BUILTIN`, ``n in {100, n_small}``). 5a: the three regimes;
    5b: one user with ``a_i = 100`` (marked with a star).

    Returns
    -------
    list of Path
        ``fig5a.png`` and ``fig5b.png``.
    """
    from proofs_check.scenarios import FIG5_REGIMES, fig5_scenario
    from proofs_check.values import compute_values

    def panel(ax: Any, scenario: Any, title: str, star: int | None) -> None:
        res = compute_values(scenario)
        mean = res.total_utility / scenario.n_users
        labels = [f"rho={format_exact(u.spec.rho)}\nn={u.spec.n}" for u in res.users]
        colors = ["tab:blue" if u.spec.rho == 2 else "tab:orange" if u.spec.rho == 1 else "tab:gray" for u in res.users]
        heights = [u.value - mean for u in res.users]
        ax.bar(range(len(heights)), heights, color=colors)
        if star is not None:
            ax.plot(star, heights[star], marker="*", color="black", markersize=12)
        ax.axhline(0, color="black", lw=0.6)
        ax.set_xticks(range(len(labels)), labels, fontsize=6)
        ax.set_title(title, fontsize=9)

    out_dir.mkdir(parents=True, exist_ok=True)
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    for k, (ax, (regime, (s2, r2))) in enumerate(zip(axes, FIG5_REGIMES.items(), strict=True)):
        panel(ax, fig5_scenario(regime, s2, r2, n_small=n_small), f"{regime}: s2 = {s2}, r2 = {r2}", None)
        if progress:
            progress(k + 1, 7)
    axes[0].set_ylabel("fair value - U/N")
    fig.suptitle(f"Fig. 5a (reconstruction, n in {{100, {n_small}}}): value minus the even split", fontsize=10)
    fig.tight_layout()
    path_a = out_dir / "fig5a.png"
    fig.savefig(path_a, dpi=130)
    plt.close(fig)
    fig, axes = plt.subplots(1, 4, figsize=(16, 3.8))
    cases = [("100", "1", 0), ("0.1", "100", 0), ("100", "1", 6), ("0.1", "100", 6)]
    for k, (ax, (s2, r2, star)) in enumerate(zip(axes, cases, strict=True)):
        panel(
            ax,
            fig5_scenario("fig5b", s2, r2, n_small=n_small, star=star),
            f"s2 = {s2}, r2 = {r2}, star: user {star + 1}",
            star,
        )
        if progress:
            progress(4 + k, 7)
    axes[0].set_ylabel("fair value - U/N")
    fig.suptitle("Fig. 5b (reconstruction): one user with a_i = 100 (star)", fontsize=10)
    fig.tight_layout()
    path_b = out_dir / "fig5b.png"
    fig.savefig(path_b, dpi=130)
    plt.close(fig)
    return [path_a, path_b]


def _deviation_payments(game: Any, index: int, alpha: float) -> np.ndarray:
    """``alpha phi`` a user of each type would get at each level, the others fixed (Fig. 6)."""
    m = game.profile_matrix(index)
    out = np.zeros((len(game.types), game.n_levels))
    for t in range(len(game.types)):
        here = int(np.max(np.flatnonzero(m[t] > 0)))
        for lvl in range(game.n_levels):
            moved = m.copy()
            moved[t, here] -= 1
            moved[t, lvl] += 1
            out[t, lvl] = alpha * game.values(game.index_of(moved))[t, lvl]
    return out


def fig6(out_dir: Path, *, progress: Callable[[int, int], None] | None = None) -> Path:
    """Fig. 6: payment and sensitivity per level for each user type at an equilibrium.

    Reconstruction (``fig7b`` scenario, s2 = 100, r2 = 1): the equilibrium with 4 / 5 / 1 users at
    levels 2 / 1 / 0 (Fig. 5's configuration), at the middle of its alpha interval; a star marks
    each type's choice.
    """
    from proofs_check.design import scenario_game
    from proofs_check.scenarios import BUILTIN

    game, _ = scenario_game(BUILTIN["fig7b"])
    lo, hi = game.intervals()
    found = [int(i) for i in np.flatnonzero(lo <= hi) if game.profile_matrix(int(i)).sum(axis=0).tolist() == [1, 5, 4]]
    if not found:
        raise ValueError("the reconstruction has no equilibrium with Fig. 5's configuration")
    index = found[0]
    alpha = float((lo[index] + hi[index]) / 2)
    pay = _deviation_payments(game, index, alpha)
    m = game.profile_matrix(index)
    fig, axes = plt.subplots(1, len(game.types), figsize=(3.2 * len(game.types), 3.2), sharey=True)
    for t, ax in enumerate(axes):
        ax.plot(range(game.n_levels), pay[t], "o-", label="payment alpha phi")
        ax.plot(range(game.n_levels), game.costs[t], "s--", label="sensitivity c")
        choice = int(np.max(np.flatnonzero(m[t] > 0)))
        ax.plot(choice, pay[t, choice], marker="*", color="black", markersize=14)
        ptype = game.types[t]
        ax.set_title(f"type {t + 1}: n = {ptype.n}, x{ptype.count}", fontsize=9)
        ax.set_xlabel("privacy level rho")
        ax.set_xticks(range(game.n_levels))
    axes[0].set_ylabel("utility")
    axes[0].legend(fontsize=7)
    fig.suptitle(f"Fig. 6 (reconstruction): equilibrium at alpha = {alpha:.3f}, s2 = 100, r2 = 1", fontsize=10)
    fig.tight_layout()
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "fig6.png"
    fig.savefig(path, dpi=130)
    plt.close(fig)
    if progress:
        progress(1, 1)
    return path


def fig7(out_dir: Path, *, progress: Callable[[int, int], None] | None = None) -> Path:
    """Fig. 7: the landscape ``alpha -> max (1 - alpha) U`` over equilibria and the optimal profiles.

    Exact piecewise landscape (no grid) for the reconstructions ``fig7a`` (homogeneous) and
    ``fig7b`` (heterogeneous); bottom: each user's level at ``alpha*``.
    """
    from proofs_check.design import design_scenario
    from proofs_check.scenarios import BUILTIN

    fig, axes = plt.subplots(2, 2, figsize=(12, 6.5), gridspec_kw={"height_ratios": [2, 1]})
    for col, name in enumerate(("fig7a", "fig7b")):
        res = design_scenario(BUILTIN[name])
        top, bottom = axes[0, col], axes[1, col]
        for piece in res.result.landscape:
            xs = np.array([piece.lo, piece.hi])
            top.plot(xs, (1 - xs) * piece.utility, color="black")
        top.axvline(res.result.alpha, ls="--", color="tab:red", lw=0.8)
        top.plot(res.result.alpha, res.result.platform, "o", color="tab:red", label=f"alpha* = {res.result.alpha:.4g}")
        top.set_xlabel("alpha")
        top.set_ylabel("max over equilibria of (1 - alpha) U")
        top.set_title(f"({'ab'[col]}) {BUILTIN[name].description.split(';')[0]}", fontsize=9)
        top.legend(fontsize=8)
        levels = np.array(res.levels)
        colors = np.array(["tab:gray", "tab:orange", "tab:blue"])[levels]
        bottom.barh(range(len(levels)), levels, color=colors)
        bottom.set_yticks(
            range(len(levels)),
            [f"user {k + 1} (n={res.game.types[t].n})" for k, t in enumerate(res.type_of_user)],
            fontsize=6,
        )
        bottom.set_xlabel("level at alpha* (0 nothing, 1 federated, 2 full)")
        bottom.set_xlim(0, 2.2)
        if progress:
            progress(col + 1, 2)
    fig.tight_layout()
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "fig7.png"
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return path


#: Figure name -> function ``(out_dir, **options) -> Path or list of Paths``.
FIGURES: dict[str, Callable[..., Path | list[Path]]] = {
    "fig5": fig5,
    "fig6": fig6,
    "fig7": fig7,
    "fig8": fig8,
    "fig9": fig9,
}
