"""Report writers: JSON interface keys, Markdown, LaTeX and CSV tables."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import sympy

from proofs_check.registry import ClaimResult, Status
from proofs_check.report import claims_markdown, results_json, table_csv, table_latex, write_report


def test_json_interface(claim_results: dict[str, ClaimResult]) -> None:
    doc = results_json(list(claim_results.values()))
    assert set(doc) >= {"claims", "summary"}
    for entry in doc["claims"]:
        assert {"id", "where", "status", "statement", "evidence"} <= set(entry)
        assert entry["status"] in {s.value for s in Status}
    assert sum(doc["summary"].values()) == len(doc["claims"])
    json.dumps(doc)


def test_out_dir(tmp_path: Path, claim_results: dict[str, ClaimResult]) -> None:
    results = list(claim_results.values())
    written = write_report(results, tmp_path)
    assert (tmp_path / "claims.json").exists() and (tmp_path / "claims.md").exists()
    csv_path = tmp_path / "tables" / "eq11_phi_1.csv"
    assert csv_path in written
    rows = list(csv.reader(csv_path.open()))
    assert rows[0][0].startswith("rho_1") and [sympy.sympify(x) for x in rows[2][1:]] == [
        sympy.Rational(1, 3),
        sympy.Rational(2, 9),
    ]
    tex = (tmp_path / "tables" / "eq10_utility.tex").read_text()
    assert "\\begin{tabular}" in tex and "\\frac{2}{3}" in tex and "\\infty" in tex
    assert "## `eq11` - erratum" in claims_markdown(results)


def test_table_round_trip(claim_results: dict[str, ClaimResult]) -> None:
    tables = [t for r in claim_results.values() for t in r.outcome.tables]
    assert tables
    for t in tables:
        text = table_csv(t)
        assert text.splitlines()[0].split(",")[0] == t.header[0]
        for row in t.rows if t.exact else ():
            for cell in row[1:]:
                sympy.sympify(cell)  # every exact entry parses back
        assert table_latex(t).count("\\\\") == len(t.rows) + 1
