"""Command-line interface: ``python -m proofs_check <command>`` (also the ``fairdata`` script).

Commands
--------
verify        run every registered claim; table on the terminal, ``--json``, ``--out DIR``
dp-utility    Bayes risk and utility of the DP mean-estimation example at one profile
fair-values   fair-value tables (Theorem 1 or 2) in eq. 10's layout
regimes       Section 5: gamma, gamma_max, c_th, alpha*(c) and the optimum at a cost c
two-group     Section 5.2: two groups' equilibria and the platform's exact optimum
values        fair values of a scenario's users (TOML file or built-in name)
scenarios     list the built-in scenarios (or print one as TOML)
design        Section 4.2: equilibria and the platform's exact optimal alpha for a scenario
figures       regenerate the paper's figures (PNG)
readme        regenerate (or ``--check``) the README's claim table

Bad input (a negative level, a malformed profile, alpha outside [0, 1], N too large for the
exact method, ...) prints one line on stderr and exits with code 2; ``verify`` exits 1 when
some claim is ``failed``.

Examples
--------
>>> main(["dp-utility", "--profile", "0,oo", "--json"])  # doctest: +ELLIPSIS
{"profile": ["0", "oo"], "risk": "1/18", "utility": "2/3", "utility_float": 0.666..., ...}
0
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import sympy
from rich.console import Console
from rich.table import Table as RichTable

from analytic import dp_mean
from analytic.exact import format_exact, parse_levels, parse_profile, parse_unit_interval, to_float
from analytic.fair_values import FairValues, platform_values, user_values, value_tables
from proofs_check.registry import Status

__all__ = ["build_parser", "main"]

PROG = "python -m proofs_check"
MODELS: dict[str, Callable[..., Any]] = {"dp": dp_mean.utility}


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (exit code 2) instead of a usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = _Parser(
        prog=PROG,
        description="Verify 'The Fair Value of Data Under Heterogeneous Privacy "
        "Constraints in Federated Learning' claim by claim, and compute its quantities exactly.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    verify = sub.add_parser("verify", help="run every registered claim of the paper")
    verify.add_argument("--json", action="store_true", help="print the report as JSON")
    verify.add_argument("--out", type=Path, help="write claims.json, claims.md and exact tables here")
    verify.add_argument("--only", nargs="+", metavar="ID", help="run only these claim ids")

    dp = sub.add_parser("dp-utility", help="Bayes risk and utility of the DP mean example at a profile")
    dp.add_argument("--profile", required=True, help="comma-separated eps_i >= 0 or oo, e.g. 1,2,oo or 1/2,3")
    dp.add_argument("--json", action="store_true")

    fv = sub.add_parser("fair-values", help="fair-value tables (Theorem 1 or 2), eq. 10's layout")
    fv.add_argument("--model", choices=sorted(MODELS), default="dp", help="utility model (dp: eq. 8-10)")
    fv.add_argument("--users", type=int, help="number of users N (tables over levels^N)")
    fv.add_argument("--levels", default="0,oo", help="comma-separated level set, e.g. 0,oo or 0,1,oo")
    fv.add_argument(
        "--fairness",
        choices=("platform", "users"),
        default="users",
        help="platform: Theorem 1 (platform is a player); users: Theorem 2",
    )
    fv.add_argument("--alpha", help="Theorem 2's payment fraction in [0, 1] (exact, e.g. 1/2); default 1")
    fv.add_argument("--profile", help="values at this one profile instead of whole tables")
    fv.add_argument("--json", action="store_true")

    regimes = sub.add_parser("regimes", help="Section 5: the symmetric binary game's regimes and optimum")
    regimes.add_argument("--users", type=int, required=True, help="number of users N >= 2")
    regimes.add_argument("--c", help="privacy sensitivity c >= 0 (exact, e.g. 1/2): adds the optimum at c")
    regimes.add_argument("--eps", default="oo", help="the less private level eps' > 0 (default oo)")
    regimes.add_argument("--json", action="store_true")

    figures = sub.add_parser("figures", help="regenerate the paper's figures as PNG files")
    figures.add_argument("--out", type=Path, default=Path("figures"), help="output folder (default: figures/)")
    figures.add_argument("--only", nargs="+", metavar="FIG", help="only these figures (fig5, fig6, fig7, fig8, fig9)")
    figures.add_argument("--users", type=int, default=2, help="Fig. 8: number of users N (default 2)")
    figures.add_argument("--eps", default="oo", help="Fig. 8: the less private level eps' (default oo)")
    figures.add_argument("--grid", type=int, default=201, help="Fig. 9: grid points per axis (default 201)")
    figures.add_argument("--pessimistic", action="store_true", help="Fig. 9: pessimistic equilibrium selection")
    figures.add_argument("--jobs", type=int, default=1, help="parallel workers for grids (joblib)")
    figures.add_argument(
        "--backend",
        choices=("loky", "threading", "dask"),
        default="loky",
        help="joblib backend (dask needs the [dask] extra)",
    )
    figures.add_argument("--quiet", action="store_true", help="no progress bar")

    two = sub.add_parser("two-group", help="Section 5.2: two groups, equilibria and the platform's optimum (eq. 25-26)")
    two.add_argument("--c1", required=True, help="group 1's sensitivity c1 >= 0 (exact, e.g. 1/3)")
    two.add_argument("--c2", required=True, help="group 2's sensitivity c2 >= 0")
    two.add_argument("--alpha", help="list the equilibria at this alpha instead of solving eq. 26")
    two.add_argument("--pessimistic", action="store_true", help="worst equilibrium at each alpha (default: best)")
    two.add_argument("--utility", default="0,2/3;2/3,1", help="2x2 utility table, rows ';'-separated (default eq. 10)")
    two.add_argument("--json", action="store_true")

    values = sub.add_parser("values", help="fair values of a scenario (TOML file or built-in name)")
    values.add_argument("scenario", help="a TOML scenario file or a built-in name (see `scenarios`)")
    values.add_argument("--summary", action="store_true", help="one row per class instead of per user")
    values.add_argument("--exact", action="store_true", help="exact arithmetic (small populations)")
    values.add_argument(
        "--method",
        choices=("auto", "exact", "class-sum", "multilinear", "sampling"),
        default="auto",
        help="auto: class sums while the count grid fits, else an estimator (see the README)",
    )
    values.add_argument("--seed", type=int, default=0, help="seed of the sampling estimator")
    values.add_argument("--quiet", action="store_true", help="no progress bar")
    values.add_argument("--json", action="store_true")

    design = sub.add_parser("design", help="Section 4.2: the platform's exact alpha* for a scenario (eq. 19)")
    design.add_argument("scenario", help="a TOML scenario file (users with cost, no rho) or a built-in name")
    design.add_argument("--pessimistic", action="store_true", help="the worst equilibrium at each alpha")
    design.add_argument("--landscape", action="store_true", help="also the whole landscape alpha -> platform share")
    design.add_argument("--quiet", action="store_true", help="no progress bar")
    design.add_argument("--json", action="store_true")

    scen = sub.add_parser("scenarios", help="list the built-in scenarios")
    scen.add_argument("--toml", metavar="NAME", help="print this built-in scenario as a TOML file")

    readme = sub.add_parser("readme", help="regenerate the README's claim table")
    readme.add_argument("--path", type=Path, default=Path("README.md"))
    readme.add_argument("--check", action="store_true", help="exit 1 if the table is out of date")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "verify": _verify,
        "dp-utility": _dp_utility,
        "fair-values": _fair_values,
        "regimes": _regimes,
        "figures": _figures,
        "two-group": _two_group,
        "values": _values,
        "scenarios": _scenarios,
        "design": _design,
        "readme": _readme,
    }
    try:
        return handlers[args.command](args)
    except (ValueError, TypeError, OSError) as exc:
        print(f"{PROG} {args.command}: error: {exc}", file=sys.stderr)
        return 2


@contextmanager
def _progress(label: str, *, quiet: bool) -> Iterator[Callable[..., None]]:
    """A transient progress bar on stderr; yields ``advance(done, total=None)``."""
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), disable=quiet, transient=True) as bar:
        task = bar.add_task(label, total=None)

        def advance(done: int, total: int | None = None) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def _console() -> Console:
    return Console(width=max(100, Console().width))


def _verify(args: argparse.Namespace) -> int:
    from proofs_check.report import render_terminal, results_json, run_all, write_report

    results = run_all(args.only)
    if args.out:
        write_report(results, args.out)
    if args.json:
        print(json.dumps(results_json(results), indent=2))
    else:
        render_terminal(results, _console())
        if args.out:
            print(f"report written to {args.out}/ (claims.json, claims.md, tables/)")
    return 1 if any(r.status is Status.FAILED for r in results) else 0


def _dp_utility(args: argparse.Namespace) -> int:
    rho = parse_profile(args.profile)
    est = dp_mean.optimal_estimator(rho)
    u = dp_mean.utility(rho)
    doc = {
        "profile": [format_exact(x) for x in rho],
        "risk": format_exact(est.risk),
        "utility": format_exact(u),
        "utility_float": to_float(u),
        "risk_float": to_float(est.risk),
        "weights": [format_exact(w) for w in est.weights],
        "noise_scale": format_exact(est.noise_scale),
        "capped": list(est.capped),
    }
    if args.json:
        print(json.dumps(doc))
        return 0
    print(f"profile eps      = ({', '.join(doc['profile'])})")
    print(f"Bayes risk r     = {doc['risk']}  ({doc['risk_float']:.12g})")
    print(f"utility U        = {doc['utility']}  ({doc['utility_float']:.12g})")
    print(f"weights w        = ({', '.join(doc['weights'])})")
    print(
        f"Laplace scale b  = {doc['noise_scale']}   (DP constraint binds for users: "
        f"{[k + 1 for k, c in enumerate(est.capped) if c and rho[k] != 0] or 'none'})"
    )
    return 0


def _nested_str(table: Any) -> Any:
    return [_nested_str(x) for x in table] if isinstance(table, tuple) else format_exact(table)


def _fair_values(args: argparse.Namespace) -> int:
    utility = MODELS[args.model]
    if args.alpha is not None and args.fairness == "platform":
        raise ValueError("--alpha applies to --fairness users (Theorem 2) only")
    alpha = parse_unit_interval(args.alpha) if args.alpha is not None else 1
    if args.profile is not None:
        return _fair_values_at(args, utility, alpha)
    if args.users is None:
        raise ValueError("give --users N (or --profile)")
    if args.users < 1:
        raise ValueError(f"--users must be >= 1, got {args.users}")
    levels = parse_levels(args.levels)
    if 0 not in levels:
        raise ValueError(f"the level set {args.levels!r} must contain 0, the level that shares nothing")
    tables = value_tables(utility, levels, args.users, fairness=args.fairness, alpha=alpha)
    doc: dict[str, Any] = {
        "model": args.model,
        "fairness": args.fairness,
        "theorem": 1 if args.fairness == "platform" else 2,
        "alpha": None if args.fairness == "platform" else format_exact(alpha),
        "levels": [format_exact(x) for x in levels],
        "convention": "M[a_1]...[a_N] is the value at rho_k = levels[a_k] (row = user 1's level, eq. 10)",
        "utility": _nested_str(tables.utility),
    }
    if args.fairness == "platform":
        doc["platform"] = _nested_str(tables.platform)
    doc["users"] = [_nested_str(m) for m in tables.users]
    if args.json:
        print(json.dumps(doc))
        return 0
    _print_profiles_table(doc, args.users)
    return 0


def _fair_values_at(args: argparse.Namespace, utility: Callable[..., Any], alpha: Any) -> int:
    rho = parse_profile(args.profile)
    if args.users is not None and args.users != len(rho):
        raise ValueError(f"--users {args.users} does not match the profile's {len(rho)} entries")
    fv: FairValues = platform_values(utility, rho) if args.fairness == "platform" else user_values(utility, rho, alpha)
    doc: dict[str, Any] = {
        "model": args.model,
        "fairness": args.fairness,
        "profile": [format_exact(x) for x in rho],
        "utility": format_exact(fv.utility),
        "users": [format_exact(x) for x in fv.users],
        "users_float": [to_float(x) for x in fv.users],
    }
    if fv.platform is not None:
        doc["platform"] = format_exact(fv.platform)
    else:
        doc["alpha"] = format_exact(fv.alpha)
    if args.json:
        print(json.dumps(doc))
        return 0
    print(f"profile = ({', '.join(doc['profile'])}), U = {doc['utility']}")
    if "platform" in doc:
        print(f"platform phi_p = {doc['platform']}")
    for k, value in enumerate(doc["users"], start=1):
        print(f"user {k}: phi_{k} = {value}")
    return 0


def _print_profiles_table(doc: dict[str, Any], n_users: int) -> None:
    from itertools import product

    levels = doc["levels"]
    grid = RichTable(
        title=f"Fair values, Theorem {doc['theorem']} ({doc['model']} model"
        + (f", alpha = {doc['alpha']})" if doc["alpha"] is not None else ")")
    )
    grid.add_column("rho")
    grid.add_column("U")
    if "platform" in doc:
        grid.add_column("phi_p")
    for k in range(n_users):
        grid.add_column(f"phi_{k + 1}")

    def at(table: Any, index: tuple[int, ...]) -> str:
        for i in index:
            table = table[i]
        return table

    for index in product(range(len(levels)), repeat=n_users):
        row = ["(" + ", ".join(levels[i] for i in index) + ")", at(doc["utility"], index)]
        if "platform" in doc:
            row.append(at(doc["platform"], index))
        row += [at(m, index) for m in doc["users"]]
        grid.add_row(*row)
    _console().print(grid)
    print("Tables in eq. 10's layout (row = user 1's level) are in the --json output.")


def _regimes(args: argparse.Namespace) -> int:
    from analytic.binary_game import BinaryGame, regime_legend
    from analytic.exact import canonical_number, parse_exact

    if args.users < 2:
        raise ValueError(f"--users must be >= 2 (Section 5 has N >= 2 users), got {args.users}")
    eps = parse_exact(args.eps, name="--eps")
    if args.users > LARGE_SECTION5:
        return _regimes_large(args, eps)
    game = BinaryGame.dp(args.users, eps)
    monotone, diminishing = game.assumptions()
    doc: dict[str, Any] = {
        "users": args.users,
        "eps": format_exact(game.eps),
        "gamma": str(game.gamma),
        "gamma_min": format_exact(game.gamma_min),
        "gamma_max": format_exact(game.gamma_max),
        "c_th": format_exact(game.c_th_eq24() if not diminishing else game.c_th),
        "c_th_eq24": format_exact(game.c_th_eq24()),
        "c_th_first_order": format_exact(game.c_th),
        "assumptions": {"monotone": monotone, "diminishing_returns": diminishing},
        "legend": regime_legend(),
    }
    if monotone and diminishing:
        curves = game.curves
        doc["alpha_star"] = str(curves.alpha)
        doc["p_star_equation"] = f"p* = {curves.p_star}, the root in (0, 1) of {curves.p_star_equation.lhs} = c"
    else:
        doc["alpha_star"] = None
        doc["alpha_star_note"] = (
            "Assumption 2 fails: no three-regime closed form; use --c for the exact optimum at a cost"
        )
    if args.c is not None:
        cost = parse_exact(args.c, name="--c")
        opt = game.optimum(cost)
        best_k, best_alpha, best_share = game.best_pure_profile(cost)
        doc["at"] = {
            "c": to_float(cost),
            "c_exact": format_exact(cost),
            "regime": opt.regime,
            "alpha": to_float(opt.alpha),
            "alpha_exact": format_exact(canonical_number(opt.alpha)),
            "p": to_float(opt.p),
            "p_exact": format_exact(canonical_number(opt.p)),
            "platform": to_float(opt.platform),
            "expected_utility": to_float(opt.expected_utility),
            "payment_per_user": to_float(opt.payment_per_user),
            "net_utility_per_user": to_float(opt.net_utility_per_user),
            "asymmetric_selection": {
                "sharers": best_k,
                "alpha": to_float(best_alpha),
                "platform": to_float(best_share),
            },
        }
    if args.json:
        print(json.dumps(doc))
        return 0
    print(f"N = {doc['users']} users, levels {{0, {doc['eps']}}}")
    print(f"gamma(p)   = {doc['gamma']}")
    print(f"gamma_min  = {doc['gamma_min']}, gamma_max = {doc['gamma_max']}, c_th = {doc['c_th']}")
    print(f"Assumptions 1-2 (strict forms): {monotone}, {diminishing}")
    if doc["alpha_star"] is not None:
        print(f"alpha*(c)  = {doc['alpha_star']}")
        print(f"             where {doc['p_star_equation']}")
    if "at" in doc:
        at = doc["at"]
        print(
            f"at c = {at['c_exact']}: regime {at['regime']}, alpha* = {at['alpha_exact']} ({at['alpha']:.12g}), "
            f"p* = {at['p']:.12g}, platform share = {at['platform']:.12g}, E[U] = {at['expected_utility']:.12g}, "
            f"payment per user = {at['payment_per_user']:.12g}"
        )
        asym = at["asymmetric_selection"]
        print(
            f"  selecting pure (asymmetric) equilibria instead: {asym['sharers']} sharer(s), "
            f"alpha = {asym['alpha']:.12g}, platform share = {asym['platform']:.12g}"
        )
    print(f"({doc['legend']})")
    return 0


LARGE_SECTION5 = 8  # beyond: exact constants from closed forms, the optimum by the numeric solver


def _regimes_large(args: argparse.Namespace, eps: Any) -> int:
    """Section 5 for large N: U_N(k) in closed form, constants exact, optimum numeric (welfare)."""
    import numpy as np

    from analytic.binary_game import regime_legend
    from analytic.dp_mean import utility_of_sharers
    from analytic.exact import parse_exact
    from numeric.binary_game import BinaryGame as FloatGame

    n = args.users
    if eps.is_number and not (eps is sympy.oo or (eps.is_extended_real and eps > 0)):
        raise ValueError(f"eps' must be > 0 or oo, got {args.eps!r}")
    k, u_of_k = utility_of_sharers(n, eps)
    u = [u_of_k.subs(k, j) for j in (1, n - 1, n)]
    gamma_min, gamma_max, c_th = u[2] / n, u[0], u[2] - u[1]
    game = FloatGame.large(n, to_float(eps))
    diffs = np.diff(game.utilities)
    monotone, diminishing = bool(np.all(diffs > 0)), bool(np.all(np.diff(diffs) < 0))
    doc: dict[str, Any] = {
        "users": n,
        "eps": format_exact(eps),
        "gamma": f"E[U(k+1)/(k+1)] for k ~ Bin({n - 1}, 1 - p), U(k) = {u_of_k}",
        "gamma_min": format_exact(gamma_min),
        "gamma_max": format_exact(gamma_max),
        "c_th": format_exact(c_th),
        "assumptions": {"monotone": monotone, "diminishing_returns": diminishing},
        "legend": regime_legend(),
        "method": "closed-form constants (valid under Assumptions 1-2); optimum by the numeric welfare solver",
        "alpha_star": f"Piecewise(({n}*c/({format_exact(u[2])}), c <= {format_exact(c_th)}), "
        f"(c/gamma(p_star(c)), c < {format_exact(gamma_max)}), (0, True))"
        if diminishing
        else None,
        "p_star_equation": f"p* solves E[U(k+1) - U(k)] = c for k ~ Bin({n - 1}, 1 - p)",
    }
    if args.c is not None:
        cost = parse_exact(args.c, name="--c")
        if not cost.is_number or cost < 0:
            raise ValueError(f"c must be a finite number >= 0, got {args.c!r}")
        opt = game.optimum_by_welfare(to_float(cost))
        exact_alpha = cost / gamma_min if (opt.regime == 1 and diminishing) else None
        doc["at"] = {
            "c": to_float(cost),
            "c_exact": format_exact(cost),
            "regime": opt.regime,
            "alpha": opt.alpha,
            "alpha_exact": None if exact_alpha is None else format_exact(exact_alpha),
            "p": opt.p,
            "platform": opt.platform,
            "expected_utility": opt.expected_utility,
            "payment_per_user": opt.alpha * opt.expected_utility / n,
        }
    if args.json:
        print(json.dumps(doc))
        return 0
    print(f"N = {n} users, levels {{0, {doc['eps']}}} ({doc['method']})")
    print(f"U(k) = {u_of_k}; gamma_min = {doc['gamma_min']}, gamma_max = {doc['gamma_max']}, c_th = {doc['c_th']}")
    if "at" in doc:
        at = doc["at"]
        print(
            f"at c = {at['c_exact']}: regime {at['regime']}, alpha* = {at['alpha']:.12g}, p* = {at['p']:.12g}, "
            f"platform share = {at['platform']:.12g}, E[U] = {at['expected_utility']:.12g}"
        )
    print(f"({doc['legend']})")
    return 0


def _figures(args: argparse.Namespace) -> int:
    from analytic.exact import parse_exact
    from proofs_check.figures import FIGURES

    names = args.only or list(FIGURES)
    unknown = [n for n in names if n not in FIGURES]
    if unknown:
        raise ValueError(f"unknown figure(s) {', '.join(unknown)}; known: {', '.join(FIGURES)}")
    if args.users < 2:
        raise ValueError(f"--users must be >= 2, got {args.users}")
    eps = parse_exact(args.eps, name="--eps")
    if args.grid < 3:
        raise ValueError(f"--grid must be >= 3, got {args.grid}")
    options = {
        "fig8": {"n_users": args.users, "eps": eps},
        "fig9": {"grid": args.grid, "pessimistic": args.pessimistic, "n_jobs": args.jobs, "backend": args.backend},
    }
    for name in names:
        with _progress(name, quiet=args.quiet) as advance:
            written = FIGURES[name](args.out, progress=advance, **options.get(name, {}))
            for path in written if isinstance(written, list) else [written]:
                print(f"wrote {path}")
    return 0


def _component_json(comp: Any) -> dict[str, Any]:
    return {
        "kind": comp.kind,
        "s1": [to_float(comp.s1[0]), to_float(comp.s1[1])],
        "s2": [to_float(comp.s2[0]), to_float(comp.s2[1])],
        "s1_exact": [format_exact(comp.s1[0]), format_exact(comp.s1[1])],
        "s2_exact": [format_exact(comp.s2[0]), format_exact(comp.s2[1])],
    }


def _two_group(args: argparse.Namespace) -> int:
    from analytic.two_group import TwoGroupGame

    rows = [row.split(",") for row in args.utility.split(";")]
    if len(rows) != 2 or any(len(r) != 2 for r in rows):
        raise ValueError(f"--utility must be a 2x2 table like '0,2/3;2/3,1', got {args.utility!r}")
    game = TwoGroupGame.dp(args.c1, args.c2, utility=rows)
    legend = "s_i = group i's probability of the less private level (sharing); row = group 1 (eq. 10 layout)"
    if args.alpha is not None:
        alpha = parse_unit_interval(args.alpha)
        comps = game.equilibria(alpha)
        value, (s1, s2) = game.platform_value(alpha, pessimistic=args.pessimistic)
        doc: dict[str, Any] = {
            "alpha": to_float(alpha),
            "alpha_exact": format_exact(alpha),
            "behaviour": list(game.behaviour(alpha)),
            "equilibria": [_component_json(c) for c in comps],
            "platform": to_float(value),
            "platform_exact": format_exact(value),
            "share_probability": [to_float(s1), to_float(s2)],
            "legend": legend,
        }
    else:
        opt = game.solve(pessimistic=args.pessimistic)
        doc = {
            "alpha": to_float(opt.alpha),
            "alpha_exact": format_exact(opt.alpha),
            "platform": to_float(opt.platform),
            "platform_exact": format_exact(opt.platform),
            "share_probability": [to_float(x) for x in opt.shares],
            "share_probability_exact": [format_exact(x) for x in opt.shares],
            "payment": [to_float(x) for x in opt.payments],
            "payment_exact": [format_exact(x) for x in opt.payments],
            "net_utility": [to_float(x) for x in opt.net],
            "attained": opt.attained,
            "selection": "pessimistic" if args.pessimistic else "optimistic",
            "equilibria": [_component_json(c) for c in opt.equilibria],
            "objective": "(1 - alpha) p1^T U p2 (eq. 26 as intended; the printed objective is alpha p1^T U p2)",
            "legend": legend,
        }
        if not opt.attained:
            doc["note"] = f"supremum, approached as alpha -> {format_exact(opt.alpha)} but not attained"
    if args.json:
        print(json.dumps(doc))
        return 0
    print(f"c1 = {format_exact(game.c1)}, c2 = {format_exact(game.c2)}; {legend}")
    print(f"alpha = {doc['alpha_exact']} ({doc['alpha']:.12g}), ", end="")
    print(f"platform share = {doc['platform_exact']} ({doc['platform']:.12g})")
    print(f"share probabilities (s1, s2) = {tuple(doc['share_probability'])}")
    if "payment" in doc:
        print(f"expected payments = {tuple(doc['payment_exact'])}, net utilities = {tuple(doc['net_utility'])}")
        if not doc["attained"]:
            print(doc["note"])
    print("equilibria at this alpha:")
    for comp in doc["equilibria"]:
        print(f"  {comp['kind']}: s1 in [{', '.join(comp['s1_exact'])}], s2 in [{', '.join(comp['s2_exact'])}]")
    return 0


def _values(args: argparse.Namespace) -> int:
    from proofs_check.scenarios import load
    from proofs_check.values import compute_values

    scenario = load(args.scenario)
    with _progress("fair values (integrand evaluations)", quiet=args.quiet) as advance:
        res = compute_values(scenario, exact=args.exact, method=args.method, seed=args.seed, progress=advance)

    def row(r: Any, with_count: bool) -> dict[str, Any]:
        out = {"n": r.spec.n, "rho": format_exact(r.spec.rho), "a": to_float(r.spec.a)}
        if with_count:
            out["count"] = r.spec.count
        out.update({"emse": r.emse, "value": r.value, "value_error": r.error})
        if r.value_exact is not None:
            out["value_exact"] = r.value_exact
        return out

    doc: dict[str, Any] = {
        "scenario": scenario.name,
        "model": scenario.model.describe(),
        "fairness": scenario.fairness.kind,
        "alpha": to_float(scenario.fairness.alpha),
        "total_utility": res.total_utility,
        "platform": res.platform,
        "platform_rule": "Theorem 1 value phi_p"
        if scenario.fairness.kind == "platform"
        else "(1 - alpha) U, kept by the platform",
        "method": res.method,
        "error_kind": "value_error: 0 for exact sums; estimated absolute error (multilinear) "
        "or standard error (sampling)",
        "platform_error": res.platform_error,
        "n_users": scenario.n_users,
        "efficiency_gap": res.efficiency_gap,
        "classes": [row(r, True) for r in res.classes],
    }
    if res.total_exact is not None:
        doc["total_utility_exact"], doc["platform_exact"] = res.total_exact, res.platform_exact
    if not args.summary:
        doc["users"] = [row(r, False) for r in res.users]
    if args.json:
        print(json.dumps(doc))
        return 0
    print(f"{scenario.name}: {scenario.description or scenario.model.describe()}")
    print(
        f"model {doc['model']}; fairness: {doc['fairness']}"
        + (f", alpha = {format_exact(scenario.fairness.alpha)}" if doc["fairness"] == "users" else "")
    )
    grid = RichTable(title=f"Fair values ({res.method})")
    for name in ("#", "n", "rho", "a", "count", "EMSE", "value", "+- error", "value - U/N"):
        grid.add_column(name, justify="right")
    rows = res.classes if args.summary or scenario.n_users > 200 else res.users
    mean = res.total_utility / scenario.n_users
    for k, r in enumerate(rows, start=1):
        grid.add_row(
            str(k),
            str(r.spec.n),
            format_exact(r.spec.rho),
            format_exact(r.spec.a),
            str(r.spec.count),
            "-" if r.emse is None else f"{r.emse:.6g}",
            f"{r.value:.10g}",
            f"{r.error:.1e}",
            f"{r.value - mean:+.4g}",
        )
    _console().print(grid)
    print(
        f"total utility U = {res.total_utility:.10g}; platform ({doc['platform_rule']}) = {res.platform:.10g}; "
        f"efficiency gap {res.efficiency_gap:.1e}"
    )
    return 0


def _design(args: argparse.Namespace) -> int:
    from proofs_check.design import design_scenario
    from proofs_check.scenarios import load

    scenario = load(args.scenario)
    with _progress("potential of every class profile", quiet=args.quiet) as advance:
        res = design_scenario(scenario, pessimistic=args.pessimistic, progress=advance)
    r = res.result
    doc: dict[str, Any] = {
        "scenario": scenario.name,
        "alpha": r.alpha,
        "platform": r.platform,
        "total_utility": r.total_utility,
        "profile": list(res.levels),
        "payments": list(res.payments),
        "equilibria_at_alpha": r.equilibria_at_alpha,
        "certified": r.certified,
        "interval": list(r.interval),
        "attained": r.attained,
        "selection": "pessimistic" if args.pessimistic else "optimistic",
        "class_profiles": res.game.n_profiles,
        "types": [
            {"count": t.count, "n": t.n, "a": t.a, "cost": list(t.cost), "levels": r.profile[k].tolist()}
            for k, t in enumerate(res.game.types)
        ],
    }
    if args.landscape:
        doc["landscape"] = [
            {
                "alpha_from": p.lo,
                "alpha_to": p.hi,
                "total_utility": p.utility,
                "platform_at_start": p.platform(p.lo),
                "profile": res.game.profile_matrix(p.profile).tolist(),
            }
            for p in r.landscape
        ]
    if args.json:
        print(json.dumps(doc))
        return 0
    print(
        f"{scenario.name}: {scenario.model.describe()}, {scenario.n_users} users in {len(res.game.types)} types, "
        f"{res.game.n_profiles} class profiles"
    )
    print(
        f"alpha* = {r.alpha:.12g} ({doc['selection']} selection{'' if r.attained else ', supremum not attained'}), "
        f"platform share = {r.platform:.12g}, U = {r.total_utility:.12g}"
    )
    print(
        f"equilibrium interval of the selected profile: [{r.interval[0]:.6g}, {r.interval[1]:.6g}]; "
        f"{r.equilibria_at_alpha} equilibria at alpha*"
    )
    grid = RichTable(title="Users at the optimum (input order)")
    for name in ("#", "type", "n", "cost", "level", "payment"):
        grid.add_column(name, justify="right")
    for k, (t, level, pay) in enumerate(zip(res.type_of_user, res.levels, res.payments, strict=True), start=1):
        ptype = res.game.types[t]
        grid.add_row(
            str(k), str(t + 1), str(ptype.n), ", ".join(f"{c:g}" for c in ptype.cost), str(level), f"{pay:.6g}"
        )
    _console().print(grid)
    if args.landscape:
        print("landscape (alpha range: U of the selected equilibrium):")
        for p in doc["landscape"]:
            print(f"  [{p['alpha_from']:.6g}, {p['alpha_to']:.6g}]: U = {p['total_utility']:.6g}")
    return 0


def _scenarios(args: argparse.Namespace) -> int:
    from proofs_check.scenarios import BUILTIN

    if args.toml is not None:
        if args.toml not in BUILTIN:
            raise ValueError(f"no built-in scenario {args.toml!r}; known: {', '.join(BUILTIN)}")
        print(_scenario_toml(BUILTIN[args.toml]))
        return 0
    for name, sc in BUILTIN.items():
        print(f"{name:24s} {sc.n_users:4d} users  {sc.description}")
    return 0


def _scenario_toml(sc: Any) -> str:
    def value(x: Any) -> str:
        return f'"{format_exact(x)}"' if x is not None and not x.is_Integer else format_exact(x)

    lines = [f'name = "{sc.name}"', f'description = "{sc.description}"', "", "[model]", f'kind = "{sc.model.kind}"']
    if sc.model.kind == "fl-mean":
        lines += [f"s2 = {value(sc.model.s2)}", f"r2 = {value(sc.model.r2)}"]
    else:
        lines.append("levels = [" + ", ".join(value(x) for x in sc.model.levels) + "]")
    lines += ["", "[fairness]", f'kind = "{sc.fairness.kind}"']
    if sc.fairness.kind == "users":
        lines.append(f"alpha = {value(sc.fairness.alpha)}")
    for u in sc.users:
        lines += ["", "[[users]]", f"n = {u.n}"]
        if u.rho is not None:
            lines.append(f"rho = {value(u.rho)}")
        if u.a != 1:
            lines.append(f"a = {value(u.a)}")
        if any(c != 0 for c in u.cost):
            lines.append("cost = [" + ", ".join(value(c) for c in u.cost) + "]")
        if u.count != 1:
            lines.append(f"count = {u.count}")
    return "\n".join(lines)


def _readme(args: argparse.Namespace) -> int:
    from proofs_check.report import run_all, update_readme

    text = args.path.read_text()
    updated = update_readme(text, run_all())
    if args.check:
        if updated != text:
            print(f"{args.path}: the claim table is out of date; run `{PROG} readme`", file=sys.stderr)
            return 1
        print(f"{args.path}: the claim table is up to date")
        return 0
    args.path.write_text(updated)
    print(f"{args.path}: claim table regenerated")
    return 0
