"""Word (.docx) of a :class:`~lmlib.present.table.DisplayTable`, in journal style (python-docx).

* A4 (210 × 297 mm) with 25 mm margins; landscape for a wide table (15 mm margins and 7-pt cells
  for one of more than :data:`VERY_WIDE` columns, a Table 1 of six groups with Overall, p, q, SMD).
* A numbered caption above the table: "Table 1." in bold, then the title.
* Three horizontal rules and nothing else: above the header, under the header (and a short
  rule under each spanning header), under the last row; no vertical lines, no shading.
* The header rows repeat at the top of every page; a row never breaks across pages.
* Headers aligned as their columns ("n (%)" right-aligned over right-aligned numbers).
* Footnote marks as superscript letters, the notes under the table in a smaller size.

The same table always gives the same bytes: the zip entries carry a fixed date and the
document properties no clock time.
"""
from __future__ import annotations

import io
import re

from .html import keep_together

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip entry can carry: no clock in the file
FONT = "Times New Roman"
BODY_PT = 9
NOTE_PT = 8
CAPTION_PT = 10
RULE_HEAVY = 12  # eighths of a point: 1.5 pt
RULE_LIGHT = 6  # 0.75 pt
INDENT_PT = 10  # per indent level of the first column
FIXED_DATE = "1980-01-01T00:00:00Z"
MARGIN_MM = 25.0
VERY_WIDE = 9  # columns beyond which a landscape table gets smaller cells and margins
VERY_WIDE_MARGIN_MM = 15.0  # the margins of a table of more than VERY_WIDE columns


EDGE_ORDER = ("top", "left", "start", "bottom", "right", "end", "insideH", "insideV")
TBLPR_AFTER_BORDERS = ("shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription")


def _cell_rule(cell, edge: str, size: int) -> None:
    """A rule on one edge of a cell (once; the edges kept in the schema's order)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    props = cell._tc.get_or_add_tcPr()
    borders = props.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        later = [props.find(qn(f"w:{t}")) for t in ("shd", "noWrap", "tcMar", "textDirection", "tcFitText",
                                                     "vAlign", "hideMark")]
        later = [e for e in later if e is not None]
        if later:
            later[0].addprevious(borders)
        else:
            props.append(borders)
    if borders.find(qn(f"w:{edge}")) is not None:
        return
    line = OxmlElement(f"w:{edge}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size))
    line.set(qn("w:space"), "0")
    line.set(qn("w:color"), "000000")
    following = [borders.find(qn(f"w:{e}")) for e in EDGE_ORDER[EDGE_ORDER.index(edge) + 1:]]
    following = [e for e in following if e is not None]
    if following:
        following[0].addprevious(line)
    else:
        borders.append(line)


def _no_table_borders(table) -> None:
    """No table borders at all (the rules are drawn on the cells), placed where the schema wants."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    props = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "nil")
        borders.append(line)
    later = [e for e in (props.find(qn(f"w:{t}")) for t in TBLPR_AFTER_BORDERS) if e is not None]
    if later:
        later[0].addprevious(borders)
    else:
        props.append(borders)


def _row_props(row, header: bool) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    props = row._tr.get_or_add_trPr()
    keep = OxmlElement("w:cantSplit")
    props.append(keep)
    if header:
        repeat = OxmlElement("w:tblHeader")
        props.append(repeat)


def _write(paragraph, text: str, marks: str = "", *, bold: bool = False, size: float = BODY_PT) -> None:
    from docx.shared import Pt

    if text:
        run = paragraph.add_run(text)
        run.bold = bold
        run.font.size = Pt(size)
    if marks:
        run = paragraph.add_run(marks)
        run.font.superscript = True
        run.font.size = Pt(size)


def _tight(paragraph, align: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT,
                           "center": WD_ALIGN_PARAGRAPH.CENTER}[align]
    paragraph.paragraph_format.space_before = Pt(1)
    paragraph.paragraph_format.space_after = Pt(1)
    paragraph.paragraph_format.line_spacing = 1.0


