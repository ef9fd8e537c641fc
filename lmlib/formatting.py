"""Numbers into strings: the only module that does it for the descriptive tables.

Rounding is half away from zero at the displayed precision, as SPSS and the paper print
(6.25 -> "6.3", 56.25 -> "56.3"), done in decimal arithmetic on the shortest repr of the float
(so 2.675 -> "2.68", not the binary artefact "2.67"), and percentages of counts are computed
exactly from n and the denominator before rounding.

Language: ``en`` prints "53.1%"; ``tr`` prints the Turkish "%53.1" (sign first). The paper
keeps the decimal point in Turkish ("55.4"), and so does this module.
"""
from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext
import math

import pandas as pd

from .describe import SHAPIRO_MAX_N

LANGS = ("en", "tr")
DASH = "–"  # en dash for ranges
MISSING = "—"
MARKS = "abcdefghijklmnopqrstuvwxyz"

HEADINGS = {
    "label": {"en": "Characteristic", "tr": "Özellik"},
    "value": {"en": "n (%)", "tr": "n (%)"},
    "ci": {"en": "95% CI", "tr": "%95 GA"},
}
NOTES = {
    "mean_sd": {"en": "{label}: mean ± SD (min{d}max).", "tr": "{label}: ortalama ± SS (min{d}maks)."},
    "median_iqr": {"en": "{label}: median [interquartile range, SPSS quartiles].",
                   "tr": "{label}: ortanca [çeyrekler arası aralık, SPSS çeyrekleri]."},
    "source_default": {"en": "The paper's summary (default).", "tr": "Makaledeki özet (varsayılan)."},
    "source_parameter": {"en": "Summary chosen by the continuous_summary parameter.",
                         "tr": "Özet continuous_summary parametresi ile seçildi."},
    "shapiro": {"en": "Shapiro–Wilk W = {w}, p = {p}: normality {verdict} at the 0.05 level.",
                "tr": "Shapiro–Wilk W = {w}, p = {p}: normal dağılım 0.05 düzeyinde {verdict}."},
    "rejected": {"en": "rejected", "tr": "reddedildi"},
    "not_rejected": {"en": "not rejected", "tr": "reddedilmedi"},
    "shapiro_large": {"en": "Shapiro–Wilk not computed above {max} patients (its p-value is not accurate there).",
                      "tr": "Shapiro–Wilk {max} hastanın üzerinde hesaplanmadı (p değeri orada doğru değildir)."},
    "no_shapiro": {"en": "Shapiro–Wilk not computable (fewer than 3 distinct values).",
                   "tr": "Shapiro–Wilk hesaplanamadı (3'ten az farklı değer)."},
    "cont_missing": {"en": "n = {n} with a value, {m} missing.", "tr": "Değeri olan n = {n}, {m} eksik."},
    "multi": {"en": "A patient can have several: percentages of patients, they do not sum to 100%.",
              "tr": "Bir hastada birden fazla olabilir: yüzdeler hasta sayısına göredir, toplamları %100 etmez."},
    "denominator": {"en": "{label}: percentages of the {d} patients without “{rule}” ({x} left out of the denominator).",
                    "tr": "{label}: yüzdeler “{rule}” olmayan {d} hastaya göredir ({x} hasta paydaya alınmadı)."},
    "missing": {"en": "Missing: patients without a recorded value, as a percentage of all patients; the levels "
                      "above it are percentages of patients with a recorded value.",
                "tr": "Eksik: değeri kaydedilmemiş hastalar (tüm hastalara göre yüzde); üstteki düzeyler değeri "
                      "kaydedilmiş hastalara göre yüzdedir."},
    "general": {"en": "n (%) of {n} patients unless a denominator is shown (n/denominator); percentages "
                      "rounded half away from zero to {d} decimal(s).",
                "tr": "Aksi belirtilmedikçe {n} hastanın n (%)'si (payda gösterildiğinde n/payda); yüzdeler "
                      "{d} ondalığa yarımı sıfırdan uzağa yuvarlanmıştır."},
    "ci": {"en": "95% CI: Wilson score interval of the proportion.",
           "tr": "%95 GA: oranın Wilson skor aralığı."},
}


# ------------------------------------------------------------------------------ numbers

def _decimal(x) -> Decimal:
    """A number as the Decimal of its shortest repr (2.675 -> Decimal("2.675"), not 2.67499...)."""
    if isinstance(x, Decimal):
        return x
    if isinstance(x, int) and not isinstance(x, bool):
        return Decimal(x)
    return Decimal(repr(float(x)))


