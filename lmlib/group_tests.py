"""Tests of a difference between groups, standardized mean differences and adjusted p-values.

Numbers only: every function takes counts or samples and returns a :class:`GroupTest` (or
floats); :mod:`lmlib.compare_groups` applies them to the items of Tables 1 and 2, and the
names shown to a reader come from the presentation layer.

Which test (stated in ``GroupTest.test`` and ``GroupTest.note``)
-----------------------------------------------------------------
* Categorical and yes/no items (a levels × groups table, empty rows and columns dropped):
  Pearson's χ² without continuity correction (R's ``chisq.test(correct = FALSE)``) when every
  expected count is at least 5; otherwise an exact test: Fisher's (2 × 2) or the
  Freeman–Halton extension (r × c), two-sided, as R's ``fisher.test`` (computed by
  :func:`lmlib.crosstab.exact_test`; a table too large to enumerate gets its seeded Monte
  Carlo estimate and says so). Cochran's rule, as gtsummary and tableone apply it.
* Continuous items, ``nonparametric`` (default): Mann–Whitney U for two groups, normal
  approximation with tie correction and continuity correction, as R's
  ``wilcox.test(exact = FALSE, correct = TRUE)`` (``statistic`` = R's W, the rank-sum of the
  first group minus n1(n1 + 1)/2); Kruskal–Wallis H (tie-corrected, χ² with k − 1 df) for
  three or more, as R's ``kruskal.test``.
* Continuous items, ``parametric``: Welch's t test for two groups (unequal variances,
  Welch–Satterthwaite df; R's ``t.test``); one-way ANOVA F for three or more (pooled
  variance; R's ``anova(lm(x ~ g))``).

Standardized mean differences follow R's tableone (Yang & Dalton 2012, SAS Global Forum
paper 335): continuous |m1 − m2| / sqrt((s1² + s2²) / 2) with sample SDs; categorical
sqrt((p1 − p2)ᵀ S⁻¹ (p1 − p2)) over the level proportions without the first level, S the mean
of the two multinomial covariance matrices, inverted by Moore–Penrose (R tableone's
``MASS::ginv``); always ≥ 0. With more than two groups tableone shows the mean of all
pairwise SMDs (:func:`mean_pairwise`).

Adjusted p-values: :func:`adjust_p` with ``"bh"`` (Benjamini & Hochberg 1995, the q-values
of R's ``p.adjust(method = "BH")``) or ``"holm"`` (Holm 1979); NaN p-values are left out
of the family and stay NaN, as in R.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
import math

import numpy as np

PEARSON = "pearson_chi2"
FISHER = "fisher_exact"
FREEMAN_HALTON = "freeman_halton"
FREEMAN_HALTON_MC = "freeman_halton_monte_carlo"
MANN_WHITNEY = "mann_whitney"
KRUSKAL_WALLIS = "kruskal_wallis"
WELCH_T = "welch_t"
ANOVA = "anova"
NOT_TESTABLE = "not_testable"
TEST_NAMES = (PEARSON, FISHER, FREEMAN_HALTON, FREEMAN_HALTON_MC, MANN_WHITNEY, KRUSKAL_WALLIS, WELCH_T, ANOVA,
              NOT_TESTABLE)
EXPECTED_MIN = 5.0  # an expected count below this sends a table to the exact test (Cochran 1954)
NONPARAMETRIC, PARAMETRIC = "nonparametric", "parametric"
ADJUSTMENTS = ("bh", "holm")


@dataclass(frozen=True)
class GroupTest:
    """One test of a difference between groups.

    ``test``: one of :data:`TEST_NAMES`. ``statistic``: χ², W, H, t or F (NaN for exact tests).
    ``df``: degrees of freedom (χ², H; Welch's df; ANOVA's numerator df), NaN when none;
    ``df2``: ANOVA's denominator df, else NaN. ``p``: two-sided p-value (NaN when not
    testable). ``note``: why this test was chosen or why none could be (e.g. "expected count
    1.8 < 5", "one group with values"). ``smallest_expected``: the smallest expected count of a
    categorical test (the number the choice of test rests on), NaN otherwise. ``reason``: a
    code of why the item is not testable (one of :data:`REASONS`), "" when it is tested; the
    presentation layer turns it into words.
    """

    test: str
    statistic: float
    df: float
    df2: float
    p: float
    note: str = ""
    smallest_expected: float = math.nan
    reason: str = ""


# Why an item is not testable (GroupTest.reason), with the note each code stands for.
REASONS = {
    "one_level": "fewer than two levels or groups with patients",
    "one_group": "fewer than two groups with values",
    "all_equal": "every value is the same",
    "welch_few": "Welch's t needs two values in each group",
    "no_variation": "no variation within the groups",
    "anova_few": "ANOVA needs more values than groups",
}


def not_testable(reason: str) -> GroupTest:
    """The result of an item that cannot be tested, with its ``reason`` code (:data:`REASONS`)."""
    return GroupTest(NOT_TESTABLE, math.nan, math.nan, math.nan, math.nan, REASONS[reason], reason=reason)


# ------------------------------------------------------------------------------ categorical

def expected_counts(table) -> np.ndarray:
    """Expected counts under independence, row sum × column sum / total."""
    t = np.asarray(table, dtype=float)
    return np.outer(t.sum(axis=1), t.sum(axis=0)) / t.sum()


def categorical_test(table, *, expected_min: float = EXPECTED_MIN) -> GroupTest:
    """Test of independence of a levels × groups table of counts (see the module docstring).

    Parameters
    ----------
    table : 2-D array of non-negative integer counts (rows: levels, columns: groups).
        Rows and columns without patients are dropped first.
    expected_min : the exact test is used when any expected count is below this (5).
    """
    from .crosstab import exact_test, nonempty_table

    t = nonempty_table(np.asarray(table, dtype=np.int64))
    if t.shape[0] < 2 or t.shape[1] < 2:
        return not_testable("one_level")
    expected = expected_counts(t)
    smallest = float(expected.min())
    if smallest < expected_min:
        exact = exact_test(t)
        note = f"expected count {smallest:.3g} < {expected_min:g}"
        return GroupTest(exact["test"], math.nan, math.nan, math.nan, float(exact["p_value"]), note, smallest)
    from scipy.stats import chi2

    statistic = float(((t - expected) ** 2 / expected).sum())
    df = (t.shape[0] - 1) * (t.shape[1] - 1)
    return GroupTest(PEARSON, statistic, float(df), math.nan, float(chi2.sf(statistic, df)),
                     f"every expected count >= {expected_min:g}", smallest)


# ------------------------------------------------------------------------------ continuous

def _samples(samples) -> list[np.ndarray]:
    out = []
    for s in samples:
        x = np.asarray(s, dtype=float)
        out.append(x[~np.isnan(x)])
    return out


def continuous_test(samples, kind: str = NONPARAMETRIC) -> GroupTest:
    """Test of equal location of a continuous variable across groups.

    Parameters
    ----------
    samples : one array of values per group (NaN dropped); groups without values are left
        out of the test (and said so in ``note``).
    kind : ``"nonparametric"`` (Mann–Whitney / Kruskal–Wallis) or ``"parametric"`` (Welch
        t / one-way ANOVA); see the module docstring.
    """
    if kind not in (NONPARAMETRIC, PARAMETRIC):
        raise ValueError(f"tests must be {NONPARAMETRIC!r} or {PARAMETRIC!r}, not {kind!r}")
    groups = [x for x in _samples(samples) if x.size]
    left_out = len(list(samples)) - len(groups)
    note = f"{left_out} group(s) without values left out" if left_out else ""
    if len(groups) < 2:
        return not_testable("one_group")
    pooled = np.concatenate(groups)
    if np.all(pooled == pooled[0]):
        return not_testable("all_equal")
    if kind == NONPARAMETRIC:
        return _mann_whitney(*groups, note) if len(groups) == 2 else _kruskal(groups, note)
    return _welch(*groups, note) if len(groups) == 2 else _anova(groups, note)


def _mann_whitney(x, y, note) -> GroupTest:
    from scipy.stats import mannwhitneyu

    res = mannwhitneyu(x, y, use_continuity=True, alternative="two-sided", method="asymptotic")
    return GroupTest(MANN_WHITNEY, float(res.statistic), math.nan, math.nan, float(res.pvalue), note)


def _kruskal(groups, note) -> GroupTest:
    from scipy.stats import kruskal

    res = kruskal(*groups)
    return GroupTest(KRUSKAL_WALLIS, float(res.statistic), float(len(groups) - 1), math.nan, float(res.pvalue), note)


def _welch(x, y, note) -> GroupTest:
    if x.size < 2 or y.size < 2:
        return not_testable("welch_few")
    if np.var(x) == 0 and np.var(y) == 0:
        return not_testable("no_variation")
    from scipy.stats import ttest_ind

    res = ttest_ind(x, y, equal_var=False)
    return GroupTest(WELCH_T, float(res.statistic), float(res.df), math.nan, float(res.pvalue), note)


def _anova(groups, note) -> GroupTest:
    n, k = sum(g.size for g in groups), len(groups)
    if n <= k:
        return not_testable("anova_few")
    if all(np.all(g == g[0]) for g in groups):
        return not_testable("no_variation")
    from scipy.stats import f_oneway

    res = f_oneway(*groups)
    return GroupTest(ANOVA, float(res.statistic), float(k - 1), float(n - k), float(res.pvalue), note)


# ------------------------------------------------------------------------------ effect sizes

def smd_continuous(x, y) -> float:
    """|mean(x) − mean(y)| / sqrt((var(x) + var(y)) / 2), sample variances (ddof = 1), as R's
    tableone; NaN when a group has fewer than two values or both variances are 0."""
    x, y = _samples([x, y])
    if x.size < 2 or y.size < 2:
        return math.nan
    pooled = (np.var(x, ddof=1) + np.var(y, ddof=1)) / 2
    return float(abs(x.mean() - y.mean()) / math.sqrt(pooled)) if pooled > 0 else math.nan


def smd_categorical(counts_a, counts_b) -> float:
    """SMD of a categorical variable from the level counts of two groups (same level order).

    Yang & Dalton (2012) as R's tableone computes it: proportions of each level among the
    group's patients with a value, the first level dropped, S = (S_a + S_b) / 2 with
    S = diag(p) − p pᵀ, SMD = sqrt(dᵀ S⁺ d) with S⁺ the Moore–Penrose inverse. A yes/no item
    (counts of no and yes) gives |p_a − p_b| / sqrt((p_a(1 − p_a) + p_b(1 − p_b)) / 2). NaN
    when a group has no patients.
    """
    a = np.asarray(counts_a, dtype=float)
    b = np.asarray(counts_b, dtype=float)
    if a.sum() <= 0 or b.sum() <= 0:
        return math.nan
    pa, pb = (a / a.sum())[1:], (b / b.sum())[1:]
    cov = lambda p: np.diag(p) - np.outer(p, p)  # noqa: E731
    s = (cov(pa) + cov(pb)) / 2
    d = pa - pb
    value = float(d @ np.linalg.pinv(s) @ d)
    return math.sqrt(max(value, 0.0))


def pairwise(values: list, smd) -> list[tuple[int, int, float]]:
    """``(i, j, smd(values[i], values[j]))`` for every pair of groups i < j."""
    return [(i, j, smd(values[i], values[j])) for i, j in combinations(range(len(values)), 2)]


def mean_pairwise(pairs: list[tuple[int, int, float]]) -> float:
    """Mean of the pairwise SMDs (R tableone's SMD with more than two groups); NaN if any is NaN."""
    values = [v for _, _, v in pairs]
    return float(np.mean(values)) if values else math.nan


# ------------------------------------------------------------------------------ multiplicity

def adjust_p(p, method: str = "bh") -> np.ndarray:
    """Adjusted p-values of a family of tests, as R's ``p.adjust``.

    Parameters
    ----------
    p : array-like of p-values; NaN ones are not part of the family and stay NaN.
    method : ``"bh"`` (Benjamini–Hochberg step-up; the result is the q-value) or ``"holm"``
        (Holm step-down).
    """
    if method not in ADJUSTMENTS:
        raise ValueError(f"adjust must be one of {ADJUSTMENTS}, not {method!r}")
    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, math.nan)
    keep = ~np.isnan(p)
    q = p[keep]
    m = q.size
    if m == 0:
        return out
    if method == "bh":
        order = np.argsort(q)[::-1]  # largest first
        ranks = np.arange(m, 0, -1)
        adjusted = np.minimum.accumulate(m / ranks * q[order])
    else:
        order = np.argsort(q)
        adjusted = np.maximum.accumulate((m - np.arange(m)) * q[order])
    result = np.empty(m)
    result[order] = np.minimum(adjusted, 1.0)
    out[keep] = result
    return out
