"""plot_km: curve, band, censor marks, median line, and a risk table aligned with the ticks."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from lmlib.survival import risk_table  # noqa: E402
from lmlib.survival_plots import plot_km  # noqa: E402


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    n = 40
    return pd.DataFrame({
        "days": np.ceil(rng.exponential(120, n)), "dead": (rng.random(n) < 0.7).astype(int),
        "site": rng.choice(["breast", "lung"], n),
    })


def test_risk_table_numbers_sit_on_the_x_ticks_and_equal_the_risk_table(data):
    ticks = [0, 60, 120, 180]
    out = plot_km(data, "days", "dead", "site", times=ticks)
    try:
        assert list(out.ax.get_xticks()) == ticks
        assert out.table_ax.get_xlim() == out.ax.get_xlim()
        texts = out.table_ax.texts
        assert len(texts) == 2 * 3 * len(ticks)  # groups x rows x ticks
        assert sorted({t.get_position()[0] for t in texts}) == ticks
        expected = risk_table(data, "days", "dead", ticks, group_col="site")
        first_row = [float(t.get_text()) for t in texts[: len(ticks)]]
        assert first_row == expected.loc["breast", "at_risk"].tolist()
        pd.testing.assert_frame_equal(out.table, expected)
    finally:
        plt.close(out.figure)


def test_censor_marks_median_lines_and_bands_are_drawn(data):
    out = plot_km(data, "days", "dead", "site", times=[0, 100, 200])
    try:
        markers = [line for line in out.ax.lines if line.get_marker() == "+"]
        dashed = [line for line in out.ax.lines if line.get_linestyle() == "--"]
        assert len(markers) == 2 and len(dashed) == 2
        assert len(out.ax.collections) == 2  # one CI band per group
        censored = data[data["dead"] == 0]
        assert sum(len(m.get_xdata()) for m in markers) == censored.groupby("site")["days"].nunique().sum()
    finally:
        plt.close(out.figure)


def test_median_line_is_not_drawn_when_the_median_is_not_reached():
    data = pd.DataFrame({"days": [10, 20, 30, 40], "dead": [1, 0, 0, 0]})
    out = plot_km(data, "days", "dead", risk_table=False, times=[0, 20, 40])
    try:
        assert not [line for line in out.ax.lines if line.get_linestyle() == "--"]
        assert out.table_ax is None
    finally:
        plt.close(out.figure)


def test_months_axis(data):
    out = plot_km(data, "days", "dead", unit="months", times=[0, 3, 6])
    try:
        assert "Months" in out.ax.get_xlabel()
        assert out.table.loc[("Overall", 3.0), "at_risk"] == (data["days"] >= 3 * 30.4375).sum()
    finally:
        plt.close(out.figure)


def test_statistics_modules_do_not_import_matplotlib():
    import subprocess
    import sys

    code = ("import sys, lmlib.survival, lmlib.cli; "
            "print(any(m.startswith('matplotlib') for m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