def _quantize(x, decimals: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    return _decimal(x).quantize(Decimal(1).scaleb(-decimals), rounding=rounding)


def round_decimal(x, decimals: int) -> Decimal:
    """``x`` rounded half away from zero at ``decimals``, as an exact Decimal (see round_half_away)."""
    return _quantize(x, decimals)


def truncate_decimal(x, decimals: int) -> Decimal:
    """``x`` cut (not rounded) at ``decimals``, as an exact Decimal: 11.2956 -> 11.2."""
    return _quantize(x, decimals, ROUND_DOWN)


def _missing(x) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def round_half_away(x: float, decimals: int = 1) -> float:
    """Round half away from zero at ``decimals`` (0.125 -> 0.13 at 2; 6.25 -> 6.3; -2.5 -> -3).

    Decimal arithmetic on ``repr(x)`` (ROUND_HALF_UP in :mod:`decimal` is half away from zero),
    so 2.675, stored as 2.67499999..., rounds to 2.68 as printed. NaN stays NaN.
    """
    if _missing(x):
        return math.nan
    return float(_quantize(x, decimals))


def fmt_number(x, decimals: int = 1) -> str:
    """``x`` rounded half away from zero with exactly ``decimals`` decimals; "—" for NaN."""
    if _missing(x):
        return MISSING
    q = _quantize(x, decimals)
    return f"{abs(q) if q == 0 else q:f}"  # no "-0.0"


def _percent_text(value: Decimal, decimals: int, lang: str, trim: bool) -> str:
    number = f"{value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP):f}"
    if trim and "." in number:
        number = number.rstrip("0").rstrip(".")
    _check_lang(lang)
    return f"%{number}" if lang == "tr" else f"{number}%"


def fmt_percent(p, decimals: int = 1, lang: str = "en", trim: bool = False) -> str:
    """A percentage (0-100): "53.1%" (en) or "%53.1" (tr); ``trim`` drops trailing zeros
    ("25%", as the paper prints). "—" for NaN."""
    if _missing(p):
        return MISSING
    return _percent_text(_decimal(p), decimals, lang, trim)


def exact_percent(n: int, denominator: int) -> Decimal:
    """100 * n / denominator in exact decimal arithmetic (no binary rounding before display)."""
    with localcontext() as ctx:
        ctx.prec = 40
        return Decimal(100 * int(n)) / Decimal(int(denominator))


def fmt_n_percent(n, denominator, decimals: int = 1, lang: str = "en", *, show_denominator: bool = False,
                  trim: bool = False) -> str:
    """"17 (53.1%)" / "17 (%53.1)"; with ``show_denominator`` "26/26 (100.0%)". The percentage
    is computed exactly from n and the denominator, then rounded half away from zero."""
    if _missing(n):
        return MISSING
    count = f"{int(n)}/{int(denominator)}" if show_denominator and not _missing(denominator) else f"{int(n)}"
    if _missing(denominator) or int(denominator) == 0:
        return count
    return f"{count} ({_percent_text(exact_percent(n, denominator), decimals, lang, trim)})"


def fmt_range(low, high, decimals: int = 0) -> str:
    """"29–75": two numbers joined by an en dash, each rounded half away from zero."""
    return f"{fmt_number(low, decimals)}{DASH}{fmt_number(high, decimals)}"


def fmt_mean_sd(mean, sd, minimum, maximum, decimals: int = 1, range_decimals: int | None = None) -> str:
    """"55.4 ± 12.0 (29–75)": mean and SD with ``decimals``, the range with ``range_decimals``
    (default ``decimals``; 0 for whole-number data)."""
    rd = decimals if range_decimals is None else range_decimals
    return f"{fmt_number(mean, decimals)} ± {fmt_number(sd, decimals)} ({fmt_range(minimum, maximum, rd)})"


def fmt_median_iqr(median, q1, q3, decimals: int = 1) -> str:
    """"55.0 [50.3–63.0]": median [first quartile – third quartile]."""
    return f"{fmt_number(median, decimals)} [{fmt_range(q1, q3, decimals)}]"


def fmt_ci(low, high, decimals: int = 1) -> str:
    """A confidence interval in percent units, "36.4–69.1"; "" for NaN."""
    return "" if _missing(low) or _missing(high) else fmt_range(low, high, decimals)


def fmt_p(p, decimals: int = 3) -> str:
    """A p-value: "0.048", "< 0.001" below the displayed precision, "—" for NaN."""
    if _missing(p):
        return MISSING
    floor = Decimal(1).scaleb(-decimals)
    return f"< {floor:f}" if _decimal(p) < floor else fmt_number(p, decimals)


MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "tr": ("Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim", "Kasım",
           "Aralık"),
}


