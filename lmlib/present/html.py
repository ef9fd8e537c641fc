"""HTML of the reports: the one place where text enters HTML (:func:`escape`), the table
renderer (booktabs look: three rules, no grid), and the small blocks a section displays
(headings, paragraphs, figures with their caption and alt text, download links).

Every string that reaches a report page passes :func:`escape` here (labels from the codebook or
a user's study file, file names, sentences), so a ``<`` in a level name is text, never markup.
Output is deterministic: no random ids, no clock.
"""
from __future__ import annotations

import base64
import html as _html

TABLE_CSS = """<style>
table.lm-table { border-collapse: collapse; margin: 0.6em 0 0.2em 0; font-size: 0.9em; border: none;
  max-width: 100%; width: auto; }
table.lm-table caption { caption-side: top; text-align: left; padding: 0 0 0.4em 0; font-size: 1em; color: inherit; }
table.lm-table caption b { font-weight: bold; }
table.lm-table thead tr:first-child th { border-top: 2px solid #000; }
table.lm-table thead tr:last-child th { border-bottom: 1px solid #000; }
table.lm-table thead th.lm-span { border-bottom: 1px solid #000; }
table.lm-table tbody tr:last-child td { border-bottom: 2px solid #000; }
table.lm-table th, table.lm-table td { padding: 0.18em 0.55em; vertical-align: top; border-left: none;
  border-right: none; background: none; }
table.lm-table tbody tr { background: none !important; }
table.lm-table th { font-weight: bold; white-space: normal; }
table.lm-table .lm-left { text-align: left; }
table.lm-table .lm-right { text-align: right; }
table.lm-table .lm-center { text-align: center; }
table.lm-table td.lm-right, table.lm-table td.lm-center { white-space: nowrap; }
table.lm-table td.lm-long { white-space: normal; min-width: 7em; }
table.lm-table td:first-child { min-width: 12em; }
table.lm-table td.lm-i1 { padding-left: 1.8em; }
table.lm-table td.lm-i2 { padding-left: 3.2em; }
table.lm-table tr.lm-bold td:first-child { font-weight: bold; }
table.lm-table tr.lm-tone-consistent td, table.lm-table tr.lm-tone-exact td,
table.lm-table tr.lm-tone-rounding td { background: #eef7ee !important; }
table.lm-table tr.lm-tone-consistent_truncated td, table.lm-table tr.lm-tone-truncation td {
  background: #fff8c4 !important; }
table.lm-table tr.lm-tone-note td { background: #e6f0fa !important; }
table.lm-table tr.lm-tone-inconsistent td, table.lm-table tr.lm-tone-paper_inconsistent td {
  background: #ffe6c7 !important; }
table.lm-table tr.lm-tone-mismatch td { background: #f8d0d0 !important; }
div.lm-table-notes { font-size: 0.85em; max-width: 60em; margin: 0 0 1.2em 0; line-height: 1.35; }
div.lm-table-notes p { margin: 0.1em 0; }
figure.lm-figure { margin: 0.8em 0 1.2em 0; }
figure.lm-figure img { max-width: 100%; height: auto; }
figure.lm-figure figcaption { font-size: 0.9em; max-width: 60em; margin-top: 0.3em; line-height: 1.35; }
nav.lm-downloads { font-size: 0.9em; border-top: 1px solid #bbb; margin-top: 1.5em; padding-top: 0.4em; }
nav.lm-downloads ul { margin: 0.2em 0 0.6em 0; }
</style>"""


LONG_CELL = 16  # a longer value cell may wrap at its spaces when the page is narrow
SCREEN_SCALE = 1.35  # a figure is shown a little larger than its print size (its PNG has 300 dpi)


def keep_together(text: str) -> str:
    """A header with "n = 17" kept on one line (non-breaking spaces around "="), for the renderers
    whose headers wrap (HTML, Word)."""
    return text.replace(" = ", "\u00a0=\u00a0")


def escape(text) -> str:
    """Text as HTML text (``&``, ``<``, ``>`` and quotes escaped): the one way text enters a page.

    Examples
    --------
    >>> from lmlib.present.html import escape
    >>> escape('<b>Cinsiyet</b> & "KPS"')
    '&lt;b&gt;Cinsiyet&lt;/b&gt; &amp; &quot;KPS&quot;'
    """
    return _html.escape("" if text is None else str(text), quote=True)


def _marks(marks: str) -> str:
    return f"<sup>{escape(marks)}</sup>" if marks else ""