def _page(document, landscape: bool, margin_mm: float = MARGIN_MM) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    section = document.sections[0]
    short, long = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(margin_mm))


def _styles(document) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT + 1)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    props = document.core_properties
    props.author = ""
    props.last_modified_by = ""
    props.revision = 1
    import datetime as dt

    props.created = props.modified = dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)


MM_PER_CHAR = 2.05  # an average character at 9 pt (Times; a little more, for wider fallback fonts)
BOLD_WIDER = 1.15  # bold header text is wider
CELL_PADDING_MM = 4.4  # Word's default cell margins, 1.9 mm a side, and some air
LABEL_MIN_MM = 45.0  # the first column wraps rather than get narrower
TEXT_WIDTH_MM = {False: 160.0, True: 247.0}  # A4 minus the margins, portrait and landscape


def text_width(table) -> float:
    """The room (mm) a table has across the page: A4 portrait or landscape minus the margins."""
    if len(table.columns) > VERY_WIDE:
        return 297.0 - 2 * VERY_WIDE_MARGIN_MM
    return TEXT_WIDTH_MM[table.wide]


def column_widths(table) -> list[float]:
    """Column widths (mm) that fit the page's text width.

    Each column wants its longest text on one line (headers included; a spanning header shares
    its width among its columns). When the page is too narrow, each column keeps at least its
    longest unbreakable piece (a header wraps at its spaces, a value cell such as "47.1 (7.4;
    32.5–61.6)" or "32 (100.0%)" never wraps: its spaces are non-breaking, see :func:`cell_text`;
    the first column wraps at its spaces down to :data:`LABEL_MIN_MM`) and the room left is
    shared in proportion to what each column still wants.
    """
    scale = body_pt(table) / BODY_PT

    def mm(chars: float) -> float:
        return chars * MM_PER_CHAR * scale + CELL_PADDING_MM

    want, least = [], []
    for position, column in enumerate(table.columns):
        texts = [r.cells.get(column.key, "") + r.marks.get(column.key, "") for r in table.rows]
        indent = max([2 * r.indent for r in table.rows] + [0]) if position == 0 else 0
        header = column.header + column.marks
        longest = max([len(t) for t in texts] + [len(header) * BOLD_WIDER, 3]) + indent
        pieces = (lambda t: t.split()) if position == 0 else value_pieces
        words = [len(w) for t in texts for w in pieces(t)] + [len(w) * BOLD_WIDER for w in header.split()] or [3]
        floor = max(words) + indent
        if position == 0:
            floor = max(floor, (LABEL_MIN_MM - CELL_PADDING_MM) / MM_PER_CHAR)
        want.append(mm(longest))
        least.append(mm(min(floor, longest)))
    for (first, last), span in zip(table.span_ranges(), sorted(table.spans, key=lambda s: table.keys.index(s.first))):
        need = mm(len(span.header) + 2)
        have = sum(want[first:last + 1])
        if need > have:
            want[first:last + 1] = [w + (need - have) / (last - first + 1) for w in want[first:last + 1]]
    room = text_width(table)
    if sum(want) <= room:
        return want
    if sum(least) >= room:
        return [w * room / sum(least) for w in least]
    spare = room - sum(least)
    extra = [w - f for w, f in zip(want, least)]
    return [f + spare * e / sum(extra) for f, e in zip(least, extra)]


def _set_widths(grid, widths) -> None:
    from docx.shared import Mm

    grid.autofit = False
    for column, width in zip(grid.columns, widths):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)


def body_pt(table) -> float:
    """The text size of a table's cells: one point smaller for a wide (landscape) table, two for
    one of more than :data:`VERY_WIDE` columns (a Table 1 of six groups with Overall, p, q, SMD)."""
    if len(table.columns) > VERY_WIDE:
        return BODY_PT - 2
    return BODY_PT - 1 if table.wide else BODY_PT


RANGE_BREAK = re.compile(r" (?=\([^)]*[–;])")  # before "(29–75)" or "(7.4; 32.5–61.6)"