def fmt_month(date, lang: str = "en") -> str:
    """The month of a date, "December 2018" (en) or "Aralık 2018" (tr): how a shared report
    shows the data cut-off (never a full date). ``date``: a date, a Timestamp or "yyyy-mm-dd"
    text; "" for None or empty."""
    if date is None or (isinstance(date, str) and not date.strip()) or _missing(date):
        return ""
    _check_lang(lang)
    day = pd.Timestamp(date)
    return f"{MONTHS[lang][day.month - 1]} {day.year}"


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"language must be one of {LANGS}, not {lang!r}")


# ------------------------------------------------------------------------------ tables

def table_n(table: pd.DataFrame) -> int:
    """The table's number of patients (its ``count`` row, else the largest denominator)."""
    count = table.loc[table["kind"] == "count", "n"]
    return int(count.iloc[0]) if len(count) else int(table["denominator"].max())


def cell(row, decimals: int = 1, lang: str = "en", n_total: int | None = None, trim: bool = False) -> str:
    """The display string of one table row (see :mod:`lmlib.tables` for the row's columns);
    a row masked by :func:`lmlib.suppress.suppress_table` shows "<k" (a count below k) or
    "*" (masked so that a total does not reveal another)."""
    kind = row["kind"]
    if kind == "header":
        return ""
    if _suppressed(row):
        from .suppress import mark

        return mark(row["suppression"], int(row["suppress_below"]))
    if kind == "count":
        return f"{int(row['n'])}"
    if kind == "continuous":
        if row["summary"] == "median_iqr":
            return fmt_median_iqr(row["median"], row["q1"], row["q3"], decimals)
        return fmt_mean_sd(row["mean"], row["sd"], row["min"], row["max"], decimals,
                           0 if bool(row["integer_valued"]) else decimals)
    show = n_total is not None and not _missing(row["denominator"]) and int(row["denominator"]) != n_total
    return fmt_n_percent(row["n"], row["denominator"], decimals, lang, show_denominator=show, trim=trim)


def _suppressed(row) -> bool:
    """True for a row masked by :func:`lmlib.suppress.suppress_table`."""
    value = row.get("suppressed", False) if hasattr(row, "get") else False
    return not _missing(value) and bool(value)


def _count(n, table_k: int) -> str:
    """A count in a footnote: "<k" when it is from 1 to k − 1 and the table is suppressed."""
    if table_k >= 2 and 1 <= int(n) < table_k:
        return f"<{table_k}"
    return f"{int(n)}"


def add_display(table: pd.DataFrame, *, lang: str = "en", decimals: int = 1, trim: bool = False) -> pd.DataFrame:
    """A copy of a tidy table with ``display`` ("17 (53.1%)") and ``ci_display`` ("36.4–69.1")."""
    _check_lang(lang)
    out = table.copy()
    n_total = table_n(table)
    out["display"] = [cell(r, decimals, lang, n_total, trim) for _, r in table.iterrows()]
    out["ci_display"] = [fmt_ci(lo, hi, decimals) for lo, hi in zip(table["ci_low"], table["ci_high"])]
    return out


def footnotes(table: pd.DataFrame, *, lang: str = "en", decimals: int = 1, hide_ci: bool = True) -> tuple[list[str], dict[int, str]]:
    """Footnotes of a table and the marks to put on its rows.

    Returns ``(notes, marks)``: notes as "a Text ..." strings (unmarked general notes first),
    and row position -> mark letters. Every non-default choice is stated: the continuous
    summary and who chose it with the Shapiro–Wilk result, multi-response percentages, a
    per-item denominator rule, missing-value rows, the Wilson interval.
    """
    from .suppress import footnote, table_k

    t = lambda key, **kw: NOTES[key][lang].format(**kw)  # noqa: E731
    k = table_k(table)
    notes = [t("general", n=table_n(table), d=decimals)]
    marks: dict[int, str] = {}
    marked: list[str] = []

    def mark(position: int, note: str) -> None:
        if note not in marked:
            marked.append(note)
        marks[position] = marks.get(position, "") + MARKS[marked.index(note)]

    rows = table.reset_index(drop=True)
    for pos, r in rows.iterrows():
        if r["kind"] == "continuous":
            text = t(r["summary"], label=r["label"], d=DASH) + " " + t(f"source_{r['summary_source']}") + " "
            if not _missing(r["missing"]) and int(r["missing"]) > 0:
                text += t("cont_missing", n=int(r["n"]), m=_count(r["missing"], k)) + " "
            if _missing(r["shapiro_p"]):
                large = not _missing(r["n"]) and int(r["n"]) > SHAPIRO_MAX_N
                text += t("shapiro_large", max=SHAPIRO_MAX_N) if large else t("no_shapiro")
            else:
                verdict = t("rejected") if r["shapiro_p"] < 0.05 else t("not_rejected")
                text += t("shapiro", w=fmt_number(r["shapiro_w"], 3), p=fmt_p(r["shapiro_p"]), verdict=verdict)
            mark(pos, text)
        first_of_item = pos == 0 or rows.at[pos - 1, "item"] != r["item"]
        if r["multi_response"] and first_of_item:
            mark(pos, t("multi"))
        if isinstance(r["denominator_rule"], str) and first_of_item:
            counted = rows[(rows["item"] == r["item"]) & (rows["kind"] == "level")]
            rule = r["denominator_rule_label"] if isinstance(r.get("denominator_rule_label"), str) else r["denominator_rule"]
            mark(pos, t("denominator", label=r["label"], d=int(counted["denominator"].iloc[0]), rule=rule,
                        x=_count(r["excluded"], k)))
    if (rows["kind"] == "missing").any():
        notes.append(t("missing"))
    if not hide_ci:
        notes.append(t("ci"))
    if k >= 2:
        notes.append(footnote(k, lang))
    return notes + [f"{MARKS[i]} {text}" for i, text in enumerate(marked)], marks