def render_table(table, css: bool = True) -> str:
    """A :class:`~lmlib.present.table.DisplayTable` as an HTML ``<table>`` with its caption
    ("Table 1. Title") above and its notes below; ``css`` includes the style block."""
    out = [TABLE_CSS] if css else []
    out.append(f'<table class="lm-table" id="lm-table-{escape(table.name)}">')
    label = f"<b>{escape(table.caption_label)}</b> " if table.caption_label else ""
    if label or table.title:
        out.append(f"<caption>{label}{escape(table.title)}</caption>")
    out.append("<thead>")
    headers = table.header_rows()
    for depth, line in enumerate(headers):
        cells = []
        for text, span, marks, align in line:
            spanning = depth < len(headers) - 1 and text
            cls = f"lm-{align}" + (" lm-span" if spanning else "")
            colspan = f' colspan="{span}"' if span > 1 else ""
            cells.append(f'<th class="{cls}"{colspan} scope="col">{escape(keep_together(text))}{_marks(marks)}</th>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</thead>")
    out.append("<tbody>")
    aligns = {c.key: c.align for c in table.columns}
    for row in table.rows:
        classes = " ".join(filter(None, ["lm-bold" if row.bold else "", f"lm-tone-{row.tone}" if row.tone else ""]))
        cells = []
        for position, key in enumerate(table.keys):
            value = row.cells.get(key, "")
            cls = f"lm-{aligns[key]}" + (f" lm-i{min(row.indent, 2)}" if position == 0 and row.indent else "") \
                + (" lm-long" if position and len(value) > LONG_CELL else "")
            cells.append(f'<td class="{cls}">{escape(row.cells.get(key, ""))}{_marks(row.marks.get(key, ""))}</td>')
        out.append((f'<tr class="{classes}">' if classes else "<tr>") + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    notes = table.all_notes()
    if notes:
        out.append('<div class="lm-table-notes">')
        out += [f"<p>{_marks(mark)}{' ' if mark else ''}{escape(text)}</p>" for mark, text in notes]
        out.append("</div>")
    return "\n".join(out)


# ------------------------------------------------------------------------------ blocks

def heading(text: str, level: int = 2) -> str:
    """A real HTML heading (``<h2>`` ...), so that the page has an outline."""
    level = min(max(int(level), 1), 6)
    return f"<h{level}>{escape(text)}</h{level}>"


def paragraph(text: str, strong: bool = False, css_class: str = "") -> str:
    """A paragraph of plain text (escaped); ``strong`` makes it bold."""
    body = f"<strong>{escape(text)}</strong>" if strong else escape(text)
    cls = f' class="{escape(css_class)}"' if css_class else ""
    return f"<p{cls}>{body}</p>"


def bullets(texts) -> str:
    """A bulleted list of plain texts (escaped)."""
    return "<ul>" + "".join(f"<li>{escape(text)}</li>" for text in texts) + "</ul>"


def figure(png: bytes, alt: str, caption_label: str, caption: str, width_in: float) -> str:
    """A figure: the PNG embedded (no outside file needed to read the page), its alt text, and
    the numbered caption under it; shown at its print width (``width_in`` inches, 96 px each)."""
    data = base64.b64encode(png).decode("ascii")
    width = int(round(width_in * 96 * SCREEN_SCALE))
    label = f"<b>{escape(caption_label)}</b> " if caption_label else ""
    return (f'<figure class="lm-figure"><img src="data:image/png;base64,{data}" alt="{escape(alt)}" '
            f'width="{width}"><figcaption>{label}{escape(caption)}</figcaption></figure>')


def downloads(title: str, groups: list[tuple[str, list[tuple[str, list[tuple[str, str]]]]]], notes=()) -> str:
    """The links at the end of a section: ``groups`` is [(group heading, [(item title,
    [(format, relative link), ...]), ...]), ...]; ``notes`` are short lines under them."""
    out = [f'<nav class="lm-downloads" aria-label="{escape(title)}">', heading(title, 2)]
    for group, items in groups:
        if not items:
            continue
        out.append(f"<p><strong>{escape(group)}</strong></p><ul>")
        for item, links in items:
            shown = ", ".join(f'<a class="lm-download" href="{escape(href)}">{escape(fmt)}</a>' for fmt, href in links)
            out.append(f"<li>{escape(item)}: {shown}</li>")
        out.append("</ul>")
    out += [paragraph(n) for n in notes]
    out.append("</nav>")
    return "\n".join(out)
