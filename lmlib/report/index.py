"""The index page (``reports/index.html``) linking the sections, with the cohort's file name,
n and data cut-off month."""
from __future__ import annotations

import html
from pathlib import Path

from ..atomic import write_text
from .common import section_title


_INDEX_TEXT = {
    "en": {"title": "Leptomeningeal metastases: reports", "cohort": "Cohort file", "n": "Patients (n)",
           "cut": "Data cut-off", "not_given": "not given", "synthetic": "Synthetic data",
           "yes": "YES: synthetic cohort, not patients", "no": "no", "sections": "Sections",
           "sha": "Input SHA-256", "withheld": "withheld: the name looks like a direct identifier",
           "banner": "SYNTHETIC DATA: these reports were built from the bundled synthetic cohort, "
                     "not from patients. Do not cite their numbers."},
    "tr": {"title": "Leptomeningeal metastazlar: raporlar", "cohort": "Kohort dosyası", "n": "Hasta (n)",
           "cut": "Veri kesim tarihi", "not_given": "belirtilmedi", "synthetic": "Sentetik veri",
           "yes": "EVET: sentetik kohort, hasta verisi değil", "no": "hayır", "sections": "Bölümler",
           "sha": "Girdi SHA-256", "withheld": "gizlendi: adı doğrudan kimlik bilgisine benziyor",
           "banner": "SENTETİK VERİ: bu raporlar hasta verisinden değil, pakette gelen sentetik kohorttan "
                     "üretilmiştir. Sayıları kaynak olarak kullanmayın."},
}

_INDEX_CSS = """body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2em auto;
  max-width: 50em; padding: 0 1em; color: #222; line-height: 1.5; }
table { border-collapse: collapse; } th, td { text-align: left; padding: 2px 12px 2px 0; vertical-align: top; }
td.hash { font-family: monospace; word-break: break-all; }
.synthetic { background: #b00020; color: #fff; font-weight: bold; padding: 0.5em 0.8em; border-radius: 3px; }
ol li { margin: 0.3em 0; }"""


def _month(data_cut, lang: str) -> str:
    """The data cut-off's month ("December 2018"): a shared report never shows a full date."""
    from ..formatting import fmt_month

    return fmt_month(data_cut, lang if lang in _INDEX_TEXT else "en") if data_cut else ""


def index_html(sections, provenance: dict, lang: str = "en") -> str:
    """The index page: ``sections`` is a list of (title, relative link); ``provenance`` is
    :meth:`lmlib.cohort.Cohort.provenance`. No clock, no script, no outside resource; the data
    cut-off by its month only."""
    text = _INDEX_TEXT.get(lang, _INDEX_TEXT["en"])
    esc = html.escape
    synthetic = bool(provenance.get("synthetic"))
    name = provenance.get("input_file", "")
    rows = [(text["cohort"], f"({text['withheld']})" if name is None else name, ""),
            (text["n"], str(provenance.get("n", "")), ""),
            (text["cut"], _month(provenance.get("data_cut"), lang) or text["not_given"], ""),
            (text["synthetic"], text["yes"] if synthetic else text["no"], ""),
            (text["sha"], provenance.get("input_sha256", ""), "hash")]
    out = ["<!DOCTYPE html>", f'<html lang="{esc(lang)}">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
           f"<title>{esc(text['title'])}</title>", f"<style>\n{_INDEX_CSS}\n</style>", "</head>", "<body>",
           "<main>", f"<h1>{esc(text['title'])}</h1>"]
    if synthetic:
        out.append(f'<p class="synthetic">{esc(text["banner"])}</p>')
    out.append("<table><tbody>")
    for label, value, css in rows:
        cls = f' class="{css}"' if css else ""
        out.append(f"<tr><th scope=\"row\">{esc(label)}</th><td{cls}>{esc(str(value))}</td></tr>")
    out += ["</tbody></table>", f"<h2>{esc(text['sections'])}</h2>", "<ol>"]
    out += [f'<li><a href="{esc(href, quote=True)}">{esc(title)}</a></li>' for title, href in sections]
    out += ["</ol>", "</main>", "</body>", "</html>", ""]
    return "\n".join(out)


def index_page(sections, cohort, lang: str = "en") -> str:
    """The index page's HTML (see :func:`build_index` for the arguments)."""
    entries = []
    for section in sections:
        if isinstance(section, (tuple, list)):
            entries.append((str(section[0]), str(section[1])))
        else:
            entries.append((section_title(section), f"{Path(section).stem}.html"))
    provenance = cohort.provenance() if hasattr(cohort, "provenance") else dict(cohort)
    return index_html(entries, provenance, lang)


def build_index(sections, cohort, output: str | Path, lang: str = "en") -> Path:
    """Write the index page (atomically) linking the section reports.

    Parameters
    ----------
    sections : section notebooks (paths): each links to ``<stem>.html`` beside ``output``,
        titled by its first heading; or (title, link) pairs.
    cohort : a :class:`~lmlib.cohort.Cohort` or its ``provenance()`` dict.
    output : the index file, e.g. ``reports/index.html``.
    """
    write_text(output, index_page(sections, cohort, lang))
    return Path(output)
