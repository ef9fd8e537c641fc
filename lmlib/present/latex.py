"""LaTeX of a :class:`~lmlib.present.table.DisplayTable`: booktabs rules, a numbered caption,
spanning headers with ``\\cmidrule``, and the notes in a ``threeparttable`` (footnote marks as
``\\tnote``). Needs ``\\usepackage{booktabs, threeparttable}`` (and ``pdflscape`` for a wide
table, which is put in a ``landscape`` environment).
"""
from __future__ import annotations

LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                 "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                 "±": r"$\pm$", "–": "--", "—": "---", "≥": r"$\geq$", "≤": r"$\leq$", "−": r"$-$",
                 "<": r"\textless{}", ">": r"\textgreater{}", "×": r"$\times$", "χ": r"$\chi$", "²": r"\textsuperscript{2}",
                 "·": r"$\cdot$", "…": r"\ldots{}", "“": "``", "”": "''", "\u00a0": "~"}
ALIGN = {"left": "l", "right": "r", "center": "c"}
PREAMBLE = r"% needs \usepackage{booktabs,threeparttable} (and pdflscape for a landscape table)"


def latex_escape(text) -> str:
    """Text as LaTeX text: special characters escaped, ±, dashes, minus and ≤/≥ as LaTeX."""
    return "".join(LATEX_SPECIAL.get(ch, ch) for ch in ("" if text is None else str(text)))


def _tnote(marks: str) -> str:
    return "".join(rf"\tnote{{{m}}}" for m in marks)


def render_table(table, label: str | None = None) -> str:
    """The table as a LaTeX ``table`` float; ``label`` defaults to ``tab:<name>``."""
    label = f"tab:{table.name}" if label is None else label
    lines = [PREAMBLE]
    if table.wide:
        lines.append(r"\begin{landscape}")
    lines += [r"\begin{table}[htbp]", r"\centering", r"\begin{threeparttable}"]
    title = latex_escape(table.title)
    if table.number is not None:  # the report's number, whatever the document's counter says
        lines.append(rf"\renewcommand{{\thetable}}{{{latex_escape(table.number)}}}")
        lines.append(rf"\caption{{{title}}}")
    elif title:
        lines.append(rf"\caption*{{{title}}}")
    if label:
        lines.append(rf"\label{{{label}}}")
    lines.append(r"\begin{tabular}{" + "".join(ALIGN[c.align] for c in table.columns) + "}")
    lines.append(r"\toprule")
    headers = table.header_rows()
    for depth, line in enumerate(headers):
        cells = []
        for text, span, marks, align in line:
            body = latex_escape(text) + _tnote(marks)
            cells.append(rf"\multicolumn{{{span}}}{{{ALIGN[align]}}}{{{body}}}" if span > 1 else body)
        lines.append(" & ".join(cells) + r" \\")
        if depth < len(headers) - 1:
            lines.append(" ".join(rf"\cmidrule(lr){{{a + 1}-{b + 1}}}" for a, b in table.span_ranges()))
    lines.append(r"\midrule")
    for row in table.rows:
        cells = []
        for position, key in enumerate(table.keys):
            body = latex_escape(row.cells.get(key, "")) + _tnote(row.marks.get(key, ""))
            if position == 0:
                if row.bold:
                    body = rf"\textbf{{{body}}}"
                if row.indent:
                    body = rf"\hspace*{{{row.indent}em}}{body}"
            cells.append(body)
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    notes = table.all_notes()
    if notes:
        lines += [r"\begin{tablenotes}[flushleft]", r"\footnotesize"]
        for mark, text in notes:
            lines.append((rf"\item[{mark}] " if mark else r"\item[] ") + latex_escape(text))
        lines.append(r"\end{tablenotes}")
    lines += [r"\end{threeparttable}", r"\end{table}"]
    if table.wide:
        lines.append(r"\end{landscape}")
    return "\n".join(lines) + "\n"
