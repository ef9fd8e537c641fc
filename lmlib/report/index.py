"""The index page (``reports/index.html``): the sections by their titles in the report's language,
the cohort's file name, n and data cut-off month, and every download of every section (tables
and figures) with its size. Every word comes from the text catalog; every text is escaped."""
from __future__ import annotations

from html import unescape
from pathlib import Path
import re

from ..atomic import write_text
from ..present.html import escape as esc
from .common import section_title

_INDEX_CSS = """body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2em auto;
  max-width: 54em; padding: 0 1em; color: #222; line-height: 1.5; }
table { border-collapse: collapse; } th, td { text-align: left; padding: 2px 12px 2px 0; vertical-align: top; }
td.hash { font-family: monospace; word-break: break-all; }
span.size { color: #555; white-space: nowrap; }
table.downloads td { padding-bottom: 0.25em; }
table.downloads td:last-child { white-space: nowrap; }
.synthetic { background: #b00020; color: #fff; font-weight: bold; padding: 0.5em 0.8em; border-radius: 3px; }
ol li { margin: 0.3em 0; }
h3 { margin: 1em 0 0.2em 0; font-size: 1em; }"""
_ITEM = re.compile(r"<li>(.*?): ((?:<a class=\"lm-download\" href=\"[^\"]*\">[^<]*</a>(?:, )?)+)</li>")
_LINK = re.compile(r"<a class=\"lm-download\" href=\"([^\"]*)\">([^<]*)</a>")


def _text(key: str, lang: str, **values) -> str:
    from ..present.catalog import LANGS, text

    return text(key, lang if lang in LANGS else "en", **values)


def _month(data_cut, lang: str) -> str:
    """The data cut-off's month ("December 2018"): a shared report never shows a full date."""
    from ..present.numbers import fmt_month

    return fmt_month(data_cut, lang if lang in ("en", "tr") else "en") if data_cut else ""


def section_downloads(page: str | Path, folder: str | Path) -> list[tuple[str, list[tuple[str, str, int]]]]:
    """The downloads a section report links to (its ``lm-download`` links): [(title, [(format,
    link, size in bytes), ...]), ...], links relative to ``folder``; missing files are left out."""
    try:
        text = Path(page).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    out = []
    for title, links in _ITEM.findall(text):
        files = []
        for href, fmt in _LINK.findall(links):
            path = Path(folder) / unescape(href)
            if path.is_file():
                files.append((unescape(fmt), unescape(href), path.stat().st_size))
        if files:
            out.append((unescape(title), files))
    return out


def size_text(size: int, lang: str = "en") -> str:
    """A file size in kilobytes, one decimal ("12.3 kB")."""
    from ..present.numbers import fmt_number

    return _text("report.kb", lang, size=fmt_number(size / 1000, 1))


def index_html(sections, provenance: dict, lang: str = "en", downloads: dict | None = None) -> str:
    """The index page: ``sections`` is a list of (title, relative link); ``provenance`` is
    :meth:`lmlib.cohort.Cohort.provenance`; ``downloads`` maps a section's link to its
    :func:`section_downloads`. No clock, no script, no outside resource; the data cut-off by
    its month only."""
    t = lambda key, **values: _text(key, lang, **values)  # noqa: E731
    synthetic = bool(provenance.get("synthetic"))
    name = provenance.get("input_file", "")
    rows = [(t("index.cohort"), f"({t('input.withheld')})" if name is None else name, ""),
            (t("index.n"), str(provenance.get("n", "")), ""),
            (t("index.cut"), _month(provenance.get("data_cut"), lang) or t("word.not_given"), ""),
            (t("index.synthetic"), t("index.yes") if synthetic else t("index.no"), ""),
            (t("index.sha"), provenance.get("input_sha256", ""), "hash")]
    out = ["<!DOCTYPE html>", f'<html lang="{esc(lang)}">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
           f"<title>{esc(t('index.title'))}</title>", f"<style>\n{_INDEX_CSS}\n</style>", "</head>", "<body>",
           "<main>", f"<h1>{esc(t('index.title'))}</h1>"]
    if synthetic:
        out.append(f'<p class="synthetic">{esc(t("index.banner"))}</p>')
    out.append("<table><tbody>")
    for label, value, css in rows:
        cls = f' class="{css}"' if css else ""
        out.append(f"<tr><th scope=\"row\">{esc(label)}</th><td{cls}>{esc(str(value))}</td></tr>")
    out += ["</tbody></table>", f"<h2>{esc(t('index.sections'))}</h2>", "<ol>"]
    out += [f'<li><a href="{esc(href)}">{esc(title)}</a></li>' for title, href in sections]
    out.append("</ol>")
    listed = [(title, href, (downloads or {}).get(href, [])) for title, href in sections]
    if any(items for _, _, items in listed):
        out.append(f"<h2>{esc(t('index.downloads'))}</h2>")
        for title, _, items in listed:
            if not items:
                continue
            out += [f"<h3>{esc(title)}</h3>", '<table class="downloads"><tbody>']
            for name, files in items:
                links = " · ".join(f'<a href="{esc(href)}">{esc(fmt)}</a> <span class="size">'
                                   f'{esc(size_text(size, lang))}</span>' for fmt, href, size in files)
                out.append(f"<tr><td>{esc(name)}</td><td>{links}</td></tr>")
            out.append("</tbody></table>")
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)


def index_entries(sections, lang: str = "en") -> list[tuple[str, str]]:
    """(title in ``lang``, link) of each section: notebooks (paths) or (title, link) pairs."""
    entries = []
    for section in sections:
        if isinstance(section, (tuple, list)):
            entries.append((str(section[0]), str(section[1])))
        else:
            entries.append((section_title(section, lang), f"{Path(section).stem}.html"))
    return entries


def index_page(sections, cohort, lang: str = "en", folder: str | Path | None = None) -> str:
    """The index page's HTML (see :func:`build_index` for the arguments); with ``folder`` (where
    the section reports are) it lists their downloads with their sizes."""
    entries = index_entries(sections, lang)
    provenance = cohort.provenance() if hasattr(cohort, "provenance") else dict(cohort)
    downloads = None
    if folder is not None:
        downloads = {href: section_downloads(Path(folder) / href, folder) for _, href in entries}
    return index_html(entries, provenance, lang, downloads)


def build_index(sections, cohort, output: str | Path, lang: str = "en") -> Path:
    """Write the index page (atomically) linking the section reports and their downloads.

    Parameters
    ----------
    sections : section notebooks (paths): each links to ``<stem>.html`` beside ``output``,
        titled by its first heading in ``lang``; or (title, link) pairs.
    cohort : a :class:`~lmlib.cohort.Cohort` or its ``provenance()`` dict.
    output : the index file, e.g. ``reports/index.html``.
    """
    write_text(output, index_page(sections, cohort, lang, Path(output).parent))
    return Path(output)
