"""Every published number beside the one computed from a cohort.

The computed side is what the report's own tables give (:func:`lmlib.tables.table1` and
``table2``, :func:`lmlib.survival.survival_summary`), looked up by the same ``(item, level)``
keys as ``data/published.yaml``. Each row is judged at the paper's printed precision:

* ``exact`` — the computed value printed as the paper prints it is the published text;
* ``rounding`` — equal once rounded half away from zero to the paper's precision (e.g. an SD of
  11.9996 printed as "12");
* ``truncation`` — equal only when cut, not rounded, to the paper's precision;
* ``paper_inconsistent`` — different, and the paper's number fails its own consistency check
  (:mod:`lmlib.audit.consistency`), whose explanation is given;
* ``mismatch`` — different, and nothing in the paper explains it;
* ``not_in_file`` / ``not_recorded`` — the cohort file has no column for the item (or for that
  option, or no filled cell in it): no number is computed, the row says so in words and takes
  no part in any verdict (never a count of 0).
"""
from __future__ import annotations

import math

import pandas as pd

from ..present.audit import SIDE_BY_SIDE_COLUMNS, side_by_side  # noqa: F401 - a user's series beside the paper's
from ..coverage import NOT_IN_FILE, NOT_RECORDED
from ..present.numbers import fmt_number, round_half_away, truncate_decimal
from .consistency import check_published, printed_decimals, say

AUDIT_COLUMNS = ["section", "item", "level", "statistic", "published", "computed", "published_value",
                 "computed_value", "status", "explanation"]
MATCHES = ("exact", "rounding", "truncation")
ABSENT = (NOT_IN_FILE, NOT_RECORDED)  # statuses (and ``computed`` markers) of a number the file cannot give


def judge(published: float, computed: float, decimals: int) -> str:
    """``exact``, ``rounding``, ``truncation`` or ``mismatch`` for one number."""
    if computed is None or (isinstance(computed, float) and math.isnan(computed)):
        return "mismatch"
    if float(computed) == float(published):
        return "exact"
    if round_half_away(computed, decimals) == float(published):
        return "rounding"
    if float(truncate_decimal(computed, decimals)) == float(published):
        return "truncation"
    return "mismatch"


def _row(section, item, level, statistic, published, computed, pub_value, comp_value, status, reasons=(),
         decimals: int = 0):
    """One audit row; ``explanation`` is the English of ``reasons`` (catalog keys and values,
    :func:`lmlib.audit.consistency.say`), ``decimals`` those of the computed value as shown."""
    from ..present.audit import words

    return dict(section=section, item=item, level=level, statistic=statistic, published=published,
                computed=computed, published_value=pub_value, computed_value=comp_value, status=status,
                explanation=words(reasons), reasons=list(reasons), decimals=decimals)


def _absent_rows(entry: dict, kind: str, statistics) -> list[dict]:
    """The rows of a published number the cohort file cannot give (``kind`` is ``not_in_file``
    or ``not_recorded``): ``computed`` is that marker (words once shown), no value, no verdict."""
    item, level, section = entry["item"], str(entry.get("level", "")), entry.get("section", "")
    return [_row(section, item, level, stat, shown, kind, value, math.nan, kind, [say("audit.not_recorded")])
            for stat, shown, value in statistics]


def _count_rows(entry: dict, computed: dict | None) -> list[dict]:
    item, level, section = entry["item"], str(entry.get("level", "")), entry.get("section", "")
    if computed is not None and computed.get("kind") in ABSENT:
        statistics = [("n", str(entry["n"]), entry["n"])]
        if entry.get("percent") is not None:
            statistics.append(("percent", f"{entry['percent']}%", float(entry["percent"])))
        return _absent_rows(entry, computed["kind"], statistics)
    if computed is None or pd.isna(computed.get("n")):  # no such row, or an option the file does not record
        reason = "audit.no_row" if computed is None else "audit.not_recorded"
        return [_row(section, item, level, "n", entry["display"], "—", entry["n"], math.nan, "mismatch",
                     [say(reason)])]
    rows = []
    n = computed["n"]
    status = "exact" if n == entry["n"] else "mismatch"
    rows.append(_row(section, item, level, "n", str(entry["n"]), str(n), entry["n"], n, status,
                     [] if status == "exact" else [say("audit.counted", n=int(n), published=int(entry["n"]))]))
    if entry.get("percent") is not None and computed.get("percent") is not None:
        d = printed_decimals(entry["percent"])
        pct = float(computed["percent"])
        status = judge(entry["percent"], pct, d)
        if status == "mismatch" and d == 0:  # "25" printed for 25.0
            status = judge(entry["percent"], pct, 1)
        denominator = computed.get("denominator")
        reasons = []
        if denominator != entry.get("denominator"):
            reasons.append(say("audit.denominators", computed=int(denominator), published=int(entry["denominator"])))
        rows.append(_row(section, item, level, "percent", f"{entry['percent']}%", f"{fmt_number(pct, max(d, 1))}%",
                         float(entry["percent"]), pct, status, reasons, max(d, 1)))
    return rows


def _continuous_rows(entry: dict, computed: dict | None) -> list[dict]:
    if computed is not None and computed.get("kind") in ABSENT:
        return _absent_rows(entry, computed["kind"], [(stat, str(entry[stat]), float(entry[stat]))
                                                      for stat in ("mean", "sd", "min", "max")])
    rows = []
    decimals = entry.get("decimals", {})
    for stat, key in (("mean", "mean"), ("sd", "sd"), ("min", "range"), ("max", "range")):
        d = decimals.get(key, printed_decimals(entry[stat]))
        value = math.nan if computed is None else float(computed[stat])
        rows.append(_row(entry.get("section", ""), entry["item"], "", stat, str(entry[stat]), fmt_number(value, max(d, 1)),
                         float(entry[stat]), value, judge(entry[stat], value, d), (), max(d, 1)))
    return rows


