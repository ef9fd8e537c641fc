"""The survival section of the report (``notebooks/03_survival.ipynb``): tidy tables, text, figures.

Numbers come from :mod:`lmlib.survival` and the figure from :func:`lmlib.survival_plots.plot_km`;
this module only assembles them for the notebook's parameters, labels them from the codebook
(en/tr), formats them with :mod:`lmlib.formatting` (half away from zero; "%53.1" in Turkish,
decimal point in both) and writes the CSVs atomically (:func:`lmlib.export.write_csv`).

Conventions, stated where they are shown: median survival as SPSS prints it (smallest event
time with S <= 0.5, SE = Greenwood SE / kernel density, 95% CI = median ± 1.96·SE) beside
Brookmeyer–Crowley (log-log and log, R's rules); landmark survival with the log-log pointwise
CI; RMST up to :data:`RMST_TAU_DAYS`; median follow-up by reverse Kaplan–Meier; log-rank
(Mantel–Cox), the test for trend only for levels the codebook marks ``ordered: true``; a
univariable Cox model per grouping (Efron ties, Wald CI, Grambsch–Therneau PH test on ranked
time), exploratory below 10 events per coefficient (Peduzzi et al. 1995).
Every time is computed in days (``survival_days``); ``time_unit="months"`` adds months
(days / 30.4375) beside them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
import math
from pathlib import Path
import warnings

import numpy as np
import pandas as pd

from .export import write_csv
from .formatting import DASH, MISSING, fmt_number, fmt_p, fmt_percent
from .survival import cox_model, logrank, logrank_trend, median_followup, observed_expected, rmst, survival_at
from .survival.compare import EPV_THRESHOLD
from .survival.data import DAYS_PER_MONTH, UNITS, split_groups, survival_frame
from .problems import InputError
from .suppress import blank_small, check_k, count_text, is_small
from .survival.summary import summary_row

DURATION, EVENT = "survival_days", "death"
SECTION = "survival"
OVERALL_ITEM, OVERALL_LEVEL = "overall_survival", "overall"
RMST_TAU_DAYS = 180.0
CI_TRANSFORM = "log-log"  # landmark CIs and figure bands: lifelines', Stata's and SAS's default
PH_TRANSFORM = "rank"
MAX_LEVELS = 12  # a group_by variable with more distinct values is not categorical
MAX_BANDS = 3  # CI bands drawn on a grouped figure only up to this many groups (legibility)
HR_DECIMALS = 2
FIRST = ["section", "item", "level"]

TEXT = {
    "days": {"en": "days", "tr": "gün"},
    "months": {"en": "months", "tr": "ay"},
    "ci": {"en": "95% CI", "tr": "%95 GA"},
    "not_reached": {"en": "not reached", "tr": "ulaşılmadı"},
    "not_estimable": {"en": "not estimable", "tr": "hesaplanamadı"},
    "all": {"en": "All patients", "tr": "Tüm hastalar"},
    "yes": {"en": "Yes", "tr": "Var"},
    "no": {"en": "No", "tr": "Yok"},
    "headline": {"en": "Median overall survival: {value}; n = {n}, {events} deaths, {censored} censored.",
                 "tr": "Ortanca genel sağkalım: {value}; n = {n}, {events} ölüm, {censored} sansürlü."},
    "spss": {"en": "SPSS convention: median ± SE, 95% CI = median ± 1.96·SE",
             "tr": "SPSS yaklaşımı: ortanca ± SH, %95 GA = ortanca ± 1.96·SH"},
    "in_months": {"en": "In months (1 month = 30.4375 days): {value}.",
                  "tr": "Ay olarak (1 ay = 30.4375 gün): {value}."},
    "median_nr": {"en": "not reached (the Kaplan–Meier estimate stays above 50%)",
                  "tr": "ulaşılmadı (Kaplan–Meier kestirimi %50'nin üzerinde kalıyor)"},
    "se_ne": {"en": "SE and 95% CI not estimable by the SPSS convention: the estimate does not fall to 45%",
              "tr": "SH ve %95 GA SPSS yaklaşımıyla hesaplanamadı: kestirim %45'e inmiyor"},
    "mean": {"en": "Mean survival (SPSS): {value}.", "tr": "Ortalama sağkalım (SPSS): {value}."},
    "restricted": {"en": " It is restricted to the longest follow-up, {t} {unit}, which is censored: the true mean "
                         "is larger.",
                   "tr": " En uzun izlem süresiyle ({t} {unit}) sınırlıdır ve bu süre sansürlüdür: gerçek ortalama "
                         "daha büyüktür."},
    "rmst": {"en": "Restricted mean survival time up to {tau} days (RMST: the area under the Kaplan–Meier curve up "
                   "to {tau} days): {value}. On average a patient lived {est} of the first {tau} days after the "
                   "diagnosis of LM.",
             "tr": "{tau} güne kadar kısıtlı ortalama sağkalım süresi (KOSS: Kaplan–Meier eğrisinin {tau} güne "
                   "kadar altında kalan alan): {value}. Bir hasta LM tanısından sonraki ilk {tau} günün ortalama "
                   "{est} gününü yaşamıştır."},
    "rmst_ne": {"en": "Restricted mean survival time up to {tau} days: not estimable, because follow-up ends at {t}"
                      " days while the survival estimate is still above 0.",
                "tr": "{tau} güne kadar kısıtlı ortalama sağkalım süresi: hesaplanamadı, çünkü izlem sağkalım "
                      "kestirimi 0'a inmeden {t}. günde bitiyor."},
    "followup": {"en": "Median follow-up (reverse Kaplan–Meier; Schemper & Smith 1996): {median} (95% CI {ci}; "
                       "interquartile range {q1}{dash}{q3}).",
                 "tr": "Ortanca izlem süresi (ters Kaplan–Meier; Schemper & Smith 1996): {median} (%95 GA {ci}; "
                       "çeyrekler arası aralık {q1}{dash}{q3})."},
    "followup_nr": {"en": " The reverse Kaplan–Meier curve does not fall to 50% because most patients died before "
                          "their potential follow-up ended: follow-up does not limit the survival estimate.",
                    "tr": " Ters Kaplan–Meier eğrisi %50'ye inmiyor, çünkü hastaların çoğu olası izlem süreleri "
                          "dolmadan öldü: izlem süresi sağkalım kestirimini kısıtlamıyor."},
    "censored_seen": {"en": " The {c} censored patients were last seen at a median of {t} days.",
                      "tr": " Sansürlü {c} hasta en son ortanca {t}. günde görüldü."},
    "censoring": {"en": "Censored (alive at last contact): {c} of {n} patients ({pct}); lost to follow-up: {l}.",
                  "tr": "Sansürlü (son kontrolde sağ): {c}/{n} hasta ({pct}); takip dışı: {l}."},
    "logrank": {"en": "Log-rank test (Mantel–Cox): χ² = {chi2}, df = {df}, {p}.",
                "tr": "Log-rank testi (Mantel–Cox): χ² = {chi2}, sd = {df}, {p}."},
    "trend": {"en": "Log-rank test for trend (levels in the codebook's order, scores 1, 2, …): χ² = {chi2}, df = 1,"
                    " {p}.",
              "tr": "Eğilim için log-rank testi (kod kitabındaki sırayla, puanlar 1, 2, …): χ² = {chi2}, sd = 1, "
                    "{p}."},
    "test_ne": {"en": "{test}: not computable ({reason}).", "tr": "{test}: hesaplanamadı ({reason})."},
    "trend_na": {"en": "Log-rank test for trend: not applicable, because the codebook does not mark the levels of "
                       "“{label}” as ordered.",
                 "tr": "Eğilim için log-rank testi: uygulanmadı, çünkü kod kitabı “{label}” düzeylerini sıralı "
                       "olarak işaretlemiyor."},
    "one_group": {"en": "fewer than two groups", "tr": "ikiden az grup"},
    "no_events": {"en": "no deaths", "tr": "ölüm yok"},
    "log-rank": {"en": "Log-rank test", "tr": "Log-rank testi"},
    "log-rank trend": {"en": "Log-rank test for trend", "tr": "Eğilim için log-rank testi"},
    "epv": {"en": "{epv} events per variable ({events} deaths, {k} coefficient(s)).",
            "tr": "Değişken başına {epv} olay ({events} ölüm, {k} katsayı)."},
    "exploratory": {"en": "Exploratory: {epv} events per variable ({events} deaths, {k} coefficients; fewer than "
                          "{th:g}, Peduzzi et al. 1995): the hazard ratios may be biased and their intervals too "
                          "narrow.",
                    "tr": "Keşif amaçlı: değişken başına {epv} olay ({events} ölüm, {k} katsayı; {th:g}'dan az, Peduzzi"
                          " ve ark. 1995): tehlike oranları yanlı, aralıkları gerçekte olduğundan dar olabilir."},
    "ph_flag": {"en": "Proportional hazards questionable (PH test p < 0.05) for: {levels}.",
                "tr": "Orantılı tehlikeler varsayımı şüpheli (OT testi p < 0.05): {levels}."},
    "cox_ne": {"en": "Cox model not estimable: {reason}.", "tr": "Cox modeli hesaplanamadı: {reason}."},
    "level_no_events": {"en": "no deaths in this level", "tr": "bu düzeyde ölüm yok"},
    "infinite_ci": {"en": "the model does not converge: infinite confidence limit",
                    "tr": "model yakınsamıyor: sonsuz güven sınırı"},
    "reference": {"en": "1 (reference)", "tr": "1 (referans)"},
    # table headings
    "group": {"en": "Group", "tr": "Grup"},
    "unit": {"en": "Unit", "tr": "Birim"},
    "n": {"en": "n", "tr": "n"},
    "deaths": {"en": "Deaths", "tr": "Ölüm"},
    "censored": {"en": "Censored", "tr": "Sansürlü"},
    "deaths_expected": {"en": "Deaths (expected)", "tr": "Ölüm (beklenen)"},
    "median_h": {"en": "Median", "tr": "Ortanca"},
    "se_h": {"en": "SE (SPSS)", "tr": "SH (SPSS)"},
    "ci_spss_h": {"en": "95% CI (SPSS)", "tr": "%95 GA (SPSS)"},
    "ci_loglog_h": {"en": "95% CI (B–C, log-log)", "tr": "%95 GA (B–C, log-log)"},
    "ci_log_h": {"en": "95% CI (B–C, log)", "tr": "%95 GA (B–C, log)"},
    "mean_h": {"en": "Mean ± SE (95% CI)", "tr": "Ortalama ± SH (%95 GA)"},
    "rmst_h": {"en": "RMST to {tau} days (95% CI)", "tr": "{tau} güne kadar KOSS (%95 GA)"},
    "time_h": {"en": "Time, {unit}", "tr": "Süre, {unit}"},
    "at_risk_h": {"en": "At risk", "tr": "Risk altında"},
    "survival_h": {"en": "Survival (95% CI)", "tr": "Sağkalım (%95 GA)"},
    "level_h": {"en": "Level", "tr": "Düzey"},
    "hr_h": {"en": "HR (95% CI)", "tr": "HO (%95 GA)"},
    "ph_h": {"en": "PH test p", "tr": "OT testi p"},
    "summary_caption": {"en": "Median and mean survival", "tr": "Ortanca ve ortalama sağkalım"},
    "landmark_caption": {"en": "Survival at landmark times", "tr": "Belirli zamanlarda sağkalım"},
    "cox_caption": {"en": "Cox proportional hazards model: {label}",
                    "tr": "Cox orantılı tehlikeler modeli: {label}"},
    # footnotes
    "note_median": {"en": "Median: the smallest time at which the Kaplan–Meier estimate is 50% or lower; “not "
                          "reached” when it stays above 50%.",
                    "tr": "Ortanca: Kaplan–Meier kestiriminin %50 ya da altına indiği en küçük süre; %50'nin "
                          "üzerinde kalırsa “ulaşılmadı”."},
    "note_spss": {"en": "SE and 95% CI (SPSS), the paper's convention: SE from Greenwood's variance and a kernel "
                        "density estimate of the curve between 55% and 45%; 95% CI = median ± 1.96·SE, symmetric.",
                  "tr": "SH ve %95 GA (SPSS), makaledeki yaklaşım: SH, Greenwood varyansı ve eğrinin %55 ile %45 "
                        "arasındaki çekirdek yoğunluk kestiriminden; %95 GA = ortanca ± 1.96·SH, simetrik."},
    "note_bc": {"en": "B–C, Brookmeyer–Crowley (1982): the times at which the pointwise 95% confidence band of the "
                      "curve (Greenwood; log-log transform as Stata, SAS and lifelines, log as R) includes 50%; "
                      "asymmetric; “not reached” when the band does not fall to 50% within follow-up.",
                "tr": "B–C, Brookmeyer–Crowley (1982): eğrinin noktasal %95 güven bandının (Greenwood; Stata, SAS "
                      "ve lifelines gibi log-log, R gibi log dönüşümü) %50'yi içerdiği süreler; asimetrik; bant "
                      "izlem içinde %50'ye inmezse “ulaşılmadı”."},
    "note_mean": {"en": "Mean (SPSS): area under the Kaplan–Meier curve up to the longest follow-up, ± 1.96·SE; * "
                        "when that time is censored (the mean is then restricted to it and too small).",
                  "tr": "Ortalama (SPSS): en uzun izleme kadar Kaplan–Meier eğrisinin altındaki alan, ± 1.96·SH; bu"
                        " süre sansürlüyse * (ortalama o süreyle sınırlıdır ve küçük kalır)."},
    "note_rmst": {"en": "RMST: area under the curve up to {tau} days, 95% CI ± 1.959964·SE.",
                  "tr": "KOSS: {tau} güne kadar eğrinin altındaki alan, %95 GA ± 1.959964·SH."},
    "note_expected": {"en": "Expected: deaths expected if survival were the same in all groups (log-rank test).",
                      "tr": "Beklenen: tüm gruplarda sağkalım aynı olsaydı beklenecek ölüm sayısı (log-rank testi)."},
    "note_round": {"en": "Times in {units}. Medians and Brookmeyer–Crowley limits are observed times; other numbers"
                         " rounded half away from zero to {d} decimal(s).",
                   "tr": "Süreler {units} cinsinden. Ortancalar ve Brookmeyer–Crowley sınırları gözlenen "
                         "sürelerdir; diğer sayılar {d} ondalığa, yarım değerler sıfırdan uzağa yuvarlanmıştır."},
    "note_landmark": {"en": "Kaplan–Meier estimate at each time (a death on that day included); pointwise 95% CI "
                            "from Greenwood's variance, log-log transform; “—” where the interval is undefined (0% "
                            "or 100%); “not estimable” after the last follow-up.",
                      "tr": "Her süredeki Kaplan–Meier kestirimi (o gündeki ölüm dahil); noktasal %95 GA, Greenwood"
                            " varyansı ve log-log dönüşümüyle; aralığın tanımsız olduğu yerde (%0 ya da %100) “—”; "
                            "son izlemden sonra “hesaplanamadı”."},
    "note_cox": {"en": "Univariable Cox proportional hazards model (Efron ties): hazard ratio (HR) of death against"
                       " the reference level, Wald 95% CI. PH test: Grambsch–Therneau test of scaled Schoenfeld "
                       "residuals against ranked time; p < 0.05 suggests the hazard ratio changes over time.",
                 "tr": "Tek değişkenli Cox orantılı tehlikeler modeli (Efron bağları): referans düzeye göre ölüm "
                       "tehlike oranı (HO), Wald %95 GA. OT testi: ölçeklenmiş Schoenfeld artıklarının sıralı "
                       "zamana karşı Grambsch–Therneau testi; p < 0.05 tehlike oranının zamanla değiştiğini "
                       "düşündürür."},
    # figure
    "ylabel": {"en": "Survival probability", "tr": "Sağkalım olasılığı"},
    "xlabel_days": {"en": "Days since diagnosis of LM", "tr": "LM tanısından sonra geçen gün"},
    "xlabel_months": {"en": "Months since diagnosis of LM (1 month = 30.4375 days)",
                      "tr": "LM tanısından sonra geçen ay (1 ay = 30.4375 gün)"},
    "at_risk": {"en": "At risk", "tr": "Risk altında"},
    "censored_row": {"en": "Censored", "tr": "Sansürlü"},
    "events_row": {"en": "Deaths", "tr": "Ölüm"},
    "title": {"en": "Overall survival (n = {n}, {events} deaths)", "tr": "Genel sağkalım (n = {n}, {events} ölüm)"},
    "title_by": {"en": "Overall survival by {label}", "tr": "Genel sağkalım: {label}"},
    "caption": {"en": "Kaplan–Meier estimate with its pointwise 95% confidence band (Greenwood, log-log), censored "
                      "patients (+) and the median (dashed). Below the curve, at each tick: patients at risk, "
                      "censored so far and deaths so far (KMunicate).",
                "tr": "Kaplan–Meier kestirimi, noktasal %95 güven bandı (Greenwood, log-log), sansürlü hastalar (+)"
                      " ve ortanca (kesikli çizgi). Eğrinin altında, her işarette: risk altındaki, o ana kadar "
                      "sansürlenen ve ölen hasta sayısı (KMunicate)."},
    "written": {"en": "Tables written (tidy CSV, unrounded numbers and a `display` column) to `tables/`: {names}.",
                "tr": "`tables/` klasörüne yazılan tablolar (düzenli CSV, yuvarlanmamış sayılar ve `display` "
                      "sütunu): {names}."},
    "note_suppressed": {"en": "Counts below {k} are shown as <{k} (small-cell suppression).",
                        "tr": "{k} altındaki sayılar <{k} olarak gösterilmiştir (küçük hücre gizleme)."},
    "caption_no_bands": {"en": " Confidence bands are left out with more than {k} groups, for legibility.",
                         "tr": " {k}'ten fazla grupta okunabilirlik için güven bantları çizilmemiştir."},
}


def text(key: str, lang: str = "en", **values) -> str:
    """A fixed sentence or heading of the survival section in ``lang`` ("en" or "tr")."""
    if lang not in ("en", "tr"):
        raise ValueError(f"lang must be 'en' or 'tr', not {lang!r}")
    return TEXT[key][lang].format(**values)


# ------------------------------------------------------------------------------ parameters

def parse_times(spec: str) -> list[float]:
    """``"30,90,180"`` (commas, semicolons or spaces) -> ``[30.0, 90.0, 180.0]``; blank -> ``[]``."""
    out = []
    for token in str(spec or "").replace(";", ",").replace(" ", ",").split(","):
        if token.strip():
            try:
                value = float(token)
            except ValueError:
                raise InputError(f"not a time in days: {token.strip()!r} (expected e.g. \"30,90,180\")") from None
            if not value >= 0 or math.isinf(value):
                raise InputError(f"times must be finite and >= 0, not {token.strip()!r}")
            out.append(value)
    return out


def parse_names(spec: str) -> list[str]:
    """``"treatment, primary_site"`` -> ``["treatment", "primary_site"]`` (duplicates dropped)."""
    return list(dict.fromkeys(t.strip() for t in str(spec or "").replace(";", ",").split(",") if t.strip()))


def time_units(time_unit: str) -> tuple[str, ...]:
    """The units shown: ``"days"`` -> ``("days",)``; ``"months"`` -> ``("days", "months")``."""
    if time_unit not in ("days", "months"):
        raise InputError(f"time_unit must be 'days' or 'months', not {time_unit!r}")
    return ("days",) if time_unit == "days" else ("days", "months")


def check_group_by(data: pd.DataFrame, names) -> list[str]:
    """The ``group_by`` columns, checked: present and categorical (at most :data:`MAX_LEVELS` values)."""
    names = parse_names(names) if isinstance(names, str) else list(names)
    for name in names:
        if name not in data.columns:
            shown = ", ".join(map(str, data.columns))
            raise InputError(f"group_by: no column {name!r} in the cohort; columns: {shown}")
        k = data[name].nunique(dropna=True)
        if k > MAX_LEVELS:
            raise InputError(f"group_by: {name!r} has {k} distinct values; group_by takes categorical variables")
    return names


# ------------------------------------------------------------------------------ labels

def _is_bool(value) -> bool:
    return isinstance(value, (bool, np.bool_))


def level_key(value) -> str:
    """The ``level`` written to the CSVs: the codebook level name, ``yes``/``no`` for a boolean."""
    if _is_bool(value):
        return "yes" if value else "no"
    return str(value)


def item_label(codebook, item: str, lang: str = "en") -> str:
    """A variable's label from the codebook (derived variables too), else its name."""
    if item == OVERALL_ITEM:
        return text("all", lang)
    if codebook is None:
        return item
    from .tables import item_label as codebook_label

    try:
        return codebook_label(codebook, item, lang)
    except KeyError:
        return item


