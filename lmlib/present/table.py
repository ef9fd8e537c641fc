"""The display table: what a reader sees of a table, between the numeric frames and the renderers.

gtsummary's model: the statistics give numbers; a builder turns them into a :class:`DisplayTable`
(rows of text cells, indents, bold header rows, column headers and spanning headers, footnote
marks, notes, a numbered caption with a title); one renderer per format draws it
(:func:`lmlib.present.html.render_table`, :func:`lmlib.present.latex.render_table`,
:func:`lmlib.present.docx.render_table`), so the three cannot disagree. Every table of every
section goes through it.

Building one::

    t = DisplayTable("table1", number=1, title="Demographic and clinical data", lang="en")
    t.add_column("label", "Characteristic", align="left")
    t.add_column("overall", "Overall (n = 32)")
    t.add_column("p", "p")
    t.add_span("Primary site", "lung", "ovary")          # a header over several columns
    a = t.footnote("Fisher's exact test.")              # a letter, "a", reused for the same text
    t.add_row({"label": "Sex"}, bold=True)
    t.add_row({"label": "Female", "overall": "12 (37.5%)", "p": "0.48"}, indent=1, marks={"p": a})
    t.add_note("Values are n (%).")                      # unmarked notes come first

Any number of value columns, spans, a p-value column, footnote marks on any cell or header,
and the caption number (an int, or "S1" for a supplement) are all general: Table 1 split by
group, Cox tables or a table built in JupyterLab use the same model. Displayed in JupyterLab
through ``_repr_html_``. Text is plain (never HTML or LaTeX): each renderer escapes it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

ALIGNS = ("left", "right", "center")
MARKS = "abcdefghijklmnopqrstuvwxyz"
WIDE_COLUMNS = 6  # a table with more columns is laid out in landscape in Word


@dataclass
class Column:
    """One column: its key (the cells' key), header text, alignment of header and cells alike,
    and footnote marks on its header."""

    key: str
    header: str
    align: str = "right"
    marks: str = ""

    def __post_init__(self):
        if self.align not in ALIGNS:
            raise ValueError(f"align must be one of {ALIGNS}, not {self.align!r}")


@dataclass
class Span:
    """A header over the columns ``first`` to ``last`` (keys), drawn above their headers with a
    rule under it (booktabs' ``\\cmidrule``)."""

    header: str
    first: str
    last: str
    marks: str = ""


@dataclass
class Row:
    """One body row: text per column key (missing keys are empty cells), indent level of the
    first column (0, 1, 2), bold (a heading row), footnote marks per column key, and an
    optional tone (a class name the HTML renderer gives the row, e.g. an audit status)."""

    cells: dict[str, str]
    indent: int = 0
    bold: bool = False
    marks: dict[str, str] = field(default_factory=dict)
    tone: str = ""


@dataclass
class DisplayTable:
    """A table as a journal prints it (see the module docstring).

    Attributes
    ----------
    name : file stem of its exports (``table1`` -> ``table1.tex``, ``table1.docx``).
    number : caption number (1, or "S1"); None for an unnumbered table.
    title : caption title, after "Table 1." / "Tablo 1.".
    lang : language of the caption word.
    columns, spans, rows : the layout.
    notes : general notes, printed first, without a mark.
    footnotes : (mark, text) pairs in order of first use.
    abbreviations : the "Abbreviations: ..." line, printed after the notes ("" for none).

    Examples
    --------
    >>> from lmlib.present.table import DisplayTable
    >>> t = DisplayTable("by_site", number=1, title="Patients by primary site")
    >>> for key, header in [("label", "Characteristic"), ("lung", "Lung (n = 17)"), ("p", "p")]:
    ...     column = t.add_column(key, header, align="left" if key == "label" else "right")
    >>> span = t.add_span("Primary site", "lung", "lung")
    >>> row = t.add_row({"label": "Female", "lung": "2 (11.8%)", "p": "< 0.001"}, indent=1)
    >>> t.mark(row, "p", "Fisher's exact test."), t.footnote("Fisher's exact test.")  # one text, one mark
    ('a', 'a')
    >>> t.add_note("Values are n (%).")
    >>> "<caption><b>Table 1.</b> Patients by primary site</caption>" in t.to_html()
    True
    >>> "toprule" in t.to_latex(), t.to_docx()[:2]  # booktabs rules; a .docx is a zip file
    (True, b'PK')
    """

    name: str
    number: int | str | None = None
    title: str = ""
    lang: str = "en"
    columns: list[Column] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    footnotes: list[tuple[str, str]] = field(default_factory=list)
    abbreviations: str = ""

    # ---------------------------------------------------------------- building
    def add_column(self, key: str, header: str, align: str = "right", marks: str = "") -> Column:
        if any(c.key == key for c in self.columns):
            raise ValueError(f"column {key!r} is already in table {self.name!r}")
        column = Column(key, header, align, marks)
        self.columns.append(column)
        return column

    def add_span(self, header: str, first: str, last: str, marks: str = "") -> Span:
        keys = self.keys
        if first not in keys or last not in keys or keys.index(first) > keys.index(last):
            raise ValueError(f"span {header!r}: {first!r}..{last!r} are not columns in order")
        span = Span(header, first, last, marks)
        self.spans.append(span)
        return span

    def add_row(self, cells: dict[str, str], *, indent: int = 0, bold: bool = False,
                marks: dict[str, str] | None = None, tone: str = "") -> Row:
        unknown = set(cells) - set(self.keys)
        if unknown:
            raise ValueError(f"table {self.name!r} has no column {sorted(unknown)}")
        row = Row({k: "" if v is None else str(v) for k, v in cells.items()}, int(indent), bool(bold),
                  dict(marks or {}), tone)
        self.rows.append(row)
        return row

    def add_note(self, text: str) -> None:
        """A general note (no mark), printed in the order added, before the footnotes."""
        if text and text not in self.notes:
            self.notes.append(text)

    def footnote(self, text: str) -> str:
        """The mark ("a", "b", ...) of a footnote, a new one for a new text."""
        for mark, known in self.footnotes:
            if known == text:
                return mark
        mark = MARKS[len(self.footnotes)] if len(self.footnotes) < len(MARKS) else f"{len(self.footnotes) + 1}"
        self.footnotes.append((mark, text))
        return mark

    def mark(self, row: Row, key: str, text: str) -> str:
        """Put the footnote ``text``'s mark on the cell ``key`` of ``row``; returns the mark."""
        letter = self.footnote(text)
        if letter not in row.marks.get(key, ""):
            row.marks[key] = row.marks.get(key, "") + letter
        return letter

    # ---------------------------------------------------------------- reading
    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    @property
    def caption_label(self) -> str:
        """"Table 1." / "Tablo 1." ("" for an unnumbered table)."""
        if self.number is None:
            return ""
        from .catalog import text

        return text("table.caption", self.lang, number=self.number)

    @property
    def wide(self) -> bool:
        """True for a table laid out in landscape (more than :data:`WIDE_COLUMNS` columns)."""
        return len(self.columns) > WIDE_COLUMNS

    def cell(self, row: Row, key: str) -> str:
        return row.cells.get(key, "")

    def header_rows(self) -> list[list[tuple[str, int, str, str]]]:
        """The header as rows of (text, column span, marks, align): the spanning row (when there
        are spans; columns outside a span get an empty cell) and the column headers."""
        rows = []
        if self.spans:
            keys, line, at = self.keys, [], 0
            for span in sorted(self.spans, key=lambda s: keys.index(s.first)):
                first, last = keys.index(span.first), keys.index(span.last)
                line += [("", 1, "", "left")] * (first - at)
                line.append((span.header, last - first + 1, span.marks, "center"))
                at = last + 1
            line += [("", 1, "", "left")] * (len(keys) - at)
            rows.append(line)
        rows.append([(c.header, 1, c.marks, c.align) for c in self.columns])
        return rows

    def span_ranges(self) -> list[tuple[int, int]]:
        """(first, last) column positions (0-based) of each span, left to right."""
        keys = self.keys
        return sorted((keys.index(s.first), keys.index(s.last)) for s in self.spans)

    def all_notes(self) -> list[tuple[str, str]]:
        """Everything printed under the table, in order: ("", note) for the general notes and
        the abbreviations, (mark, text) for the footnotes."""
        out = [("", n) for n in self.notes]
        if self.abbreviations:
            out.append(("", self.abbreviations))
        return out + list(self.footnotes)

    def to_frame(self):
        """The cells as a pandas DataFrame (headers as column names, marks dropped): for a
        quick look or a test."""
        import pandas as pd

        return pd.DataFrame([[r.cells.get(k, "") for k in self.keys] for r in self.rows],
                            columns=[c.header for c in self.columns])

    @property
    def data(self):
        """The cells as a DataFrame (:meth:`to_frame`), as a pandas Styler's ``data``."""
        return self.to_frame()

    def text(self) -> str:
        """Every word the table prints (caption, headers, cells, notes), one line each."""
        lines = [f"{self.caption_label} {self.title}".strip()]
        lines += [cell[0] for row in self.header_rows() for cell in row if cell[0]]
        lines += [r.cells.get(k, "") for r in self.rows for k in self.keys]
        lines += [text for _, text in self.all_notes()]
        return "\n".join(line for line in lines if line)

    def to_html(self) -> str:
        """The table as HTML (:func:`lmlib.present.html.render_table`)."""
        from .html import render_table

        return render_table(self)

    def to_latex(self) -> str:
        """The table as LaTeX (:func:`lmlib.present.latex.render_table`)."""
        from .latex import render_table

        return render_table(self)

    def to_docx(self) -> bytes:
        """The table as the bytes of a Word file (:func:`lmlib.present.docx.render_table`)."""
        from .docx import render_table

        return render_table(self)

    def _repr_html_(self) -> str:
        return self.to_html()


def abbreviations(lang: str, *keys: str) -> str:
    """The "Abbreviations: CI, confidence interval; SD, standard deviation." line of the
    catalog's ``abbr.<key>`` entries, in the order given."""
    from .catalog import text

    if not keys:
        return ""
    return text("table.abbreviations", lang, list="; ".join(text(f"abbr.{k}", lang) for k in keys))
