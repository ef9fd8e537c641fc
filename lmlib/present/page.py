"""What a section notebook displays, in one call each: headings, sentences, tables (written as
.tex/.docx beside the report), figures (written as 300-dpi PNG and PDF, shown with their
numbered caption and alt text), the cohort line, and the download links that end a section.

A notebook keeps its numbers and calls these; every word comes from the text catalog through
the notebook's :class:`~lmlib.present.numbers.Style`, and every string enters HTML through
:func:`lmlib.present.html.escape`. IPython is imported only when something is displayed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import html
from .numbers import Style
from .table import DisplayTable

FORMAT_NAMES = {"csv": "CSV", "tex": "LaTeX", "docx": "Word", "png": "PNG", "pdf": "PDF"}


def show(fragment: str) -> None:
    """Display an HTML fragment in the notebook (and so in the report)."""
    from IPython.display import HTML, display

    display(HTML(fragment))


def heading(text: str, level: int = 2) -> None:
    """A real heading of the report (``<h2>``, ``<h3>``): part of the page's outline."""
    show(html.heading(text, level))


def paragraph(text: str, strong: bool = False) -> None:
    """A sentence or paragraph of plain text (nothing for "", e.g. a note that does not apply)."""
    if text:
        show(html.paragraph(text, strong))


def bullets(texts) -> None:
    """A list of short paragraphs (e.g. the verdicts explained before a table)."""
    show(html.bullets(texts))


def note(text: str) -> None:
    """A short italic remark (e.g. a figure left out under small-cell suppression)."""
    show(f"<p><em>{html.escape(text)}</em></p>")


def warnings(texts) -> None:
    """Warnings a reader must see before what follows (a column missing for every patient), one
    paragraph each, set apart (nothing for none)."""
    for text in texts:
        show(html.paragraph(text, strong=True, css_class="lm-warning"))


def cohort_line(cohort, style: Style) -> str:
    """"Cohort file synthetic_lm_cohort.csv (synthetic data): 32 patients; no problems found in the file."""
    problems = len(cohort.problems)
    said = style.text("report.no_problems") if problems == 0 else style.text("report.one_problem") if problems == 1 \
        else style.text("report.problems", k=style.count(problems))
    from ..colophon import file_name

    name = file_name(cohort.provenance()["input_file"], style.lang)
    return style.text("report.cohort", name=name, n=style.count(cohort.n), problems=said,
                      synthetic=style.text("report.synthetic_mark") if cohort.is_synthetic else "")


def show_cohort(cohort, style: Style) -> None:
    paragraph(cohort_line(cohort, style), strong=True)


@dataclass
class Download:
    """One thing a reader can download: a table or a figure, its title and its files by format."""

    kind: str  # "table" or "figure"
    title: str
    files: dict


@dataclass
class Downloads:
    """The files a section wrote, in order, for the links that end it (:meth:`show`).

    ``folder`` is the report folder (the section's HTML is in it): links are relative to it.
    """

    folder: Path
    style: Style
    items: list[Download] = field(default_factory=list)

    def add(self, kind: str, title: str, files: dict) -> None:
        self.items.append(Download(kind, title, {k: Path(v) for k, v in files.items()}))

    def links(self, item: Download) -> list[tuple[str, str]]:
        out = []
        for fmt, path in item.files.items():
            try:
                href = path.resolve().relative_to(Path(self.folder).resolve()).as_posix()
            except ValueError:
                href = path.name
            out.append((FORMAT_NAMES.get(fmt, fmt), href))
        return out

    def html(self) -> str:
        t = self.style.text
        groups = [(t("report.downloads_tables"), [(d.title, self.links(d)) for d in self.items if d.kind == "table"]),
                  (t("report.downloads_figures"), [(d.title, self.links(d)) for d in self.items if d.kind == "figure"]),
                  (t("report.downloads_data"), [(d.title, self.links(d)) for d in self.items if d.kind == "data"])]
        notes = [t("report.formats_table")] if any(d.kind == "table" for d in self.items) else []
        notes += [t("report.formats_figure")] if any(d.kind == "figure" for d in self.items) else []
        return html.downloads(t("report.downloads"), groups, notes)

    def show(self) -> None:
        """Display the section's download links (the last thing before the colophon)."""
        show(self.html())


def caption_title(table: DisplayTable) -> str:
    return f"{table.caption_label} {table.title}".strip()


def show_table(table: DisplayTable, folder: str | Path | None = None, csv=None,
               downloads: Downloads | None = None) -> None:
    """Display a table; with ``folder`` also write it as .tex and .docx (and ``csv``, the numbers,
    as .csv) named after it, and list the files in ``downloads`` (:func:`save_table` returns
    the paths)."""
    show(table.to_html())
    if folder is not None:
        save_table(table, folder, csv, downloads)


def save_table(table: DisplayTable, folder: str | Path, csv=None, downloads: Downloads | None = None) -> dict:
    """Write a table as .tex and .docx (and ``csv`` as .csv) without displaying it, and list the
    files in ``downloads`` (e.g. the manuscript layout of a table shown with more columns)."""
    from ..export import write_display

    paths = write_display(table, folder, csv)
    if downloads is not None:
        downloads.add("table", caption_title(table), paths)
    return paths


def figure_label(number, style: Style) -> str:
    return style.text("figure.caption", number=number) if number is not None else ""


def show_figure(fig, folder: str | Path, name: str, *, number=None, caption: str = "", alt: str = "",
                style: Style, downloads: Downloads | None = None, title: str = "") -> None:
    """Write ``fig`` as ``<folder>/<name>.png`` (300 dpi) and ``.pdf``, display it with its
    numbered caption under it and its alt text, close it, and list the files in ``downloads``
    (under ``title``, default the caption's first clause)."""
    import matplotlib.pyplot as plt

    from ..plots import save_figures

    paths = save_figures(fig, folder, name)
    width = fig.get_size_inches()[0]
    plt.close(fig)
    show(html.figure(paths["png"].read_bytes(), alt or caption, figure_label(number, style), caption, width))
    if downloads is not None:
        downloads.add("figure", f"{figure_label(number, style)} {title or short_title(caption)}".strip(), paths)


def short_title(caption: str) -> str:
    """A caption's first clause, for a list of downloads: up to its first "(", ":", ";" or ". "."""
    import re

    return re.split(r" \(|: |; |\. ", caption, maxsplit=1)[0].rstrip(".")


def skip_figure(path: str | Path, k: int, style: Style) -> None:
    """The note that replaces a figure left out under small-cell suppression (an older file of
    that figure is deleted; see :func:`lmlib.suppress.skip_figure`)."""
    from ..suppress import skip_figure as remove

    for suffix in (".pdf",):
        stale = Path(path).with_suffix(suffix)
        if stale.is_file():
            stale.unlink()
    note(remove(path, k, style.lang))
