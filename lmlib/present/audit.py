"""The reproduction audit as a reader sees it, in the report's language: each finding's
explanation from the catalog keys and numbers it is made of (:func:`words`), items and levels
by their codebook labels (never raw keys such as ``cn_group_7_8``), verdicts in words with
their legend before the table, and the summary paragraph."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd

from .numbers import Style, fmt_count, fmt_number
from .table import DisplayTable

STATUS_ORDER = ("exact", "rounding", "truncation", "paper_inconsistent", "mismatch", "not_in_file", "not_recorded",
                "consistent", "consistent_truncated", "inconsistent", "note", "suppressed")
LEGEND = ("exact", "truncation", "paper_inconsistent", "mismatch", "consistent_truncated", "not_in_file")
ABSENT = ("not_in_file", "not_recorded")  # lmlib.audit.reproduce.ABSENT: a number the file cannot give
TEXT_COLUMNS = ("shown", "reasons", "likely")


def _value(value, lang: str, mark: str) -> str:
    if isinstance(value, dict):
        return str(value.get(lang, value.get("en", "")))
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        return fmt_number(value, max(0, -exponent) if isinstance(exponent, int) else 0, mark)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return fmt_count(value, mark)
    return str(value)


def words(reasons, lang: str = "en", mark: str = ".") -> str:
    """Explanation pieces ``[(catalog key, values), ...]`` as one text in ``lang``: numbers with
    their own decimals and ``mark``; a piece that starts with a space, comma or full stop
    continues the previous one."""
    from .catalog import text

    out = ""
    for piece in reasons or ():
        if not piece:
            continue
        key, values = piece
        said = text(key, lang, **{k: _value(v, lang, mark) for k, v in values.items()})
        out += ("" if not out or said.startswith((" ", ",", ".", ")")) else " ") + said
    return out


def status_text(status: str, lang: str = "en") -> str:
    from .catalog import has, text

    return text(f"audit.status.{status}", lang) if has(f"audit.status.{status}") else str(status)


def status_counts(frame: pd.DataFrame) -> pd.Series:
    """How many rows have each status, in the order of :data:`STATUS_ORDER`."""
    counts = frame["status"].value_counts()
    return counts.reindex([s for s in STATUS_ORDER if s in counts.index])


def item_text(item: str, codebook, lang: str) -> str:
    """An audited item by its label (codebook, tables, or the catalog), never its key."""
    from .catalog import has, text

    if has(f"audit.item.{item}"):
        return text(f"audit.item.{item}", lang)
    if codebook is None:
        return item
    from ..tables import GROUP_ITEM, item_label

    try:
        return item_label(codebook, item, lang) if item != GROUP_ITEM else text("tables.nerve_groups", lang)
    except KeyError:
        return item


def level_text(item: str, level: str, codebook, lang: str) -> str:
    """An audited level by its label: a nested "parent:level" as "Lung: Adenocarcinoma", a cranial
    nerve group by the codebook's group label, "yes" and "" as nothing."""
    if not level or level == "yes" or codebook is None:
        return "" if level in ("", "yes") else level
    from ..tables import GROUP_ITEM

    if item == GROUP_ITEM:
        groups = {g["name"]: g["label"] for g in codebook.cranial_nerves.get("groups", [])}
        return groups.get(level, {}).get(lang, level)
    names = []
    for part, variable in zip(level.split(":"), _variables(item, codebook, level)):
        try:
            names.append(codebook[variable].level_label(part, lang))
        except KeyError:
            names.append(part)
    return ": ".join(names)


def _variables(item: str, codebook, level: str) -> list[str]:
    if ":" not in level:
        return [item]
    try:
        parent = codebook[item].spec.get("nested_in")
    except KeyError:
        parent = None
    return [parent or item, item]


def _published(row, style: Style) -> str:
    if isinstance(row.get("shown"), tuple):
        return words([row["shown"]], style.lang, style.decimal_mark)
    text = str(row["published"])
    if row.get("statistic") == "percent":
        return style.percent(Decimal(text.rstrip("%")), len(text.rstrip("%").partition(".")[2]))
    return text if style.decimal_mark == "." else text.replace(".", style.decimal_mark)


