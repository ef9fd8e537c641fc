"""Sentences a report shows only for one kind of cohort: the bundled synthetic cohort (it is
made up, and reproduces the paper's numbers by construction), or a user's own series.

A sentence about the synthetic cohort never appears on a user's cohort: each function returns
"" when its sentence does not apply. The words are the text catalog's ``cohort.*`` entries.
"""
from __future__ import annotations

from .numbers import Style


def synthetic_note(cohort, style: Style) -> str:
    """What the synthetic cohort is (and how to analyse a real series); "" for any other cohort."""
    return style.text("cohort.synthetic") if cohort.is_synthetic else ""


def survival_paper_note(cohort, report, published: dict | None = None) -> str:
    """Why the paper printed its interval (11.2–48.7), with the synthetic cohort's own SE and
    limits (from the survival section's overall row, in days); "" for any other cohort.
    ``published``: the paper's numbers (default ``data/published.yaml``)."""
    from ..published import load_published
    from ..survival_report.params import OVERALL_ITEM

    if not cohort.is_synthetic:
        return ""
    style = report.style
    paper = next(r for r in (published or load_published())["survival"] if r["item"] == "median_survival")
    s = report.numbers.summary
    r = s[(s["item"] == OVERALL_ITEM) & (s["unit"] == "days")].iloc[0]
    low, high = r["median_lower_spss"], r["median_upper_spss"]
    return style.text("cohort.survival_paper_ci", paper=style.range(paper["ci_low"], paper["ci_high"], 1),
                      se=style.number(r["median_se_spss"], 3), low=style.number(low, 3), high=style.number(high, 3),
                      rounded=style.range(low, high, 1))


def reproduction_note(cohort, style: Style) -> str:
    """What part 2 of the reproduction section shows for this cohort: verdicts (the synthetic
    cohort, made from the paper) or a side-by-side without a verdict (a user's series)."""
    return style.text("cohort.reproduction_synthetic" if cohort.is_synthetic else "cohort.reproduction_own")
