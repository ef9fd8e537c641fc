"""Figures for a journal: colour-blind-safe colours with distinct line types, the log-rank p on a
grouped Kaplan–Meier plot, one- and two-column widths, no title inside, integer count ticks,
labels passed in (never rewritten after drawing), 300-dpi PNG and PDF files."""
from __future__ import annotations

import struct

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lmlib import plots, tables  # noqa: E402
from lmlib import survival_report as sr  # noqa: E402
from lmlib.codebook import load_codebook  # noqa: E402
from lmlib.cohort import load_cohort  # noqa: E402
from lmlib.present.numbers import Style  # noqa: E402
from lmlib.survival import logrank  # noqa: E402
from lmlib.survival_plots import PALETTE, plot_km  # noqa: E402

OKABE_ITO = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"}


@pytest.fixture(scope="module")
def cohort():
    return load_cohort()


@pytest.fixture(scope="module")
def report(cohort):
    return sr.build(cohort.data, load_codebook(), group_by="treatment,primary_site")


def curves(ax):
    """The step lines of the groups (labelled for the legend; the median guides and censor marks are not)."""
    return [line for line in ax.lines if not line.get_label().startswith("_")]


def test_grouped_curves_have_okabe_ito_colours_and_different_line_types(report):
    km = sr.km_figure(report, "primary_site")
    lines = curves(km.ax)
    assert len(lines) == 6
    assert {matplotlib.colors.to_hex(line.get_color()).upper() for line in lines} <= OKABE_ITO
    assert len({str(line._dash_pattern) for line in lines}) == 6  # solid, dash-dot, dotted and three dash patterns
    assert set(PALETTE) <= OKABE_ITO
    plt.close(km.figure)


def test_a_grouped_plot_shows_the_log_rank_p_of_the_numbers(report, cohort):
    km = sr.km_figure(report, "treatment")
    p = logrank(cohort.data, "survival_days", "death", "treatment").p
    assert round(p, 3) == 0.029
    assert "Log-rank p = 0.029" in [t.get_text() for t in km.ax.texts]
    plt.close(km.figure)


def test_sizes_are_one_journal_column_overall_and_two_for_groups_with_no_title_inside(report):
    overall, grouped = sr.km_figure(report), sr.km_figure(report, "treatment")
    assert overall.figure.get_size_inches()[0] == pytest.approx(3.5)
    assert grouped.figure.get_size_inches()[0] == pytest.approx(7.0)
    for km in (overall, grouped):
        assert km.ax.get_title() == km.ax.get_title(loc="left") == "" and km.figure._suptitle is None
        plt.close(km.figure)


def test_six_groups_keep_only_the_numbers_at_risk_under_the_curves(report):
    km = sr.km_figure(report, "primary_site")
    labels = [t.get_text() for t in km.table_ax.get_yticklabels()]
    assert len(labels) == 6 and "Censored" not in labels and km.table_ax.get_title(loc="left") == "At risk"
    assert not km.ax.collections  # no overlapping bands with more than two curves
    plt.close(km.figure)


def test_labels_are_passed_in_in_the_reports_language_never_rewritten(cohort):
    rep = sr.build(cohort.data, load_codebook(), lang="tr", group_by="")
    km = sr.km_figure(rep)
    assert [t.get_text() for t in km.table_ax.get_yticklabels()] == ["Risk altında", "Sansürlü", "Eksitus"]
    assert km.ax.get_xlabel() == "LM tanısından sonra geçen gün" and km.ax.get_ylabel() == "Sağkalım olasılığı"
    plt.close(km.figure)
    data = cohort.data.assign(days=cohort.data["survival_days"])
    out = plot_km(data, "days", "death", labels={"at_risk": "Patients at risk"}, times=[0, 60])
    assert [t.get_text() for t in out.table_ax.get_yticklabels()][0] == "Patients at risk"
    plt.close(out.figure)


def test_small_counts_are_masked_from_the_counts_not_the_drawn_text(cohort):
    weights = np.where(np.arange(len(cohort.data)) % 2 == 0, 2.5, 1.0)  # weighted counts: 2.5 is not a count below k
    data = cohort.data.assign(w=weights)
    style = Style(suppress_below=5)
    out = plot_km(data, "survival_days", "death", weights_col="w", times=[0, 60, 120], count_text=style.count)
    drawn = [t.get_text() for t in out.table_ax.texts]
    expected = [style.count(v) for r in ("at_risk", "censored", "events") for v in out.table[r]]
    assert drawn == expected and "<5" in drawn
    plt.close(out.figure)


def test_bar_figures_have_no_title_and_count_axes_have_integer_ticks(cohort):
    t1 = tables.table1(cohort.data)
    symptoms = plots.symptoms_figure(t1)
    sites = plots.primary_site_figure(t1)
    assert symptoms.get_size_inches()[0] == pytest.approx(3.5) and sites.get_size_inches()[0] == pytest.approx(7.0)
    for fig in (symptoms, sites):
        assert all(ax.get_title(loc="left") == "" for ax in fig.axes) and fig._suptitle is None
    ticks = sites.axes[0].get_xticks()
    assert np.array_equal(ticks, np.round(ticks)) and 2.5 not in ticks
    plt.close("all")


def png_dpi(data: bytes) -> float:
    at = 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        if data[at + 4:at + 8] == b"pHYs":
            x, _, unit = struct.unpack(">IIB", data[at + 8:at + 17])
            return x * 0.0254 if unit == 1 else float("nan")
        at += 12 + length
    return float("nan")


def test_each_figure_is_written_as_a_300_dpi_png_and_a_vector_pdf(tmp_path, cohort):
    fig = plots.symptoms_figure(tables.table1(cohort.data))
    paths = plots.save_figures(fig, tmp_path, "symptoms")
    assert sorted(paths) == ["pdf", "png"]
    assert round(png_dpi(paths["png"].read_bytes())) == 300
    assert paths["pdf"].read_bytes().startswith(b"%PDF")
    plt.close(fig)