def display_table(table: pd.DataFrame, *, lang: str = "en", decimals: int = 1, hide_ci: bool = True,
                  trim: bool = False) -> tuple[pd.DataFrame, list[str]]:
    """The table as the paper lays it out: label (with footnote marks), indent, value, CI.

    Returns ``(frame, notes)``; ``frame`` has columns label, marks (footnote letters), indent,
    kind, value and, unless ``hide_ci``, ci. Used by :func:`styler` and :mod:`lmlib.export`.
    """
    shown = add_display(table, lang=lang, decimals=decimals, trim=trim).reset_index(drop=True)
    notes, marks = footnotes(table, lang=lang, decimals=decimals, hide_ci=hide_ci)
    frame = pd.DataFrame({
        "label": shown["label"], "marks": [marks.get(i, "") for i in range(len(shown))],
        "indent": shown["indent"].astype(int), "kind": shown["kind"], "value": shown["display"],
    })
    if not hide_ci:
        frame["ci"] = shown["ci_display"]
    return frame, notes


def styler(table: pd.DataFrame, *, lang: str = "en", decimals: int = 1, hide_ci: bool = True,
           caption: str | None = None, trim: bool = False):
    """A pandas Styler for JupyterLab: indented labels, header rows in bold, footnotes below;
    ``hide_ci=False`` adds the Wilson 95% CI column."""
    frame, notes = display_table(table, lang=lang, decimals=decimals, hide_ci=hide_ci, trim=trim)
    labels = [_html(lab) + (f"<sup>{m}</sup>" if m else "") for lab, m in zip(frame["label"], frame["marks"])]
    shown = pd.DataFrame({HEADINGS["label"][lang]: labels, HEADINGS["value"][lang]: frame["value"]})
    if not hide_ci:
        shown[HEADINGS["ci"][lang]] = frame["ci"]
    indent = frame["indent"].tolist()
    bold = (frame["kind"] == "header").tolist()

    def style_row(row):
        i = row.name
        first = f"padding-left: {0.3 + 1.5 * indent[i]}em; text-align: left;" + (" font-weight: bold;" if bold[i] else "")
        return [first] + ["text-align: right;"] * (len(row) - 1)

    title = f"<b>{_html(caption)}</b><br>" if caption else ""
    label = HEADINGS["label"][lang]  # already escaped, with its footnote marks
    return (shown.style.apply(style_row, axis=1).hide(axis="index")
            .format(escape="html", subset=[c for c in shown.columns if c != label])
            .format_index(escape="html", axis=1)
            .set_caption(title + "<br>".join(f"<small>{_html(n)}</small>" for n in notes))
            .set_table_styles([{"selector": "caption", "props": "caption-side: bottom; text-align: left;"},
                               {"selector": "th.col0", "props": "text-align: left;"},
                               {"selector": "th", "props": "border-bottom: 1px solid black;"}]))


