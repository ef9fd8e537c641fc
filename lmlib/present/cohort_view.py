"""A cohort as JupyterLab shows it (``Cohort._repr_html_``): the report's cohort line, the input
file's provenance (name, patients, data cut-off, SHA-256 of the file and of the codebook with the
study file) and its problems as the report's appendix shows them (Tables A1 and A2).

Never a patient row, never a cell's value. Everything that came from the input (a file name, a
column header) enters the page through :func:`lmlib.present.html.escape` or a
:class:`~lmlib.present.table.DisplayTable` renderer, so markup in a name is shown as text.
"""
from __future__ import annotations

from . import html
from .numbers import Style
from .table import DisplayTable


def provenance_table(cohort, style: Style) -> DisplayTable:
    """Name, patients, data cut-off (its month, as the reports print it), the file's SHA-256 and
    the codebook's (with the study file), and whether the data are synthetic."""
    from ..colophon import data_cut_text

    t = style.text
    table = DisplayTable("cohort", title=t("cohort.title"), lang=style.lang)
    table.add_column("item", t("colophon.group.input"), align="left")
    table.add_column("value", "", align="left")
    cut = None if cohort.data_cut is None else cohort.data_cut.date().isoformat()
    synthetic = t("colophon.synthetic_yes") if cohort.is_synthetic else t("colophon.synthetic_no")
    for key, value in (("colophon.input_file", cohort.name), ("colophon.n", style.count(cohort.n)),
                       ("colophon.cut", data_cut_text(cut, style.lang)), ("colophon.input_sha", cohort.sha256),
                       ("colophon.codebook_sha", cohort.codebook_sha256), ("colophon.synthetic", synthetic)):
        table.add_row({"item": t(key), "value": value})
    return table


def cohort_html(cohort, style: Style | None = None) -> str:
    """The cohort as an HTML fragment: the report's cohort line, :func:`provenance_table`, and,
    when the load found problems, the appendix's lead and Tables A1 and A2
    (:func:`lmlib.present.appendix.problem_tables`)."""
    from ..appendix import FIRST_ROWS
    from . import appendix
    from .page import cohort_line

    style = style or Style()
    out = [html.paragraph(cohort_line(cohort, style), strong=True), provenance_table(cohort, style).to_html()]
    blocks = appendix.problem_tables(cohort, style)
    if blocks:
        out.append(html.paragraph(appendix.lead(cohort.problems, style, FIRST_ROWS)))
        out += [table.to_html() for _, table in blocks]
    return "\n".join(out)