def _computed(row, style: Style) -> str:
    value = row["computed_value"]
    if isinstance(row.get("computed"), str) and row["computed"].startswith("<"):
        return row["computed"]  # masked by the small-cell rule
    if row.get("computed") in ABSENT:  # never a 0: the file has no column (or no filled cell) for it
        return style.text(f"tables.{row['computed']}_cell")
    if pd.isna(value):
        return "—"
    if row["statistic"] == "percent":
        return style.percent(value, int(row.get("decimals", 1)))
    return style.number(value, int(row.get("decimals", 0)))


def csv_frame(frame: pd.DataFrame, style: Style, codebook=None) -> pd.DataFrame:
    """Findings or the comparison as written to CSV, in the style's language: the text columns
    (published, computed, explanation, likely intended) in words, the pieces they are made of left out."""
    out = frame.copy()
    if "reasons" in out:
        out["explanation"] = [words(r, style.lang, style.decimal_mark) if isinstance(r, list) else e
                              for r, e in zip(out["reasons"], out["explanation"])]
    if "shown" in out:
        out["published"] = [_published(r, style) for r in frame.to_dict("records")]
    if "likely" in out:
        out["likely_intended"] = [words([v], style.lang, style.decimal_mark) if isinstance(v, tuple) else None
                                  for v in out["likely"]]
    if "computed_value" in out:
        records = frame.to_dict("records")
        out["published"] = [_published(r, style) for r in records]
        out["computed"] = [_computed(r, style) for r in records]
    return out.drop(columns=[c for c in (*TEXT_COLUMNS, "decimals") if c in out])


def legend(style: Style, audit: pd.DataFrame | None = None) -> list[str]:
    """The verdicts explained: shown before the tables ("not in this file" only when ``audit``
    has such a row)."""
    absent = audit is not None and bool(audit["status"].isin(ABSENT).any())
    return [style.text(f"audit.legend.{key}") for key in LEGEND if key != "not_in_file" or absent]


def _status_cell(status: str, style: Style) -> str:
    return status_text(status, style.lang)


def counts_table(findings: pd.DataFrame, style: Style | None = None) -> DisplayTable:
    """How many checks gave each verdict."""
    style = style or Style()
    table = DisplayTable("audit_counts", title=style.text("audit.title.consistency_counts"), lang=style.lang)
    table.add_column("status", style.text("audit.h.status"), align="left")
    table.add_column("n", style.text("audit.h.checks"))
    for status, n in status_counts(findings).items():
        table.add_row({"status": _status_cell(status, style), "n": style.count(n)}, tone=status)
    return table


def _table(name: str, number, title_key: str, style: Style, columns) -> DisplayTable:
    """An audit table with its columns: (key, header key under ``audit.h.``[, alignment])."""
    table = DisplayTable(name, number=number, title=style.text(title_key), lang=style.lang)
    for key, head, *align in columns:
        table.add_column(key, style.text(f"audit.h.{head}"), align=align[0] if align else "left")
    return table


def consistency_table(findings: pd.DataFrame, style: Style | None = None, codebook=None,
                      number="S1") -> DisplayTable:
    """The paper's self-consistency findings other than "consistent" (Table S1)."""
    style = style or Style()
    t = style.text
    shown = csv_frame(findings[findings["status"] != "consistent"], style)
    table = _table("audit_consistency", number, "audit.title.consistency", style,
                   [("rule", "check"), ("item", "item"), ("level", "level"), ("published", "published"),
                    ("status", "status"), ("explanation", "explanation"), ("likely", "likely")])
    for r in shown.to_dict("records"):
        table.add_row({"rule": t(f"audit.rule.{r['rule']}"), "item": item_text(r["item"], codebook, style.lang),
                       "level": level_text(r["item"], r["level"], codebook, style.lang), "published": r["published"],
                       "status": _status_cell(r["status"], style), "explanation": r["explanation"],
                       "likely": r["likely_intended"] or ""}, tone=r["status"])
    table.add_note(t("audit.note.full_list"))
    return table


