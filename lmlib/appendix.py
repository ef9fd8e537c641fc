"""The problems appendix of every report: what the load found in the input, so co-authors see
what was excluded (``make report LENIENT=1``: invalid cells became missing).

Numbers first: :func:`problem_counts` and :func:`first_problems` are DataFrames; :func:`show`
puts them under a heading with the sentences of :data:`TEXT` (en, tr). A shared report never
shows a cell's value (it could be a full date or an identifier), and names a column only when
the codebook knows it: an unknown or identifier column appears as "a column left out".
"""
from __future__ import annotations

import pandas as pd

FIRST_ROWS = 20  # problems listed one by one; the rest are in the counts (and in PROBLEMS=...)

TEXT = {
    "heading": {"en": "Appendix: problems found in the input file", "tr": "Ek: girdi dosyasında bulunan sorunlar"},
    "lenient": {"en": "This report was built with LENIENT=1: {errors} invalid cell(s) were treated as missing "
                      "(left out of every count that needs them); {warnings} warning(s).",
                "tr": "Bu rapor LENIENT=1 ile hazırlandı: {errors} geçersiz hücre eksik sayıldı (onları gerektiren her "
                      "sayımın dışında kaldı); {warnings} uyarı."},
    "warnings": {"en": "The input file loaded without errors, with {warnings} warning(s).",
                 "tr": "Girdi dosyası hatasız, {warnings} uyarıyla yüklendi."},
    "how": {"en": "Counts by column and rule, then the first {k} problems (rows as numbered in the file; cell values "
                  "are not shown in a shared report).",
            "tr": "Sütun ve kurala göre sayılar, ardından ilk {k} sorun (satırlar dosyadaki numaralarıyla; paylaşılan "
                  "raporda hücre değerleri gösterilmez)."},
    "left_out": {"en": "(a column left out)", "tr": "(dışarıda bırakılan bir sütun)"},
    "whole_file": {"en": "(the whole file)", "tr": "(dosyanın tamamı)"},
    "column": {"en": "Column", "tr": "Sütun"},
    "rule": {"en": "Rule", "tr": "Kural"},
    "severity": {"en": "Severity", "tr": "Önem"},
    "problems": {"en": "Problems", "tr": "Sorun"},
    "row": {"en": "Row", "tr": "Satır"},
    "expected": {"en": "Expected", "tr": "Beklenen"},
    "error": {"en": "error", "tr": "hata"},
    "warning": {"en": "warning", "tr": "uyarı"},
}
HIDDEN_RULES = ("unknown_column", "identifier_column", "derived_column")  # their header is not shown


def _known_columns(columns: pd.DataFrame) -> set[str]:
    """Input headers the codebook knows (used as an analysis variable)."""
    from .clean import UNUSED_COLUMN

    known = columns[columns["used_as"] != UNUSED_COLUMN]
    return {str(c) for c in known["input"]}


def _column_shown(problems: pd.DataFrame, columns: pd.DataFrame, lang: str) -> pd.Series:
    known = _known_columns(columns)

    def shown(column, rule):
        if rule in HIDDEN_RULES or (isinstance(column, str) and not set(column.split(" / ")) <= known):
            return TEXT["left_out"][lang]
        return TEXT["whole_file"][lang] if column is None or column != column else str(column)
    return pd.Series([shown(c, r) for c, r in zip(problems["column"], problems["rule"])], index=problems.index,
                     dtype=object)


def problem_counts(problems: pd.DataFrame, columns: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Problems per (column, rule, severity), most first: columns ``column`` (a header the
    codebook knows, else "(a column left out)"), ``rule``, ``severity``, ``n``."""
    if problems.empty:
        return pd.DataFrame(columns=["column", "rule", "severity", "n"])
    frame = problems.assign(column=_column_shown(problems, columns, lang))
    counts = frame.groupby(["column", "rule", "severity"], sort=False, dropna=False).size().rename("n").reset_index()
    return counts.sort_values(["n", "column", "rule"], ascending=[False, True, True], kind="stable").reset_index(drop=True)


def first_problems(problems: pd.DataFrame, columns: pd.DataFrame, k: int = FIRST_ROWS, lang: str = "en") -> pd.DataFrame:
    """The first ``k`` problems (errors first, then by row): ``row``, ``column``, ``rule``,
    ``severity``, ``expected``; never the cell's value."""
    if problems.empty:
        return pd.DataFrame(columns=["row", "column", "rule", "severity", "expected"])
    frame = problems.assign(column=_column_shown(problems, columns, lang),
                            order=(problems["severity"] != "error").astype(int))
    frame = frame.sort_values(["order", "row"], kind="stable", na_position="first")
    return frame[["row", "column", "rule", "severity", "expected"]].head(k).reset_index(drop=True)


def show(cohort, lang: str = "en", k: int = FIRST_ROWS) -> None:
    """Display the appendix in a notebook (nothing when the load found no problem)."""
    from IPython.display import Markdown, display

    problems = cohort.problems
    if problems.empty:
        return
    t = lambda key, **kw: TEXT[key][lang].format(**kw)  # noqa: E731
    errors = int((problems["severity"] == "error").sum())
    lead = t("lenient", errors=errors, warnings=len(problems) - errors) if errors else \
        t("warnings", warnings=len(problems))
    display(Markdown(f"## {t('heading')}\n\n{lead} {t('how', k=min(k, len(problems)))}"))
    names = {"column": t("column"), "rule": t("rule"), "severity": t("severity"), "n": t("problems"),
             "row": t("row"), "expected": t("expected")}
    for frame in (problem_counts(problems, cohort.columns, lang), first_problems(problems, cohort.columns, k, lang)):
        frame = frame.assign(severity=frame["severity"].map(lambda s: TEXT.get(s, {}).get(lang, s)))
        display(frame.rename(columns=names).style.hide(axis="index"))
