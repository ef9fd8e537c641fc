"""The fixed sentences, headings and notes of the survival section in English and Turkish
(:data:`TEXT`), and their lookup (:func:`text`)."""
from __future__ import annotations

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
