"""The survival section's displays: one call per block of the notebook (the comparison by one
grouping, the manuscript tables), each writing its tables and figures beside the report."""
from __future__ import annotations

from pathlib import Path

from . import page
from .survival import comparison_lines, cox_flags
from .survival_figures import figure_alt, figure_caption, km_figure
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
    """The comparison by one grouping: heading, KM figure (written to ``figures``), the log-rank
    and trend lines, the median, landmark and Cox tables of its levels."""
    from ..survival_report.labels import item_label

    page.heading(item_label(report.codebook, item, report.lang), 3)
    if figures is not None:
        show_km(report, figures, item=item, number=number, downloads=downloads)
    page.paragraph(comparison_lines(report, item), strong=True)
    page.show_table(summary_table(report, item))
    page.show_table(landmark_table(report, item))
    page.paragraph(cox_flags(report, item), strong=True)
    page.show_table(cox_table(report, item, flags=False))


def show_manuscript_tables(report, folder: str | Path, downloads: page.Downloads | None = None) -> None:
    """Tables 4 to 7 (every grouping in one table each), displayed and written as .tex, .docx and
    the tidy .csv of their numbers."""
    from ..survival_report.section import csv_frames

    csv = csv_frames(report)
    for table, frame in ((summary_table(report, None), csv["summary"]), (landmark_table(report, None), csv["landmarks"]),
                         (groups_table(report), csv["comparisons"]), (cox_table(report, None), csv["cox"])):
        page.show_table(table, folder, frame, downloads)
    if downloads is not None:
        from ..survival_report.section import CSV_NAMES

        downloads.add("data", report.style.text("survival.risk_csv"),
                      {"csv": Path(folder) / CSV_NAMES["risk"]})
