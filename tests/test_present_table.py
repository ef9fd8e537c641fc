"""The display table model and its three renderers (HTML, LaTeX, Word): journal layout, escaping,
and the Word checks every exported .docx must pass (rules, caption, repeated header, A4)."""
from __future__ import annotations

import io
import re
import zipfile

import pytest

from lmlib import export, tables
from lmlib.cohort import load_cohort
from lmlib.present import descriptive
from lmlib.present.numbers import Style
from lmlib.present.table import DisplayTable

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A4_TWIPS = (11906, 16838)  # 210 × 297 mm in twentieths of a point


def demo(lang: str = "en", columns: int = 4) -> DisplayTable:
    t = DisplayTable("demo", number=3, title="Findings <by> group & site", lang=lang)
    t.add_column("label", "Characteristic", align="left")
    keys = [f"g{i}" for i in range(columns - 2)]
    for i, key in enumerate(keys):
        t.add_column(key, f"Group {i} (n = {10 + i})")
    t.add_column("p", "p")
    t.add_span("Primary site, n (%)", keys[0], keys[-1])
    mark = t.footnote("Fisher's exact test.")
    assert t.footnote("Fisher's exact test.") == mark == "a"
    t.add_row({"label": "Sex"}, bold=True)
    t.add_row({"label": "Female <b>", **{k: "12 (37.5%)" for k in keys}, "p": "0.011"}, indent=1, marks={"p": mark})
    t.add_row({"label": "Male", **{k: "20 (62.5%)" for k in keys}}, indent=1)
    t.add_note("Values are n (%).")
    return t


# ------------------------------------------------------------------------------ Word checks

def docx_parts(data: bytes):
    """The document XML (ElementTree) of a .docx."""
    from xml.etree import ElementTree

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return ElementTree.fromstring(z.read("word/document.xml"))


def edge(cell, side: str):
    found = cell.find(f"{W}tcPr/{W}tcBorders/{W}{side}")
    return None if found is None else (found.get(f"{W}val"), int(found.get(f"{W}sz", "0")))


def check_docx(data: bytes, header_rows: int = 1) -> dict:
    """Assert the journal layout of an exported table and return what was read: A4 page, a
    numbered bold caption before the table, three horizontal rules (heavy above the header,
    light under it, heavy under the last row) and no other line, header rows repeated on every
    page, rows that never split, footnote marks as superscript."""
    doc = docx_parts(data)
    body = doc.find(f"{W}body")
    size = body.find(f"{W}sectPr/{W}pgSz")
    width, height = int(size.get(f"{W}w")), int(size.get(f"{W}h"))
    assert sorted((width, height)) == sorted(A4_TWIPS), (width, height)
    assert size.get(f"{W}orient", "portrait") == ("landscape" if width > height else "portrait")
    margins = body.find(f"{W}sectPr/{W}pgMar")
    wanted = 850 if len(body.find(f"{W}tbl").findall(f"{W}tblGrid/{W}gridCol")) > 9 else 1417  # 15 or 25 mm
    assert all(abs(int(margins.get(f"{W}{side}")) - wanted) <= 2 for side in ("left", "right", "top", "bottom"))
    children = list(body)
    first = children[0]
    assert first.tag == f"{W}p"
    runs = first.findall(f"{W}r")
    assert runs[0].find(f"{W}rPr/{W}b") is not None
    caption = "".join(t.text or "" for t in first.iter(f"{W}t"))
    assert re.match(r"(Table|Tablo) (\d+|[SA]\d+)\. \S", caption), caption
    table = next(c for c in children if c.tag == f"{W}tbl")
    borders = table.find(f"{W}tblPr/{W}tblBorders")
    assert borders is not None and {b.get(f"{W}val") for b in borders} == {"nil"}
    rows = table.findall(f"{W}tr")
    for i, row in enumerate(rows):
        props = row.find(f"{W}trPr")
        assert props.find(f"{W}cantSplit") is not None
        assert (props.find(f"{W}tblHeader") is not None) == (i < header_rows), i
    cells = lambda row: row.findall(f"{W}tc")  # noqa: E731
    assert all(edge(c, "top") == ("single", 12) for c in cells(rows[0]))
    assert all(edge(c, "bottom") == ("single", 6) for c in cells(rows[header_rows - 1]))
    assert all(edge(c, "bottom") == ("single", 12) for c in cells(rows[-1]))
    for row in rows[header_rows:-1]:
        assert all(edge(c, side) is None for c in cells(row) for side in ("top", "bottom", "left", "right"))
    assert not [c for row in rows for c in cells(row) for side in ("left", "right", "start", "end")
                if edge(c, side) is not None]
    superscripts = [r for r in doc.iter(f"{W}r") if r.find(f"{W}rPr/{W}vertAlign") is not None]
    assert all(r.find(f"{W}rPr/{W}vertAlign").get(f"{W}val") == "superscript" for r in superscripts)
    return {"caption": caption, "rows": rows, "superscripts": len(superscripts)}