def _survival_rows(entry: dict, overall: pd.Series) -> list[dict]:
    decimals = entry.get("decimals", {})
    pairs = [("median", "median", decimals.get("median", 0)), ("se", "median_se_spss", decimals.get("se", 1)),
             ("ci_low", "median_lower_spss", decimals.get("ci", 1)), ("ci_high", "median_upper_spss", decimals.get("ci", 1)),
             ("events", "events", 0), ("censored", "censored", 0)]
    rows = []
    for stat, column, d in pairs:
        if stat not in entry:
            continue
        value = float(overall[column])
        shown = max(d, 1) if stat not in ("events", "censored", "median") else 0
        rows.append(_row(entry.get("section", "survival"), entry["item"], "", stat, str(entry[stat]),
                         fmt_number(value, shown), float(entry[stat]), value, judge(entry[stat], value, d), (), shown))
    return rows


def _computed_index(tables: pd.DataFrame) -> dict[tuple[str, str], dict]:
    rows = tables[tables["kind"] != "header"]
    return {(r["item"], str(r["level"])): r for r in rows.to_dict("records")}


def _lookup(index: dict, item: str, level: str) -> dict | None:
    """The computed row of ``(item, level)``; an item the file has no column for answers for
    every level (a nested level "lung:adenocarcinoma" through its variable)."""
    absent = index.get((item, ""))
    if absent is not None and absent.get("kind") == NOT_IN_FILE:
        return absent
    return index.get((item, level))


def compare_with_published(tables: pd.DataFrame, survival: pd.DataFrame | None, published: dict,
                           labels: dict | None = None) -> pd.DataFrame:
    """Published versus computed, one row per published number (see the module docstring).

    Parameters
    ----------
    tables : Table 1 and Table 2 rows (:func:`lmlib.tables.table1` / ``table2``, concatenated).
    survival : :func:`lmlib.survival.survival_summary` of the cohort (``Overall`` row used).
    published : the published numbers (``data/published.yaml``).
    labels : ``(item, level)`` -> the row label of a full count; a computed row labelled
        otherwise (any CN involvement "of CN 5, 7, 8" when the file has no other nerve column)
        says so in its explanation.
    """
    from ..present.audit import words

    index = _computed_index(tables)
    rows = []
    for entry in published.get("counts", []):
        key = (entry["item"], str(entry.get("level", "")))
        computed = _lookup(index, *key)
        if computed is None and key[0] == "n_patients":
            computed = index.get((key[0], ""))
        found = _count_rows(entry, computed)
        if computed is not None and key in (labels or {}) and computed["label"] != labels[key]:
            # counted over part of what the paper counted (any CN involvement over the nerves recorded)
            found[0]["reasons"] = [say("audit.counted_as", label=computed["label"]), *found[0]["reasons"]]
            found[0]["explanation"] = words(found[0]["reasons"])
        rows += found
    for entry in published.get("continuous", []):
        rows += _continuous_rows(entry, index.get((entry["item"], "")))
    if survival is not None:
        for entry in published.get("survival", []):
            rows += _survival_rows(entry, survival.iloc[-1])
    audit = pd.DataFrame(rows, columns=AUDIT_COLUMNS + ["reasons", "decimals"])
    return _explain(audit, check_published(published))


def _explain(audit: pd.DataFrame, findings: pd.DataFrame) -> pd.DataFrame:
    """Mark mismatches and truncations the paper's own inconsistencies account for."""
    audit = audit.copy()
    flagged = findings[findings["status"].isin(["inconsistent", "consistent_truncated"])]
    for finding in flagged.itertuples(index=False):
        same = (audit["item"] == finding.item) & ((audit["level"] == finding.level) | (finding.level == ""))
        if finding.rule == "percent_rounding":
            same &= audit["statistic"] == "percent"
        if finding.rule == "ci":
            same &= audit["statistic"].isin(["ci_low", "ci_high"])
        mismatched = same & (audit["status"] == "mismatch")
        audit.loc[mismatched, "status"] = "paper_inconsistent"
        audit.loc[same, "explanation"] = finding.explanation
        for index in audit.index[same]:
            audit.at[index, "reasons"] = list(finding.reasons)
    return audit


def reproduction_audit(data: pd.DataFrame, codebook=None, published: dict | None = None,
                       not_in_file=()) -> pd.DataFrame:
    """Compute the paper's tables and survival from a cleaned cohort and compare them with the
    published numbers (default ``data/published.yaml``); ``not_in_file``: the items the cohort
    file has no column for (:attr:`lmlib.cohort.Cohort.not_in_file`), said in words, never 0."""
    from ..codebook import load_codebook
    from ..published import load_published
    from ..survival import survival_summary
    from ..tables import item_label, table1, table2

    published = published or load_published()
    codebook = codebook or load_codebook()
    tables = pd.concat([table1(data, codebook, published=published, not_in_file=not_in_file),
                        table2(data, codebook, published=published, not_in_file=not_in_file)], ignore_index=True)
    survival = survival_summary(data, "survival_days", "death")
    labels = {(d["name"], "yes"): item_label(codebook, d["name"]) for d in codebook.derived if d["rule"] == "any_nerve"}
    return compare_with_published(tables, survival, published, labels)