def _html(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ------------------------------------------------------------------------------ cross-tables

TESTS = {
    "fisher_exact": {"en": "Fisher's exact", "tr": "Fisher kesin"},
    "freeman_halton": {"en": "Freeman–Halton exact", "tr": "Freeman–Halton kesin"},
    "freeman_halton_monte_carlo": {"en": "Freeman–Halton, Monte Carlo (seeded)",
                                   "tr": "Freeman–Halton, Monte Carlo (sabit tohum)"},
    "not_testable": {"en": "not testable", "tr": "test edilemez"},
}
EXPLORATORY_NOTE = {
    "en": "Exploratory analysis of a case series: column percentages (patients of each primary site); "
          "two-sided Fisher's exact test (2×2) or Freeman–Halton exact test (r×c; Freeman & Halton 1951); "
          "no correction for multiple testing; groups of one or two patients carry almost no information. "
          "These p-values describe, they do not confirm.",
    "tr": "Olgu serisinde keşifsel analiz: sütun yüzdeleri (her primer bölgenin hastaları); iki yönlü Fisher "
          "kesin testi (2×2) veya Freeman–Halton kesin testi (r×c; Freeman & Halton 1951); çoklu karşılaştırma "
          "düzeltmesi yapılmamıştır; bir-iki hastalık gruplar neredeyse bilgi taşımaz. Bu p değerleri betimler, "
          "doğrulamaz.",
}


def crosstab_cells(crosstabs: pd.DataFrame, *, lang: str = "en", decimals: int = 1) -> list[str]:
    """"n (%)" of each cross-tabulation row; "<k" or "*" for a cell masked by
    :func:`lmlib.suppress.suppress_crosstab`."""
    from .suppress import mark

    return [mark(r["suppression"], int(r["suppress_below"])) if _suppressed(r)
            else fmt_n_percent(r["n"], r["denominator"], decimals, lang) for _, r in crosstabs.iterrows()]


def crosstab_wide(crosstabs: pd.DataFrame, *, lang: str = "en", decimals: int = 1) -> pd.DataFrame:
    """Cross-tabulations (:func:`lmlib.crosstab.findings_by`) as a wide display table: one row
    per finding level, one column per group ("Lung (n = 17)") with n (%), then p and test."""
    _check_lang(lang)
    if crosstabs.empty:
        return pd.DataFrame()
    frame = crosstabs.copy()
    frame["cell"] = crosstab_cells(frame, decimals=decimals, lang=lang)
    sizes = frame.groupby("by_level", sort=False)["denominator"].max()
    k = int(frame["suppress_below"].iloc[0]) if "suppress_below" in frame else 0
    heads = {lv: f"{lab} (n = {_count(sizes[lv], k)})"
             for lv, lab in dict(zip(frame["by_level"], frame["by_label"])).items()}
    frame["column"] = frame["by_level"].map(heads)
    first = frame.drop_duplicates(["item", "level"]).set_index(["item", "level"])
    wide = frame.set_index(["item", "level", "column"])["cell"].unstack("column")
    wide = wide.reindex(index=first.index, columns=list(dict.fromkeys(frame["column"])))
    wide.insert(0, "finding", first["item_label"])
    wide.insert(1, "level_label", first["label"])
    wide["p"] = [fmt_p(p) for p in first["p_value"]]
    wide["test"] = [TESTS[t][lang] for t in first["test"]]
    repeated = wide["finding"].eq(wide["finding"].shift())
    for col in ("finding", "p", "test"):
        wide.loc[repeated, col] = ""  # one p per finding, on its first line
    names = {"en": ("Finding", "Level"), "tr": ("Bulgu", "Düzey")}[lang]
    wide = wide.reset_index(drop=True).rename(columns={"finding": names[0], "level_label": names[1], "test": "Test"})
    wide.columns.name = None
    return wide


def crosstab_styler(crosstabs: pd.DataFrame, *, lang: str = "en", decimals: int = 1):
    """:func:`crosstab_wide` as a Styler for JupyterLab (no index, text left, counts right),
    with the exploratory note as its caption."""
    wide = crosstab_wide(crosstabs, lang=lang, decimals=decimals)
    text_cols = list(wide.columns[:2]) + ["Test"]
    caption = EXPLORATORY_NOTE[lang]
    if "suppress_below" in crosstabs and len(crosstabs):
        from .suppress import footnote

        caption += " " + footnote(int(crosstabs["suppress_below"].iloc[0]), lang)
    return (wide.style.hide(axis="index").format(escape="html").format_index(escape="html", axis=1)
            .set_properties(subset=text_cols, **{"text-align": "left"})
            .set_properties(subset=[c for c in wide.columns if c not in text_cols],
                            **{"text-align": "right", "white-space": "nowrap"})
            .set_caption(f"<small>{_html(caption)}</small>")
            .set_table_styles([{"selector": "caption", "props": "caption-side: bottom; text-align: left;"}]))
