"""The survival section's displays: one call per block of the notebook (the comparison by one
grouping, the manuscript tables), each writing its tables and figures beside the report."""
from __future__ import annotations

from pathlib import Path

from . import page
from .survival import comparison_lines, cox_flags
from .survival_figures import figure_alt, figure_caption, km_figure
from .survival_comparisons import (immortal_note, landmark_analysis_table, landmark_text, pairwise_table,
                                   rmst_table)
from .survival_tables import cox_table, groups_table, landmark_table, summary_table


def km_name(item: str | None = None, unit: str = "days") -> str:
    """File stem of a KM figure: ``survival_km_<item>``, or ``survival_km_overall_<unit>``."""
    return f"survival_km_{item}" if item else f"survival_km_overall_{unit}"


def show_km(report, folder: str | Path, *, item: str | None = None, unit: str = "days", number=None,
            downloads: page.Downloads | None = None) -> None:
    """Draw, write (PNG and PDF) and display one KM figure with its caption and alt text."""
    name = km_name(item, unit)
    km = km_figure(report, item, unit)
    from ..survival_report.labels import item_label

    t = report.style.text
    title = t("figure.km.short_by", label=item_label(report.codebook, item, report.lang)) if item \
        else t("figure.km.short", unit=t(f"word.{unit}"))
    page.show_figure(km.figure, folder, name, number=number, caption=figure_caption(report, item),
                     alt=figure_alt(report, item, unit), style=report.style, downloads=downloads, title=title)


def show_group(report, item: str, figures: str | Path | None = None, *, number=None,
               downloads: page.Downloads | None = None) -> None:
    """The comparison by one grouping: heading, the note on immortal-time bias for a grouping
    known only after baseline, KM figure (written to ``figures``), the log-rank and trend lines,
    the median table, the pairwise log-rank tests (three or more groups), the landmark and Cox
    tables of its levels, the RMST contrasts, and the landmark analysis when there is one."""
    from ..survival_report.labels import item_label

    page.heading(item_label(report.codebook, item, report.lang), 3)
    page.warnings([note for note in [immortal_note(report, item)] if note])
    if figures is not None:
        show_km(report, figures, item=item, number=number, downloads=downloads)
    page.paragraph(comparison_lines(report, item), strong=True)
    page.show_table(summary_table(report, item))
    if (report.numbers.pairwise["item"] == item).any():
        page.show_table(pairwise_table(report, item))
    page.show_table(landmark_table(report, item))
    page.paragraph(cox_flags(report, item), strong=True)
    page.show_table(cox_table(report, item, flags=False))
    if (report.numbers.rmst_contrasts["item"] == item).any():
        page.show_table(rmst_table(report, item))
    if (report.numbers.landmark_analysis["item"] == item).any():
        page.paragraph(landmark_text(report, item))
        page.show_table(landmark_analysis_table(report, item))


def show_multivariable(report, figures: str | Path | None = None, *, number=None,
                       downloads: page.Downloads | None = None) -> bool:
    """The multivariable Cox model (``cox``): its table, the forest plot (written to ``figures``
    as figure ``number``) and, for a post-baseline covariate without a grouping of its own, the
    landmark analysis. Returns True when a figure was drawn (nothing is shown without a model)."""
    from .cox import display_table, forest_alt, forest_caption, forest_figure

    model = report.numbers.multivariable
    if model is None:
        return False
    t = report.style.text
    page.heading(t("survival.multivariable_heading"), 3)
    page.show_table(display_table(model, report.style, codebook=report.codebook, name="survival_cox_multivariable_shown"))
    drawn = False
    fig = forest_figure(model, report.style, codebook=report.codebook) if figures is not None else None
    if fig is not None:
        page.show_figure(fig, figures, "survival_forest", number=number, caption=forest_caption(model, report.style),
                         alt=forest_alt(model, report.style, codebook=report.codebook), style=report.style,
                         downloads=downloads, title=t("figure.forest.short"))
        drawn = True
    for item in report.numbers.post_baseline:
        if item in report.group_by or item not in model.covariates:
            continue
        if (report.numbers.landmark_analysis["item"] == item).any():
            page.paragraph(landmark_text(report, item))
            page.show_table(landmark_analysis_table(report, item))
    return drawn


def show_manuscript_tables(report, folder: str | Path, downloads: page.Downloads | None = None) -> None:
    """Tables 4 to 7 (every grouping in one table each), then, numbered on from 8, those the
    report has: pairwise log-rank tests, RMST contrasts, the multivariable Cox model and the
    landmark analysis; displayed and written as .tex, .docx and the tidy .csv of their numbers."""
    from ..survival_report.section import CSV_NAMES, csv_frames
    from .cox import display_table as multivariable_table

    csv = csv_frames(report)
    for table, frame in ((summary_table(report, None), csv["summary"]), (landmark_table(report, None), csv["landmarks"]),
                         (groups_table(report), csv["comparisons"]), (cox_table(report, None), csv["cox"])):
        page.show_table(table, folder, frame, downloads)
    number = 8
    optional = {"pairwise": lambda n: pairwise_table(report, None, n), "rmst": lambda n: rmst_table(report, None, n),
                "multivariable": lambda n: multivariable_table(report.numbers.multivariable, report.style,
                                                               codebook=report.codebook, number=n),
                "landmark_analysis": lambda n: landmark_analysis_table(report, None, n)}
    for name, make in optional.items():
        if name in csv:
            page.show_table(make(number), folder, csv[name], downloads)
            number += 1
    if downloads is not None:
        downloads.add("data", report.style.text("survival.risk_csv"),
                      {"csv": Path(folder) / CSV_NAMES["risk"]})