def compare_table(audit: pd.DataFrame, style: Style | None = None, codebook=None, number="S2") -> DisplayTable:
    """Every published number beside the one computed from the cohort, with its verdict (Table S2)."""
    style = style or Style()
    t = style.text
    shown = csv_frame(audit, style)
    table = _table("audit", number, "audit.title.compare", style,
                   [("item", "item"), ("level", "level"), ("statistic", "statistic"), ("published", "published", "right"),
                    ("computed", "computed", "right"), ("status", "status"), ("explanation", "explanation")])
    for r in shown.to_dict("records"):
        table.add_row({"item": item_text(r["item"], codebook, style.lang),
                       "level": level_text(r["item"], r["level"], codebook, style.lang),
                       "statistic": t(f"audit.stat.{r['statistic']}"), "published": r["published"],
                       "computed": r["computed"], "status": _status_cell(r["status"], style),
                       "explanation": r["explanation"] or ""}, tone=r["status"])
    table.add_note(t("audit.note.precision"))
    return table


def summary_sentence(audit: pd.DataFrame, style: Style | None = None, codebook=None) -> str:
    """One paragraph saying how many published numbers were reproduced and which were not."""
    style = style or Style()
    t = style.text
    shown = csv_frame(audit, style)
    count = lambda status: style.count(int((audit["status"] == status).sum()))  # noqa: E731
    matched = int(audit["status"].isin(["exact", "rounding", "truncation"]).sum())
    parts = [t("audit.summary", total=style.count(len(audit)), matched=style.count(matched), exact=count("exact"),
               rounding=count("rounding"), truncation=count("truncation"))]

    def what(r) -> str:
        level = level_text(r["item"], r["level"], codebook, style.lang)
        return ", ".join(filter(None, [item_text(r["item"], codebook, style.lang), level,
                                       t(f"audit.stat.{r['statistic']}")]))

    for r in shown[shown["status"] == "paper_inconsistent"].to_dict("records"):
        parts.append(t("audit.summary_paper", what=what(r), published=r["published"], computed=r["computed"]))
    absent = shown[shown["status"].isin(ABSENT)].to_dict("records")
    if absent:
        listed = "; ".join(dict.fromkeys(", ".join(filter(None, [item_text(r["item"], codebook, style.lang),
                                                                 level_text(r["item"], r["level"], codebook, style.lang)]))
                                         for r in absent))
        parts.append(t("audit.summary_absent", k=style.count(len(absent)), list=listed))
    unexplained = shown[shown["status"] == "mismatch"].to_dict("records")
    if unexplained:
        listed = "; ".join(t("audit.summary_mismatch_item", what=what(r), published=r["published"],
                             computed=r["computed"]) for r in unexplained)
        parts.append(t("audit.summary_mismatch", k=style.count(len(unexplained)), list=listed))
    else:
        parts.append(t("audit.summary_none"))
    return " ".join(parts)


SIDE_BY_SIDE_COLUMNS = ["section", "item", "level", "statistic", "label", "published", "computed", "published_value",
                        "computed_value", "difference"]
SHOWN_WITH = ["shown", "decimals"]  # what csv_frame needs to print the numbers in a report's style


def side_by_side(audit: pd.DataFrame, codebook=None, lang: str = "en") -> pd.DataFrame:
    """A user's series beside the published one: the audit's rows without a verdict.

    Parameters
    ----------
    audit : :func:`lmlib.audit.reproduce.reproduction_audit` of a cohort that is not the paper's.
    codebook : for the row labels (default ``data/codebook.yaml``).
    lang : language of the labels.

    Returns
    -------
    DataFrame with :data:`SIDE_BY_SIDE_COLUMNS` (and, when the audit has them, the columns of
    :data:`SHOWN_WITH`): the audit's keys, ``label`` (item and level as the tables name them),
    the published and computed numbers as printed and as values, and ``difference`` =
    computed − published (NaN where either is missing; percentage points for percentages,
    days for survival times). Shown by :func:`side_by_side_table`.
    """
    from ..codebook import load_codebook

    codebook = codebook or load_codebook()
    out = audit.copy()
    out["label"] = [row_label(item, level, codebook, lang) for item, level in zip(out["item"], out["level"])]
    published = pd.to_numeric(out["published_value"], errors="coerce")
    computed = pd.to_numeric(out["computed_value"], errors="coerce")
    out["published_value"], out["computed_value"] = published, computed
    counts = (out["statistic"] == "n") & published.notna()  # a count as a count (not the paper's "1 (3.1%)")
    out.loc[counts, "published"] = [str(int(v)) for v in published[counts]]
    out["difference"] = computed - published
    return out[SIDE_BY_SIDE_COLUMNS + [c for c in SHOWN_WITH if c in out]].reset_index(drop=True)