def value_pieces(text: str) -> list[str]:
    """The parts of a value cell that never break: the whole cell, or its number and its range
    or interval in parentheses ("55.4 ± 12.0" | "(29–75)"); "32 (100.0%)", "< 0.001" and
    "1 (reference)" stay whole."""
    return RANGE_BREAK.split(text)


def cell_text(text: str, position: int) -> str:
    """A body cell as written: in a value cell (not the first column) every space is
    non-breaking and every dash joined to its numbers, but for the space before a range or
    interval (:func:`value_pieces`)."""
    if position == 0:
        return text
    joined = (piece.replace(" ", "\u00a0").replace("–", "\u2060–\u2060") for piece in value_pieces(text))
    return " ".join(joined)  # no break at a space or a dash inside a piece (U+2060 WORD JOINER)


def render_table(table) -> bytes:
    """The table as the bytes of a .docx file (see the module docstring for the layout)."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Pt

    document = Document()
    _styles(document)
    _page(document, table.wide, VERY_WIDE_MARGIN_MM if len(table.columns) > VERY_WIDE else MARGIN_MM)
    caption = document.paragraphs[0] if document.paragraphs else document.add_paragraph()
    caption.paragraph_format.keep_with_next = True
    caption.paragraph_format.space_after = Pt(4)
    _write(caption, table.caption_label + (" " if table.caption_label else ""), bold=True, size=CAPTION_PT)
    _write(caption, table.title, size=CAPTION_PT)

    headers = table.header_rows()
    grid = document.add_table(rows=len(headers) + len(table.rows), cols=len(table.columns))
    grid.alignment = WD_TABLE_ALIGNMENT.LEFT  # flush with its caption and notes
    _no_table_borders(grid)
    spans = table.span_ranges()
    for depth, line in enumerate(headers):
        row = grid.rows[depth]
        _row_props(row, header=True)
        at = 0
        for text, span, marks, align in line:
            cell = row.cells[at]
            if span > 1:
                cell = cell.merge(row.cells[at + span - 1])
            paragraph = cell.paragraphs[0]
            _tight(paragraph, align)
            _write(paragraph, keep_together(text), marks, bold=True, size=body_pt(table))
            if depth == 0:
                for k in range(at, at + span):
                    _cell_rule(row.cells[k], "top", RULE_HEAVY)
            if depth < len(headers) - 1 and text and (at, at + span - 1) in spans:
                _cell_rule(cell, "bottom", RULE_LIGHT)
            if depth == len(headers) - 1:
                _cell_rule(cell, "bottom", RULE_LIGHT)
            at += span
    aligns = [c.align for c in table.columns]
    last = len(table.rows) - 1
    for i, source in enumerate(table.rows):
        row = grid.rows[len(headers) + i]
        _row_props(row, header=False)
        for position, key in enumerate(table.keys):
            cell = row.cells[position]
            paragraph = cell.paragraphs[0]
            _tight(paragraph, aligns[position])
            if position == 0 and source.indent:
                paragraph.paragraph_format.left_indent = Pt(INDENT_PT * source.indent)
            _write(paragraph, cell_text(source.cells.get(key, ""), position), source.marks.get(key, ""),
                   bold=source.bold and position == 0, size=body_pt(table))
            if i == last:
                _cell_rule(cell, "bottom", RULE_HEAVY)
    _set_widths(grid, column_widths(table))
    for mark, text in table.all_notes():
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(0)
        paragraph.paragraph_format.space_after = Pt(1)
        if mark:
            _write(paragraph, "", mark, size=NOTE_PT)
            _write(paragraph, " " + text, size=NOTE_PT)
        else:
            _write(paragraph, text, size=NOTE_PT)
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_zip_times(buffer.getvalue())


def fixed_zip_times(data: bytes) -> bytes:
    """The .docx (a zip) with every entry dated :data:`ZIP_TIME` instead of the time it was
    written (python-docx uses the clock), so the same table gives the same bytes."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()