def level_label(codebook, item: str, value, lang: str = "en") -> str:
    """A level's label: the codebook's (``Codebook[item].level_label``), Yes/No for booleans, else the value."""
    if item == OVERALL_ITEM:
        return text("all", lang)
    if _is_bool(value):
        return text("yes" if value else "no", lang)
    if codebook is not None:
        try:
            return codebook[item].level_label(str(value), lang)
        except KeyError:
            pass
    return str(value)


def ordered_levels(codebook, item: str) -> list[str] | None:
    """The levels in order when the codebook marks the variable ``ordered: true``, else None."""
    if codebook is None:
        return None
    try:
        var = codebook[item]
    except KeyError:
        return None
    return var.level_names if var.spec.get("ordered") is True else None


def _time_digits(durations_days, unit: str, decimals: int) -> int:
    """Observed times print as whole days when every follow-up is a whole number of days."""
    d = np.asarray(durations_days, dtype=float)
    return 0 if unit == "days" and np.all(np.mod(d[np.isfinite(d)], 1) == 0) else decimals


def _nan(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _p_text(p) -> str:
    shown = fmt_p(p)
    return f"p {shown}" if shown.startswith("<") else f"p = {shown}"


# ------------------------------------------------------------------------------ tidy tables

def _groupings(group_by) -> list[tuple[str, str | None]]:
    return [(OVERALL_ITEM, None)] + [(g, g) for g in group_by]


def summary_table(data: pd.DataFrame, group_by=(), *, codebook=None, lang: str = "en", decimals: int = 1,
                  units=("days",), tau_days: float = RMST_TAU_DAYS) -> pd.DataFrame:
    """One row per (unit, grouping, level): counts, SPSS and Brookmeyer–Crowley medians, SPSS mean,
    RMST up to ``tau_days``, reverse-KM follow-up; plus ``display`` (the paper's "30 ± 9.5 days
    (95% CI 11.3–48.7)") and ``mean_display``, ``rmst_display``. Times in ``unit`` (days or months).

    The whole cohort is ``item = "overall_survival"``, ``level = "overall"``; a grouping's rows
    have ``item`` = the variable and ``level`` = its level (in the codebook's order).
    """
    rows = []
    digits0 = _time_digits(data[DURATION].dropna(), "days", decimals)
    for unit in units:
        factor = UNITS[unit]
        digits = digits0 if unit == "days" else decimals
        for item, col in _groupings(group_by):
            frame = survival_frame(data, DURATION, EVENT, col, unit=unit)
            expected = {}
            if col is not None:
                oe, _ = observed_expected(data, DURATION, EVENT, col)
                expected = oe["expected"].to_dict()
            for key, sub in split_groups(frame, overall=col is None):
                row = summary_row(sub["duration"], sub["event"], sub["weight"])
                area = rmst(sub["duration"], sub["event"], tau_days / factor, sub["weight"])
                fu = median_followup(sub["duration"], sub["event"], sub["weight"])
                cens = sub.loc[~sub["event"], "duration"]
                rows.append({
                    "section": SECTION, "item": item, "level": OVERALL_LEVEL if col is None else level_key(key),
                    "item_label": item_label(codebook, item, lang), "label": level_label(codebook, item, key, lang),
                    "unit": unit, **row, "expected_events": expected.get(key, math.nan),
                    "last_time": float(sub["duration"].max()) if len(sub) else math.nan,
                    "rmst_tau": tau_days / factor, "rmst": area.estimate, "rmst_se": area.se,
                    "rmst_lower": area.lower, "rmst_upper": area.upper,
                    "followup_median": fu.median, "followup_lower": fu.lower, "followup_upper": fu.upper,
                    "followup_q1": fu.q1, "followup_q3": fu.q3,
                    "censored_median_time": float(cens.median()) if len(cens) else math.nan,
                    "time_digits": digits,
                })
    out = pd.DataFrame(rows)
    out["display"] = [median_value(r, lang, decimals) for _, r in out.iterrows()]
    out["mean_display"] = [_estimate_text(r["mean_spss"], r["mean_se_spss"], r["mean_lower_spss"],
                                          r["mean_upper_spss"], r["unit"], lang, decimals) for _, r in out.iterrows()]
    out["rmst_display"] = [_estimate_text(r["rmst"], None, r["rmst_lower"], r["rmst_upper"], r["unit"], lang, decimals)
                           for _, r in out.iterrows()]
    return out


def _estimate_text(est, se, lower, upper, unit: str, lang: str, decimals: int) -> str:
    """"47.1 ± 7.4 days (95% CI 32.5–61.6)"; without ``se`` "47.1 days (95% CI …)"; NaN -> "not estimable"."""
    if _nan(est):
        return text("not_estimable", lang)
    pm = "" if se is None else f" ± {fmt_number(se, decimals)}"
    return (f"{fmt_number(est, decimals)}{pm} {text(unit, lang)} "
            f"({text('ci', lang)} {fmt_number(lower, decimals)}{DASH}{fmt_number(upper, decimals)})")


def median_value(row, lang: str = "en", decimals: int = 1, convention: bool = False) -> str:
    """The median of a :func:`summary_table` row as the paper prints it: "30 ± 9.5 days (95% CI
    11.3–48.7)"; ``convention`` adds "; SPSS convention: …" inside the brackets."""
    if not row["median_reached"]:
        return text("median_nr", lang)
    median = fmt_number(row["median"], int(row["time_digits"]))
    unit = text(row["unit"], lang)
    if _nan(row["median_se_spss"]):
        return f"{median} {unit} ({text('se_ne', lang)})"
    conv = f"; {text('spss', lang)}" if convention else ""
    return (f"{median} ± {fmt_number(row['median_se_spss'], decimals)} {unit} ({text('ci', lang)} "
            f"{fmt_number(row['median_lower_spss'], decimals)}{DASH}{fmt_number(row['median_upper_spss'], decimals)}"
            f"{conv})")


def landmark_table(data: pd.DataFrame, landmarks_days, group_by=(), *, codebook=None, lang: str = "en",
                   decimals: int = 1) -> pd.DataFrame:
    """Kaplan–Meier survival at each landmark (days) overall and per group, log-log pointwise 95% CI.

    Columns: section, item, level, item_label, label, landmark_days, landmark_months, at_risk,
    survival, se, lower, upper (proportions 0–1), estimable, transform, display ("49.8% (30.7–66.3)").
    """
    rows = []
    for item, col in _groupings(group_by):
        frame = survival_frame(data, DURATION, EVENT, col)
        for key, sub in split_groups(frame, overall=col is None):
            est = survival_at(sub["duration"], sub["event"], landmarks_days, sub["weight"], transform=CI_TRANSFORM)
            for time, r in est.iterrows():
                rows.append({
                    "section": SECTION, "item": item, "level": OVERALL_LEVEL if col is None else level_key(key),
                    "item_label": item_label(codebook, item, lang), "label": level_label(codebook, item, key, lang),
                    "landmark_days": float(time), "landmark_months": float(time) / DAYS_PER_MONTH,
                    **r.to_dict(), "transform": CI_TRANSFORM,
                })
    out = pd.DataFrame(rows, columns=FIRST + ["item_label", "label", "landmark_days", "landmark_months", "at_risk",
                                              "survival", "se", "lower", "upper", "estimable", "transform"])
    out["display"] = [_survival_text(r, lang, decimals) for _, r in out.iterrows()]
    return out


def _survival_text(row, lang: str, decimals: int) -> str:
    if not row["estimable"]:
        return text("not_estimable", lang)
    pct = fmt_percent(100 * row["survival"], decimals, lang)
    if _nan(row["lower"]) or _nan(row["upper"]):
        return f"{pct} ({MISSING})"
    return f"{pct} ({fmt_number(100 * row['lower'], decimals)}{DASH}{fmt_number(100 * row['upper'], decimals)})"


def comparison_table(data: pd.DataFrame, group_by=(), *, codebook=None, lang: str = "en") -> pd.DataFrame:
    """Log-rank test per grouping, and the test for trend (applicable only to levels the codebook
    marks ``ordered: true``). Columns: section, item, level ("" ), item_label, test, applicable,
    chi2, df, p, n, events, n_groups, note, display."""
    rows = []
    for item in group_by:
        frame = survival_frame(data, DURATION, EVENT, item)
        base = {"section": SECTION, "item": item, "level": "", "item_label": item_label(codebook, item, lang),
                "n": float(frame["weight"].sum()), "events": float((frame["weight"] * frame["event"]).sum()),
                "n_groups": int(frame["group"].nunique())}
        reason = ("one_group" if base["n_groups"] < 2 else "no_events" if base["events"] == 0 else None)
        order = ordered_levels(codebook, item)
        for test in ("log-rank", "log-rank trend"):
            applicable = test == "log-rank" or order is not None
            row = {**base, "test": test, "applicable": applicable, "chi2": math.nan, "df": math.nan,
                   "p": math.nan, "note": ""}
            if not applicable:
                row["note"] = "levels not marked ordered in the codebook"
                row["display"] = text("trend_na", lang, label=base["item_label"])
            elif reason:
                row["note"] = TEXT[reason]["en"]
                row["display"] = text("test_ne", lang, test=text(test, lang), reason=text(reason, lang))
            else:
                if test == "log-rank":
                    res = logrank(data, DURATION, EVENT, item)
                else:
                    present = [lv for lv in order if (frame["group"].astype(str) == lv).any()]
                    res = logrank_trend(data, DURATION, EVENT, item, order=present)
                row.update(chi2=res.chi2, df=res.df, p=res.p)
                row["display"] = text("logrank" if test == "log-rank" else "trend", lang,
                                      chi2=fmt_number(res.chi2, 2), df=res.df, p=_p_text(res.p))
            rows.append(row)
    cols = FIRST + ["item_label", "test", "applicable", "chi2", "df", "p", "n", "events", "n_groups", "note", "display"]
    return pd.DataFrame(rows, columns=cols)


def cox_table(data: pd.DataFrame, group_by=(), *, codebook=None, lang: str = "en") -> pd.DataFrame:
    """A univariable Cox model per grouping: one row per level (the reference first, HR 1).

    Columns: section, item, level, item_label, label, reference, term, hr, lower, upper, p, coef,
    se, ph_chi2, ph_p, n, events, n_parameters, events_per_variable, exploratory, estimable,
    note, display ("2.44 (0.94–6.31)"). A model that cannot be fitted gives one row with
    ``estimable`` False and the reason in ``note``; a level without deaths gets NaN HRs.
    """
    rows = []
    for item in group_by:
        frame = survival_frame(data, DURATION, EVENT, item)
        levels = [k for k, _ in split_groups(frame, overall=False)]
        deaths = {k: float((s["weight"] * s["event"]).sum()) for k, s in split_groups(frame, overall=False)}
        head = {"section": SECTION, "item": item, "item_label": item_label(codebook, item, lang)}
        reason, fit = None, None
        if len(levels) < 2:
            reason = text("one_group", lang)
        elif frame["event"].sum() == 0:
            reason = text("no_events", lang)
        else:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    fit = cox_model(data, DURATION, EVENT, [item], categorical=[item],
                                    reference={item: levels[0]}, time_transform=PH_TRANSFORM)
                except Exception as exc:  # lifelines: convergence failure on separated data
                    reason = f"{type(exc).__name__}: {str(exc).split('.')[0]}"
            warned = "; ".join(dict.fromkeys(str(w.message).split("\n")[0] for w in caught))
        if fit is None:
            rows.append({**head, "level": "", "label": "", "estimable": False, "note": reason,
                         "display": text("cox_ne", lang, reason=reason)})
            continue
        common = {"n": fit.n, "events": fit.events, "n_parameters": fit.n_parameters,
                  "events_per_variable": fit.events_per_variable, "exploratory": fit.exploratory}
        ref = levels[0]
        rows.append({**head, "level": level_key(ref), "label": level_label(codebook, item, ref, lang),
                     "reference": True, "term": "", "hr": 1.0, **common, "estimable": True, "note": warned,
                     "display": text("reference", lang)})
        for lvl in levels[1:]:
            term = f"{item}={lvl}"
            hr, ph = fit.hazard_ratios.loc[term], fit.ph_test.loc[term]
            finite = all(math.isfinite(float(hr[k])) for k in ("hr", "lower", "upper"))
            ok = deaths[lvl] > 0 and deaths[ref] > 0 and finite
            row = {**head, "level": level_key(lvl), "label": level_label(codebook, item, lvl, lang),
                   "reference": False, "term": term,
                   **{k: float(hr[k]) for k in ("hr", "lower", "upper", "p", "coef", "se")},
                   "ph_chi2": float(ph["chi2"]), "ph_p": float(ph["p"]), **common, "estimable": ok, "note": warned}
            if not ok:
                why = "level_no_events" if deaths[lvl] == 0 or deaths[ref] == 0 else "infinite_ci"
                row.update(hr=math.nan, lower=math.nan, upper=math.nan, p=math.nan, ph_chi2=math.nan, ph_p=math.nan,
                           note="; ".join(filter(None, [TEXT[why]["en"], warned])))
                row["display"] = f"{text('not_estimable', lang)} ({text(why, lang)})"
            else:
                row["display"] = (f"{fmt_number(row['hr'], HR_DECIMALS)} ({fmt_number(row['lower'], HR_DECIMALS)}"
                                  f"{DASH}{fmt_number(row['upper'], HR_DECIMALS)})")
            rows.append(row)
    cols = FIRST + ["item_label", "label", "reference", "term", "hr", "lower", "upper", "p", "coef", "se", "ph_chi2",
                    "ph_p", "n", "events", "n_parameters", "events_per_variable", "exploratory", "estimable", "note",
                    "display"]
    return pd.DataFrame(rows, columns=cols)


def figure_times(data: pd.DataFrame, unit: str = "days", risk_times: str = "") -> np.ndarray:
    """The x ticks of a KM figure, which are also the columns of its risk table: ``risk_times``
    (days) for the figures in days, else the plot's default ticks (every 30 days; 90 or 365 for
    long follow-up); whole months (every 1, 3 or 12 by follow-up) for the figure in months."""
    if unit == "days" and parse_times(risk_times):
        return np.asarray(sorted(set(parse_times(risk_times))), dtype=float)
    frame = survival_frame(data, DURATION, EVENT, unit=unit)
    t_max = float(frame["duration"].max()) if len(frame) else 1.0
    if unit == "days":
        from .survival_plots import _default_ticks

        return _default_ticks(t_max, "days")
    step = 1.0 if t_max <= 12 else 3.0 if t_max <= 48 else 12.0
    return np.arange(0.0, t_max + step * 0.999, step)


def risk_frame(data: pd.DataFrame, group_by=(), *, codebook=None, lang: str = "en", units=("days",),
               risk_times: str = "") -> pd.DataFrame:
    """The KMunicate counts drawn under each figure (overall in every unit, each grouping in days):
    section, item, level, item_label, label, unit, time, at_risk, censored, events."""
    from .survival import risk_table

    parts = [(OVERALL_ITEM, None, u) for u in units] + [(g, g, "days") for g in group_by]
    rows = []
    for item, col, unit in parts:
        table = risk_table(data, DURATION, EVENT, figure_times(data, unit, risk_times), group_col=col, unit=unit)
        for (key, time), r in table.iterrows():
            rows.append({"section": SECTION, "item": item,
                         "level": OVERALL_LEVEL if col is None else level_key(key),
                         "item_label": item_label(codebook, item, lang),
                         "label": level_label(codebook, item, key, lang), "unit": unit, "time": float(time),
                         **{k: float(v) for k, v in r.items()}})
    return pd.DataFrame(rows, columns=FIRST + ["item_label", "label", "unit", "time", "at_risk", "censored", "events"])


# ------------------------------------------------------------------------------ the section

@dataclass
class SurvivalReport:
    """Everything the survival section shows, as tidy numeric tables (see :func:`build`)."""

    data: pd.DataFrame = field(repr=False)
    codebook: object = field(repr=False)
    summary: pd.DataFrame
    landmarks: pd.DataFrame
    comparisons: pd.DataFrame
    cox: pd.DataFrame
    risk: pd.DataFrame
    lang: str
    decimals: int
    units: tuple
    group_by: list
    tau_days: float
    risk_times: str
    suppress_below: int = 0  # counts 1 to k - 1 shown as "<k" (lmlib.suppress); 0: off


# The count columns of each table, blanked (1 to k − 1) in the CSVs when suppression is on.
COUNT_COLUMNS = {"summary": ["n", "events", "censored"], "landmarks": ["at_risk"],
                 "comparisons": ["n", "events"], "cox": ["n", "events"], "risk": ["at_risk", "censored", "events"]}


def _n(report: SurvivalReport, x) -> str:
    """A count as the report shows it: "<k" from 1 to k − 1 under suppression, else "12"."""
    return count_text(x, report.suppress_below)


def build(data: pd.DataFrame, codebook=None, *, lang: str = "en", decimals: int = 1, time_unit: str = "days",
          landmarks: str = "30,90,180", group_by: str = "treatment,primary_site", risk_times: str = "",
          tau_days: float = RMST_TAU_DAYS, suppress_below: int = 0) -> SurvivalReport:
    """Compute the survival section from a cleaned cohort (``survival_days``, ``death``); the
    notebook's parameters are passed as they are (strings). ``data`` is not modified.
    ``suppress_below`` = k >= 2 shows the counts from 1 to k − 1 (numbers at risk, deaths,
    censored, group sizes) as "<k" and blanks them in the CSVs (:mod:`lmlib.suppress`).

    Raises
    ------
    InputError : a parameter cannot be used (unknown language or unit, a time that is not a
        number, a ``group_by`` column that is missing or not categorical); the message says which.
    """
    if lang not in ("en", "tr"):
        raise InputError(f"lang must be 'en' or 'tr', not {lang!r}")
    units = time_units(time_unit)
    groups = check_group_by(data, group_by)
    times = parse_times(landmarks)
    parse_times(risk_times)
    try:
        k = check_k(suppress_below)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    kw = dict(codebook=codebook, lang=lang)
    return SurvivalReport(
        data, codebook,
        summary_table(data, groups, decimals=decimals, units=units, tau_days=tau_days, **kw),
        landmark_table(data, times, groups, decimals=decimals, **kw),
        comparison_table(data, groups, **kw),
        cox_table(data, groups, **kw),
        risk_frame(data, groups, units=units, risk_times=risk_times, **kw),
        lang, int(decimals), units, groups, float(tau_days), risk_times, k,
    )


CSV_NAMES = {"summary": "survival_summary.csv", "landmarks": "survival_landmarks.csv",
             "comparisons": "survival_groups.csv", "cox": "survival_cox.csv", "risk": "survival_risk_table.csv"}


def write_tables(report: SurvivalReport, folder: str | Path) -> dict[str, Path]:
    """Write the five tidy CSVs (:data:`CSV_NAMES`) atomically into ``folder``; returns their paths.
    Under suppression the counts from 1 to k − 1 (:data:`COUNT_COLUMNS`) are blank."""
    folder = Path(folder)
    return {name: write_csv(blank_small(getattr(report, name).drop(columns="time_digits", errors="ignore"),
                                        COUNT_COLUMNS[name], report.suppress_below), folder / file)
            for name, file in CSV_NAMES.items()}


# ------------------------------------------------------------------------------ text

def _overall(report: SurvivalReport, unit: str = "days") -> pd.Series:
    s = report.summary
    return s[(s["item"] == OVERALL_ITEM) & (s["unit"] == unit)].iloc[0]


def headline(report: SurvivalReport) -> str:
    """"Median overall survival: 30 ± 9.5 days (95% CI 11.3–48.7; SPSS convention: …); n = 32,
    26 deaths, 6 censored." (+ the same in months when shown)."""
    lang, d = report.lang, report.decimals
    r = _overall(report)
    line = text("headline", lang, value=median_value(r, lang, d, convention=True), n=_n(report, r["n"]),
                events=_n(report, r["events"]), censored=_n(report, r["censored"]))
    if "months" in report.units and _overall(report, "months")["median_reached"]:
        m = _overall(report, "months")
        value = median_value(m, lang, d).replace(f" {text('months', lang)}", "", 1)
        line += " " + text("in_months", lang, value=value)
    return line


def mean_text(report: SurvivalReport) -> str:
    """SPSS's mean survival, with the restriction stated when the longest follow-up is censored."""
    lang, d = report.lang, report.decimals
    r = _overall(report)
    line = text("mean", lang, value=r["mean_display"])
    if r["mean_restricted"]:
        line += text("restricted", lang, t=fmt_number(r["last_time"], int(r["time_digits"])), unit=text("days", lang))
    if "months" in report.units:
        m = _overall(report, "months")
        line += " " + text("in_months", lang, value=m["mean_display"].replace(f" {text('months', lang)}", "", 1))
    return line


def rmst_text(report: SurvivalReport) -> str:
    """The RMST up to ``tau_days`` in a sentence a clinician can read."""
    r, lang = _overall(report), report.lang
    tau = fmt_number(report.tau_days, 0)
    if _nan(r["rmst"]):
        return text("rmst_ne", lang, tau=tau, t=fmt_number(r["last_time"], int(r["time_digits"])))
    return text("rmst", lang, tau=tau, value=r["rmst_display"], est=fmt_number(r["rmst"], report.decimals))


def followup_text(report: SurvivalReport) -> str:
    """Median follow-up by reverse Kaplan–Meier with its CI and IQR, and when censored patients were last seen."""
    r, lang = _overall(report), report.lang
    dg = int(r["time_digits"])
    nr = text("not_reached", lang)
    t = lambda x: nr if _nan(x) else fmt_number(x, dg)  # noqa: E731
    unit = text("days", lang)
    median = nr if _nan(r["followup_median"]) else f"{t(r['followup_median'])} {unit}"
    line = text("followup", lang, median=median, ci=f"{t(r['followup_lower'])}{DASH}{t(r['followup_upper'])}",
                q1=t(r["followup_q1"]), q3=t(r["followup_q3"]), dash=DASH)
    if _nan(r["followup_median"]) and r["events"] > 0:
        line += text("followup_nr", lang)
    if r["censored"] > 0:
        seen = r["censored_median_time"]
        line += text("censored_seen", lang, c=_n(report, r["censored"]),
                     t=fmt_number(seen, dg if float(seen).is_integer() else report.decimals))
    return line


def censoring_text(report: SurvivalReport) -> str:
    """How many patients are censored and how many of them were lost to follow-up."""
    r, lang = _overall(report), report.lang
    data = report.data
    lost = "—"
    if "lost_to_follow_up" in data.columns:
        frame = survival_frame(data, DURATION, EVENT)
        lost = f"{int(data.loc[frame.index[~frame['event']], 'lost_to_follow_up'].fillna(False).astype(bool).sum())}"
    pct = fmt_percent(100 * r["censored"] / r["n"], report.decimals, lang) if r["n"] else MISSING
    k = report.suppress_below
    if is_small(r["censored"], k) and r["n"]:  # the percentage would give the count away
        pct = "<" + fmt_percent(100 * k / r["n"], report.decimals, lang)
    if lost != "—":
        lost = _n(report, int(lost))
    return text("censoring", lang, c=_n(report, r["censored"]), n=_n(report, r["n"]), pct=pct, l=lost)


def comparison_text(report: SurvivalReport, item: str) -> str:
    """The log-rank line and the trend line (or why the trend test is not applicable) of a grouping."""
    c = report.comparisons
    return " ".join(c.loc[c["item"] == item, "display"])


def cox_flags(report: SurvivalReport, item: str) -> str:
    """Events per variable ("Exploratory: …" below 10) and any level whose PH test has p < 0.05."""
    c = report.cox[report.cox["item"] == item]
    lang = report.lang
    if not c["estimable"].iloc[0] and c["level"].iloc[0] == "":
        return c["display"].iloc[0]
    r = c.iloc[0]
    values = dict(epv=fmt_number(r["events_per_variable"], 1), events=_n(report, r["events"]), k=int(r["n_parameters"]),
                  th=EPV_THRESHOLD)
    line = text("exploratory" if r["exploratory"] else "epv", lang, **values)
    bad = c[(c["ph_p"] < 0.05)]
    if len(bad):
        line += " " + text("ph_flag", lang, levels=", ".join(bad["label"]))
    return line


# ------------------------------------------------------------------------------ display

def _styled(frame: pd.DataFrame, notes, caption: str):
    from html import escape

    title = f"<b>{escape(caption)}</b><br>" if caption else ""
    return (frame.style.hide(axis="index")
            .set_caption(title + "<br>".join(f"<small>{escape(n)}</small>" for n in notes))
            .set_properties(**{"text-align": "right", "white-space": "nowrap"})
            .set_properties(subset=[frame.columns[0]], **{"text-align": "left", "white-space": "normal"})
            .set_table_styles([{"selector": "caption", "props": "caption-side: bottom; text-align: left;"}]))


def summary_styler(report: SurvivalReport, item: str = OVERALL_ITEM):
    """The side-by-side median table (SPSS ± 1.96·SE, Brookmeyer–Crowley log-log and log), the
    SPSS mean and, for a grouping, expected deaths and RMST; each convention named in a header."""
    lang, d = report.lang, report.decimals
    grouped = item != OVERALL_ITEM
    s = report.summary[report.summary["item"] == item]
    if grouped:  # groups in days only (their months rows are in the CSV), to keep the table narrow
        s = s[s["unit"] == "days"]
    units = tuple(dict.fromkeys(s["unit"]))
    nr = text("not_reached", lang)

    def lim(lo, hi, digits, reachable=True):
        if reachable and _nan(lo) and _nan(hi):
            return nr
        f = lambda x: (nr if reachable else MISSING) if _nan(x) else fmt_number(x, digits)  # noqa: E731
        return f"{f(lo)}{DASH}{f(hi)}"

    rows = []
    for _, r in s.iterrows():
        dg = int(r["time_digits"])
        reached = bool(r["median_reached"])
        row = {text("group", lang): r["label"]}
        if len(units) > 1:
            row[text("unit", lang)] = text(r["unit"], lang)
        row[text("n", lang)] = _n(report, r["n"])
        if grouped:
            row[text("deaths_expected", lang)] = f"{_n(report, r['events'])} ({fmt_number(r['expected_events'], d)})"
        else:
            row[text("deaths", lang)] = _n(report, r["events"])
            row[text("censored", lang)] = _n(report, r["censored"])
        row[text("median_h", lang)] = fmt_number(r["median"], dg) if reached else nr
        row[text("se_h", lang)] = fmt_number(r["median_se_spss"], d)
        row[text("ci_spss_h", lang)] = lim(r["median_lower_spss"], r["median_upper_spss"], d, reachable=False) \
            if reached else nr
        row[text("ci_loglog_h", lang)] = lim(r["median_lower_loglog"], r["median_upper_loglog"], dg)
        if not grouped:  # R's default; in the CSV for the groups, left out here for width
            row[text("ci_log_h", lang)] = lim(r["median_lower_log"], r["median_upper_log"], dg)
        row[text("mean_h", lang)] = (f"{fmt_number(r['mean_spss'], d)} ± {fmt_number(r['mean_se_spss'], d)} "
                                     f"({lim(r['mean_lower_spss'], r['mean_upper_spss'], d, False)})"
                                     + ("*" if r["mean_restricted"] else ""))
        if grouped:
            row[text("rmst_h", lang, tau=fmt_number(report.tau_days, 0))] = (
                text("not_estimable", lang) if _nan(r["rmst"])
                else f"{fmt_number(r['rmst'], d)} ({lim(r['rmst_lower'], r['rmst_upper'], d, False)})")
        rows.append(row)
    notes = [text("note_median", lang), text("note_spss", lang), text("note_bc", lang), text("note_mean", lang)]
    if grouped:
        notes += [text("note_expected", lang), text("note_rmst", lang, tau=fmt_number(report.tau_days, 0))]
    notes.append(text("note_round", lang, units=", ".join(text(u, lang) for u in units), d=d))
    notes += _suppression_note(report)
    caption = text("summary_caption", lang) + ("" if not grouped else f": {s['item_label'].iloc[0]}")
    return _styled(pd.DataFrame(rows), notes, caption)


def landmark_styler(report: SurvivalReport, item: str = OVERALL_ITEM):
    """Survival at the landmark times (days, and months when shown), at risk and the 95% CI."""
    lang = report.lang
    lm = report.landmarks[report.landmarks["item"] == item]
    days = [fmt_number(t, 0) for t in lm["landmark_days"]]
    frame = pd.DataFrame({text("group", lang): lm["label"], text("time_h", lang, unit=text("days", lang)): days})
    if "months" in report.units:
        frame[text("time_h", lang, unit=text("months", lang))] = [fmt_number(t, report.decimals)
                                                                  for t in lm["landmark_months"]]
    frame[text("at_risk_h", lang)] = [_n(report, a) for a in lm["at_risk"]]
    frame[text("survival_h", lang)] = lm["display"].to_numpy()
    caption = text("landmark_caption", lang) + ("" if item == OVERALL_ITEM else f": {lm['item_label'].iloc[0]}")
    return _styled(frame.reset_index(drop=True), [text("note_landmark", lang), *_suppression_note(report)], caption)


def cox_styler(report: SurvivalReport, item: str, flags: bool = True):
    """Hazard ratios (95% CI), p and the PH test of one grouping's Cox model; ``flags`` puts
    :func:`cox_flags` (events per variable, PH) in the notes below it."""
    lang = report.lang
    c = report.cox[report.cox["item"] == item]
    frame = pd.DataFrame({text("level_h", lang): c["label"], text("hr_h", lang): c["display"],
                          "p": ["" if r["reference"] is True or _nan(r["p"]) else fmt_p(r["p"])
                                for _, r in c.iterrows()],
                          text("ph_h", lang): ["" if _nan(p) else fmt_p(p) for p in c["ph_p"]]})
    caption = text("cox_caption", lang, label=item_label(report.codebook, item, lang))
    notes = ([cox_flags(report, item)] if flags else []) + [text("note_cox", lang)]
    return _styled(frame.reset_index(drop=True), notes, caption)


def km_figure(report: SurvivalReport, item: str | None = None, unit: str = "days"):
    """The Kaplan–Meier figure (overall, or one curve per level of ``item``) with censor marks,
    95% band (up to :data:`MAX_BANDS` groups), median line and the KMunicate table, labelled in
    the report's language; ticks from :func:`figure_times`. Returns the :class:`KMPlot`."""
    import matplotlib.pyplot as plt

    from .survival_plots import ROW_LABELS, plot_km

    lang, data = report.lang, report.data
    times = figure_times(data, unit, report.risk_times)
    plot_data, n_groups = data, 1
    if item:
        frame = survival_frame(data, DURATION, EVENT, item)
        keys = [k for k, _ in split_groups(frame, overall=False)]
        n_groups = len(keys)
        labels = {k: level_label(report.codebook, item, k, lang) for k in keys}
        lab = data[item].map(lambda v: labels.get(v) if v in labels else None)
        lab = pd.Categorical(lab, categories=list(dict.fromkeys(labels.values())))
        plot_data = data.assign(**{item: lab})
    xlabel = text("xlabel_days" if unit == "days" else "xlabel_months", lang)
    # the curve keeps 3.5 inches however many rows the table has (plot_km: 0.22 in a row + 0.65;
    # matplotlib's default margins leave 77% of the height to the axes)
    _, ax = plt.subplots(figsize=(7.5, (3.5 + 0.22 * 3 * n_groups + 0.65) / 0.77))
    km = plot_km(plot_data, DURATION, EVENT, item or None, unit=unit, times=times, ci=n_groups <= MAX_BANDS,
                 ci_transform=CI_TRANSFORM, xlabel=xlabel, ylabel=text("ylabel", lang), ax=ax)
    if km.table_ax is not None:
        words = {ROW_LABELS["at_risk"]: text("at_risk", lang), ROW_LABELS["censored"]: text("censored_row", lang),
                 ROW_LABELS["events"]: text("events_row", lang)}
        ticks = km.table_ax.get_yticklabels()
        colours = [t.get_color() for t in ticks]
        new = []
        for t in ticks:
            head, _, tail = t.get_text().rpartition(": ") if ": " in t.get_text() else ("", "", t.get_text())
            new.append((f"{head}: " if head else "") + words.get(tail, tail))
        km.table_ax.set_yticks(km.table_ax.get_yticks(), new, fontsize=8)
        for t, colour in zip(km.table_ax.get_yticklabels(), colours):
            t.set_color(colour)
    r = _overall(report)
    title = (text("title", lang, n=_n(report, r["n"]), events=_n(report, r["events"])) if not item
             else text("title_by", lang, label=item_label(report.codebook, item, lang)))
    km.ax.set_title(title, loc="left", fontsize=11)
    if item and n_groups > MAX_BANDS:  # many curves: the legend goes beside the axes, not over them
        km.ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    if report.suppress_below >= 2:
        _suppress_figure_counts(km, report.suppress_below)
    return km


def _suppress_figure_counts(km, k: int) -> None:
    """Show the counts from 1 to k − 1 of a drawn KM figure as "<k": the numbers of its risk
    table and the group sizes "(n=3)" of its legend ("(n<5)")."""
    import re

    if km.table_ax is not None:
        for artist in km.table_ax.texts:
            value = artist.get_text()
            if re.fullmatch(r"\d+(\.\d+)?", value) and is_small(float(value), k):
                artist.set_text(f"<{k}")
    legend = km.ax.get_legend()
    if legend is not None:
        for artist in legend.get_texts():
            artist.set_text(re.sub(r"\(n=(\d+(?:\.\d+)?)\)",
                                   lambda m: f"(n<{k})" if is_small(float(m.group(1)), k) else m.group(0),
                                   artist.get_text()))


def _suppression_note(report: SurvivalReport) -> list[str]:
    k = report.suppress_below
    return [text("note_suppressed", report.lang, k=k)] if k >= 2 else []


def figure_caption(report: SurvivalReport, item: str | None = None) -> str:
    """The caption under a KM figure (what the band, marks, line and table are)."""
    caption = text("caption", report.lang)
    if report.suppress_below >= 2:
        caption += " " + text("note_suppressed", report.lang, k=report.suppress_below)
    if item:
        k = report.data[item].nunique(dropna=True)
        if k > MAX_BANDS:
            caption += text("caption_no_bands", report.lang, k=MAX_BANDS)
    return caption


def show_group(report: SurvivalReport, item: str, figures: str | Path | None = None) -> None:
    """Display the comparison by one grouping: heading, KM figure per level (saved as
    ``survival_km_<item>.png`` in ``figures`` when given), caption, log-rank and trend lines,
    median table, landmark table, the Cox model with its events-per-variable flag."""
    import matplotlib.pyplot as plt
    from IPython.display import Markdown, display

    display(Markdown(f"### {item_label(report.codebook, item, report.lang)}"))
    km = km_figure(report, item)
    if figures is not None:
        from .plots import save_figure

        save_figure(km.figure, Path(figures) / f"survival_km_{item}.png")
    display(km.figure)
    plt.close(km.figure)
    display(Markdown(figure_caption(report, item)))
    display(Markdown(f"**{comparison_text(report, item)}**"))
    display(summary_styler(report, item))
    display(landmark_styler(report, item))
    display(Markdown(f"**{cox_flags(report, item)}**"))
    display(cox_styler(report, item, flags=False))


def written_text(files: dict, lang: str = "en") -> str:
    """The CSV files written, by name only (never their folder)."""
    names = ", ".join(f"`{Path(p).name}`" for p in files.values())
    return text("written", lang, names=names)


__all__ = [
    "CSV_NAMES", "RMST_TAU_DAYS", "SurvivalReport", "build", "censoring_text", "comparison_table", "comparison_text",
    "cox_flags", "cox_styler", "cox_table", "figure_caption", "figure_times", "followup_text", "headline",
    "km_figure", "landmark_styler", "landmark_table", "mean_text", "median_value", "parse_names", "parse_times",
    "risk_frame", "rmst_text", "show_group", "summary_styler", "summary_table", "text", "time_units",
    "write_tables", "written_text",
]