def row_label(item: str, level: str, codebook, lang: str = "en") -> str:
    """An audited row as the tables name it: "Sex: Female", "Histological type: Lung:
    Adenocarcinoma", "Median overall survival"."""
    return ": ".join(filter(None, [item_text(item, codebook, lang), level_text(item, level, codebook, lang)]))


DIFFERENCE_DECIMALS = {"percent": 1, "mean": 1, "sd": 1, "se": 1, "ci_low": 1, "ci_high": 1}  # else 0


def difference_text(difference, statistic: str, style: Style) -> str:
    """A difference with its sign: "+2", "−1.5" (percentage points, days), "0", "—" when missing;
    one decimal for percentages, means, SDs, SEs and confidence limits, none for counts and times."""
    if pd.isna(difference):
        return "—"
    text = style.number(difference, DIFFERENCE_DECIMALS.get(statistic, 0))
    if text.startswith("-"):
        return "−" + text[1:]
    return text if float(difference) == 0 or set(text) <= set("0.,") else f"+{text}"


def side_by_side_table(frame: pd.DataFrame, style: Style | None = None, codebook=None,
                       number="S2") -> DisplayTable:
    """A user's series beside the published one (:func:`side_by_side`): the row ("Sex: Female"),
    statistic, published, yours and the difference, without a verdict (Table S2; five columns,
    so that it fits a portrait page in Word)."""
    style = style or Style()
    t = style.text
    shown = csv_frame(frame, style)
    table = DisplayTable("audit", number=number, title=t("audit.title.side_by_side"), lang=style.lang)
    table.add_column("label", t("table.characteristic"), align="left")
    table.add_column("statistic", t("audit.h.statistic"), align="left")
    for key, head in (("published", "published"), ("computed", "yours"), ("difference", "difference")):
        table.add_column(key, t(f"audit.h.{head}"))
    for r in shown.to_dict("records"):
        label = row_label(r["item"], r["level"], codebook, style.lang) if codebook is not None else r["label"]
        table.add_row({"label": label, "statistic": t(f"audit.stat.{r['statistic']}"), "published": r["published"],
                       "computed": r["computed"], "difference": difference_text(r["difference"], r["statistic"], style)})
    table.add_note(t("audit.note.side_by_side"))
    return table


def comparison(audit: pd.DataFrame, cohort, style: Style, codebook=None):
    """Part 2 of the reproduction section as (lines before it, table, its CSV rows): for the
    synthetic cohort (made from the paper) the verdicts explained (bullets), the summary
    paragraph and every published number judged (Table S2); for a user's series no lines, and
    the published numbers beside theirs with the difference, no verdict (:func:`side_by_side_table`)."""
    if cohort.is_synthetic:
        lines = (legend(style, audit), summary_sentence(audit, style, codebook))
        return lines, compare_table(audit, style, codebook), csv_frame(audit, style)
    mine = side_by_side(audit, codebook, style.lang)
    return ((), ""), side_by_side_table(mine, style, codebook), csv_frame(mine, style)


def comparison_preface(lines) -> str:
    """The HTML of :func:`comparison`'s lines: the bullets, then the paragraph in bold."""
    from . import html

    bullets, paragraph = lines
    return "\n".join(([html.bullets(bullets)] if bullets else []) + ([html.paragraph(paragraph, strong=True)]
                                                                     if paragraph else []))


def show_comparison(audit: pd.DataFrame, cohort, style: Style, codebook=None, folder=None, downloads=None) -> None:
    """Display :func:`comparison`; with ``folder`` the table is also written (.csv, .tex, .docx)."""
    from . import page

    (bullets, paragraph), table, csv = comparison(audit, cohort, style, codebook)
    if bullets:
        page.bullets(bullets)
    page.paragraph(paragraph, strong=True)
    page.show_table(table, folder, csv, downloads)