def check_tex(tex: str) -> None:
    """Assert a LaTeX table's journal layout: booktabs rules, a caption, threeparttable notes."""
    for command in (r"\toprule", r"\midrule", r"\bottomrule", r"\caption{", r"\begin{threeparttable}",
                    r"\end{threeparttable}", r"\begin{tabular}"):
        assert command in tex, command
    assert r"\hline" not in tex and "|" not in tex.split(r"\begin{tabular}")[1].split("}")[0]


# ------------------------------------------------------------------------------ the model

def test_a_span_must_cover_existing_columns_in_order_and_marks_are_letters_in_order_of_use():
    t = demo()
    with pytest.raises(ValueError):
        t.add_span("x", "p", "g0")
    assert t.footnote("another") == "b" and [m for m, _ in t.footnotes] == ["a", "b"]
    assert t.header_rows()[0][1] == ("Primary site, n (%)", 2, "", "center")


def test_the_html_has_the_numbered_caption_a_spanning_header_superscript_marks_and_escapes_text():
    page = demo().to_html()
    assert "<caption><b>Table 3.</b> Findings &lt;by&gt; group &amp; site</caption>" in page
    assert '<th class="lm-center lm-span" colspan="2" scope="col">Primary site, n (%)</th>' in page
    assert "0.011<sup>a</sup>" in page and "<p><sup>a</sup> Fisher&#x27;s exact test.</p>" in page
    assert "Female &lt;b&gt;" in page and "<b>" not in page.replace("<b>Table 3.</b>", "")


def test_the_latex_has_booktabs_a_cmidrule_under_the_span_threeparttable_notes_and_the_number():
    tex = demo().to_latex()
    check_tex(tex)
    assert r"\multicolumn{2}{c}{Primary site, n (\%)}" in tex and r"\cmidrule(lr){2-3}" in tex
    assert r"0.011\tnote{a}" in tex and r"\item[a] Fisher's exact test." in tex
    assert r"\renewcommand{\thetable}{3}" in tex and r"\hspace*{1em}Female \textless{}b\textgreater{}" in tex
    assert r"\begin{landscape}" in demo(columns=9).to_latex()


def test_the_word_table_has_three_rules_a_numbered_caption_repeated_headers_on_a4():
    read = check_docx(demo().to_docx(), header_rows=2)
    assert read["caption"] == "Table 3. Findings <by> group & site" and read["superscripts"] >= 2
    check_docx(demo(columns=9).to_docx(), header_rows=2)  # landscape A4


def test_word_headers_are_aligned_like_their_numbers():
    doc = docx_parts(demo(columns=3).to_docx())
    rows = doc.find(f"{W}body/{W}tbl").findall(f"{W}tr")
    header, body = rows[1].findall(f"{W}tc"), rows[3].findall(f"{W}tc")
    align = lambda c: c.find(f"{W}p/{W}pPr/{W}jc").get(f"{W}val")  # noqa: E731
    assert [align(c) for c in header] == [align(c) for c in body] == ["left", "right", "right"]


def test_the_same_table_gives_the_same_bytes():
    assert demo().to_docx() == demo().to_docx()


# ------------------------------------------------------------------------------ Tables 1 and 2 through it

@pytest.fixture(scope="module")
def table1():
    return tables.table1(load_cohort().data)


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_table1_is_written_as_tex_and_docx_in_journal_layout(table1, tmp_path, lang):
    paths = export.write_table(table1, tmp_path, "table1", style=Style(lang))
    check_tex(paths["tex"].read_text(encoding="utf-8"))
    read = check_docx(paths["docx"].read_bytes())
    assert read["caption"].startswith({"en": "Table 1. Demographic", "tr": "Tablo 1. Hastaların"}[lang])


def test_a_decimal_comma_reaches_every_cell_of_table1(table1):
    shown = descriptive.display_table(table1, Style("tr", 1, ",")).to_frame()
    values = " ".join(shown.iloc[:, 1])
    assert "17 (%53,1)" in values and "55,4 ± 12,0 (29–75)" in values and "53.1" not in values
