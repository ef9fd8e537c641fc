"""`scripts/bench.py --quick` runs end to end and writes the JSON the README's numbers come from."""
from __future__ import annotations

import json
from pathlib import Path
import subprocess
import sys

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_quick_benchmark_writes_results_ratios_and_goals(tmp_path):
    out = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench.py"), "--quick", "--out", str(out)],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    record = json.loads(out.read_text(encoding="utf-8"))
    assert {"schema", "command", "machine", "versions", "sizes", "results", "ratios", "goals"} <= record.keys()
    assert record["sizes"] == [100_000]
    names = {r["benchmark"] for r in record["results"]}
    assert {"tables_lmlib", "tables_tableone", "counting_floor", "km_lmlib", "km_lifelines", "km_rows"} <= names
    for r in record["results"]:
        assert {"benchmark", "size", "seconds", "step_peak_mb", "process_peak_mb"} <= r.keys()
        assert r["seconds"] > 0 and r["process_peak_mb"] > 0
    assert next(r for r in record["results"] if r["benchmark"] == "km_lmlib")["equal_to_raw"] is True
    assert next(r for r in record["results"] if r["benchmark"] == "tables_rows")["equal_to_aggregates"] is True
    baselines = {(r["benchmark"], r["baseline"]) for r in record["ratios"]}
    assert {("tables_lmlib", "tables_tableone"), ("km_lmlib", "km_lifelines")} <= baselines
    assert all({"goal", "value", "met"} <= g.keys() for g in record["goals"])
    assert "faster than tables_tableone" in done.stdout
