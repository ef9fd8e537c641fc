"""Sentences a report shows only for one kind of cohort: the bundled synthetic cohort (it is
made up, and reproduces the paper's numbers by construction), or a user's own series.

A sentence about the synthetic cohort never appears on a user's cohort. The words are in
:data:`TEXT` (en, tr); :func:`note` picks one by key and cohort.
"""
from __future__ import annotations

TEXT = {
    "synthetic": {
        "en": "These numbers come from the bundled made-up cohort of 32 patients that was generated to reproduce "
              "the paper's published counts; they are not patient data. Set `data` in the parameters cell (or "
              "`make report DATA=...`) to your own export to analyse a real series.",
        "tr": "Bu sayılar, makalede yayımlanan sayıları yeniden üretmek için oluşturulmuş, pakete eklenen 32 "
              "hastalık uydurma kohorttan gelir; hasta verisi değildir. Gerçek bir seriyi incelemek için parametre "
              "hücresindeki `data` değerini (ya da `make report DATA=...`) kendi dışa aktarımınız yapın.",
    },
    "survival_paper_ci": {
        "en": "The paper printed 11.2–48.7 because its limits were cut, not rounded, to one decimal: with the "
              "synthetic cohort's standard error of {se} days the limits are {low} and {high}, which round to "
              "{low1}–{high1}; the reproduction audit (section 04) discusses this difference.",
        "tr": "Makale 11.2–48.7 yazmıştır, çünkü sınırlar bir ondalığa yuvarlanmamış, kesilmiştir: sentetik "
              "kohortun {se} günlük standart hatasıyla sınırlar {low} ve {high} olur ve {low1}–{high1} olarak "
              "yuvarlanır; yeniden üretim denetimi (bölüm 04) bu farkı tartışır.",
    },
    "reproduction_synthetic": {
        "en": "The cohort is the bundled made-up one generated from the paper's published numbers: every count "
              "then matches by construction, and the interest of part 2 is in the rows where the paper "
              "contradicts itself.",
        "tr": "Kohort, makalede yayımlanan sayılardan üretilmiş uydurma kohorttur: her sayı yapısı gereği tutar; "
              "2. bölümün ilgi çekici yanı, makalenin kendisiyle çeliştiği satırlardır.",
    },
    "reproduction_own": {
        "en": "Your series is not the paper's, so its numbers are not expected to match: part 2 puts them side by "
              "side (your series, the published one, and the difference) for the discussion of a manuscript, "
              "with no verdict.",
        "tr": "Sizin seriniz makaledeki seri değildir, bu yüzden sayıların tutması beklenmez: 2. bölüm onları yan "
              "yana koyar (sizin seriniz, yayımlanan seri ve fark), makalenin tartışma bölümü için, hüküm "
              "vermeden.",
    },
}


def note(key: str, lang: str = "en", **values) -> str:
    """The sentence ``key`` of :data:`TEXT` in ``lang``, with ``values`` filled in."""
    return TEXT[key][lang].format(**values)


def synthetic_note(cohort, lang: str = "en") -> str:
    """The synthetic cohort's note, or "" for any other cohort."""
    return note("synthetic", lang) if cohort.is_synthetic else ""


def survival_paper_note(cohort, report, lang: str = "en") -> str:
    """Why the paper printed 11.2–48.7, with the synthetic cohort's own SE and limits (from
    the survival report's overall row, in days); "" for any other cohort."""
    from .formatting import fmt_number
    from .survival_report.params import OVERALL_ITEM

    if not cohort.is_synthetic:
        return ""
    s = report.summary
    r = s[(s["item"] == OVERALL_ITEM) & (s["unit"] == "days")].iloc[0]
    low, high = r["median_lower_spss"], r["median_upper_spss"]
    return note("survival_paper_ci", lang, se=fmt_number(r["median_se_spss"], 3), low=fmt_number(low, 3),
                high=fmt_number(high, 3), low1=fmt_number(low, 1), high1=fmt_number(high, 1))
