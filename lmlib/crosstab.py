"""Cross-tabulation of a finding by a grouping (e.g. primary site) with an exact test.

Numbers only. In a case series of a few dozen patients such tests are **exploratory**: they
describe, they do not confirm; no correction for multiple testing is made and small groups
(one ovarian primary, one unknown primary) carry almost no information. Every result
carries that label (``EXPLORATORY``) so that no presentation can drop it by accident.

Tests
-----
* 2 x 2 tables: Fisher's exact test, two-sided (``scipy.stats.fisher_exact``), p = the
  probability of all tables with the observed margins that are no more probable than the
  observed one.
* r x c tables: the Freeman–Halton extension of Fisher's exact test (Freeman GH, Halton JH.
  Note on an exact treatment of contingency, goodness of fit and other problems of
  significance. Biometrika 1951;38:141-149), same two-sided definition, computed exactly by
  the network algorithm of Mehta & Patel (1983): every table with the observed margins,
  column by column, where a partial table whose completions are all (or none) as extreme as
  the observed one is summed in closed form (or dropped) at once. A table too large to
  enumerate (more than ``MAX_ENUMERATION`` partial tables) falls back to a Monte Carlo
  estimate with a fixed seed (``MONTE_CARLO_SEED``), and says so in ``method``.

Rows or columns with a zero margin carry no information and are dropped before testing. A
table with fewer than two non-empty rows or columns gets p = NaN ("not testable").

Called, this module is the short API's ``lmlib.crosstab(cohort, by=...)`` (:func:`lmlib.api.crosstab`:
the cross-tabulations as the report's Table 3); see :mod:`lmlib.callable_module`.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import gammaln

EXPLORATORY = "exploratory"
FISHER = "fisher_exact"
FREEMAN_HALTON = "freeman_halton"
MONTE_CARLO = "freeman_halton_monte_carlo"
NOT_TESTABLE = "not_testable"
REL_TOLERANCE = 1e-7  # tables with P <= P_obs * (1 + 1e-7) count as "as extreme" (as R's fisher.test)
MAX_ENUMERATION = 50_000_000
MONTE_CARLO_SEED = 20180427
MONTE_CARLO_RESAMPLES = 100_000


def crosstab_counts(rows: pd.Series, cols: pd.Series, row_levels: list[str], col_levels: list[str]) -> pd.DataFrame:
    """Patients by (row level, column level); patients missing either value are left out.

    Returns an integer DataFrame indexed by ``row_levels`` with columns ``col_levels``
    (levels without patients kept as zeros).
    """
    r = rows.astype(object).where(rows.notna())
    c = cols.astype(object).where(cols.notna())
    keep = r.notna() & c.notna()
    table = pd.crosstab(r[keep].map(str), c[keep].map(str))
    return table.reindex(index=[str(x) for x in row_levels], columns=[str(x) for x in col_levels], fill_value=0).astype(int)


def exact_test(table) -> dict:
    """Fisher's exact test (2 x 2) or the Freeman–Halton test (r x c) of independence.

    Parameters
    ----------
    table : 2-D array of non-negative integer counts.

    Returns
    -------
    dict with ``test`` (fisher_exact, freeman_halton, freeman_halton_monte_carlo or
    not_testable), ``p_value`` (two-sided), ``rows`` and ``cols`` (the non-empty dimensions
    tested) and ``label`` = "exploratory".
    """
    t = nonempty_table(np.asarray(table, dtype=np.int64))
    out = {"rows": t.shape[0], "cols": t.shape[1], "label": EXPLORATORY}
    if t.shape[0] < 2 or t.shape[1] < 2:
        return {**out, "test": NOT_TESTABLE, "p_value": math.nan}
    if t.shape == (2, 2):
        return {**out, "test": FISHER, "p_value": float(stats.fisher_exact(t).pvalue)}
    p, method = freeman_halton(t, return_method=True)
    return {**out, "test": method, "p_value": p}


def freeman_halton(table, *, return_method: bool = False):
    """Two-sided exact p-value of an r x c table (Freeman & Halton 1951).

    p = sum of P(T) over all tables T with the observed row and column sums and
    P(T) <= P(observed) * (1 + 1e-7), where P is the multivariate hypergeometric probability
    ``prod(row sums!) prod(col sums!) / (n! prod(cells!))``.

    Parameters
    ----------
    table : 2-D array of non-negative integer counts.
    return_method : also return "freeman_halton" or, for a table too large to enumerate,
        "freeman_halton_monte_carlo" (seeded Monte Carlo estimate via
        ``scipy.stats.fisher_exact(method=MonteCarloMethod(...))``).
    """
    t = nonempty_table(np.asarray(table, dtype=np.int64))
    if t.shape[0] < 2 or t.shape[1] < 2:
        return (1.0, FREEMAN_HALTON) if return_method else 1.0
    if t.shape[0] > t.shape[1]:
        t = t.T  # states are remaining row sums: keep the shorter dimension as rows
    row_sums, col_sums = t.sum(axis=1), np.sort(t.sum(axis=0))
    if _work(row_sums, col_sums) > MAX_ENUMERATION:
        method = stats.MonteCarloMethod(n_resamples=MONTE_CARLO_RESAMPLES, rng=np.random.default_rng(MONTE_CARLO_SEED))
        p = float(stats.fisher_exact(t, method=method).pvalue)
        return (p, MONTE_CARLO) if return_method else p
    p = _enumerate(t, row_sums, col_sums)
    return (p, FREEMAN_HALTON) if return_method else p


def nonempty_table(t: np.ndarray) -> np.ndarray:
    """The table without its rows and columns of zeros (checked to be 2-D and non-negative)."""
    if t.ndim != 2 or (t < 0).any():
        raise ValueError("a contingency table is a 2-D array of non-negative counts")
    return t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]


def _compositions(total: int, parts: int) -> np.ndarray:
    """Every way to write ``total`` as an ordered sum of ``parts`` non-negative integers."""
    if parts == 1:
        return np.array([[total]], dtype=np.int64)
    blocks = [np.column_stack([np.full(len(rest), first), rest])
              for first in range(total + 1) for rest in [_compositions(total - first, parts - 1)]]
    return np.vstack(blocks)


def _work(row_sums: np.ndarray, col_sums: np.ndarray) -> float:
    """Upper bound of (state, column filling) pairs the enumeration visits, to choose Monte Carlo."""
    r, cap, done, work = len(row_sums), math.prod(int(m) + 1 for m in row_sums), 0, 0.0
    for c in col_sums[:-1]:
        states = min(cap, math.comb(done + r - 1, r - 1))
        work += states * math.comb(int(c) + r - 1, r - 1)
        done += int(c)
    return work


def _enumerate(t: np.ndarray, row_sums: np.ndarray, col_sums: np.ndarray) -> float:
    """Network algorithm (Mehta & Patel 1983): the tables are built column by column; a node is
    (next column, remaining row sums). For each node the smallest and largest S of its
    completions (S = sum of log(cell!), larger S = less probable table) are computed once; a
    partial table whose every completion is as extreme as the observed one adds the total
    probability of its completions in closed form, one with none is dropped, and only the
    others are carried to the next column (merged when their S is equal). The last two
    columns are summed in closed form (the second-to-last enumerated, the last what remains)."""
    n, r, last = int(t.sum()), len(row_sums), len(col_sums) - 1
    lf = gammaln(np.arange(n + 1) + 1.0)  # log k!
    const = lf[row_sums].sum() + lf[col_sums].sum() - lf[n]
    threshold = lf[t].sum() - math.log1p(REL_TOLERANCE)  # P(T) <= P_obs(1+tol)  <=>  S(T) >= threshold
    comps = [_compositions(int(c), r) for c in col_sums]
    comp_s = [lf[c].sum(axis=1) for c in comps]
    cols_after = np.concatenate((np.cumsum(lf[col_sums][::-1])[::-1], [0.0]))  # sum of log(c_j!) from j on
    memo: dict[tuple, tuple[float, float]] = {}

    def last_two(m: np.ndarray) -> np.ndarray:
        """S of every filling of the last two columns from remaining row sums m."""
        ok = comps[last - 1][(comps[last - 1] <= m).all(axis=1)]
        return lf[ok].sum(axis=1) + lf[m - ok].sum(axis=1)

    def bounds(j: int, m: tuple) -> tuple[float, float]:
        """(min, max) of S over the fillings of columns j.. with remaining row sums m."""
        key = (j, m)
        if key not in memo:
            if j == last - 1:
                s = last_two(np.array(m))
                memo[key] = (float(s.min()), float(s.max()))
            else:
                state = np.array(m)
                ok = (comps[j] <= state).all(axis=1)
                low, high = math.inf, -math.inf
                for comp, s in zip(comps[j][ok], comp_s[j][ok]):
                    a, b = bounds(j + 1, tuple(int(x) for x in state - comp))
                    low, high = min(low, s + a), max(high, s + b)
                memo[key] = (low, high)
        return memo[key]

    total = 0.0
    # states: remaining row sums -> (S so far of each distinct partial table, its multiplicity);
    # S = sum of log(cell!) of the columns filled so far
    states: dict[tuple, tuple[np.ndarray, np.ndarray]] = {tuple(int(m) for m in row_sums): (np.zeros(1), np.ones(1))}
    for j in range(last - 1):
        parts: dict[tuple, list] = {}
        for state, (v, w) in states.items():
            low, high = bounds(j, state)
            log_completions = lf[sum(state)] - lf[list(state)].sum() - cols_after[j]  # log sum of exp(-S_rest)
            every = v + low >= threshold  # every completion is as extreme: all of them count
            total += float(np.sum(w[every] * np.exp(const - v[every] + log_completions)))
            keep = ~every & (v + high >= threshold)  # the others: some completions count
            if not keep.any():
                continue
            v, w = v[keep], w[keep]
            m = np.array(state)
            ok = (comps[j] <= m).all(axis=1)
            for comp, s in zip(comps[j][ok], comp_s[j][ok]):
                parts.setdefault(tuple(int(x) for x in m - comp), []).append((v + s, w))
        states = {state: _merge(pieces) for state, pieces in parts.items()}
    for state, (v, w) in states.items():
        s = np.sort(last_two(np.array(state)))  # completion S, ascending
        base = s[0]
        tail = np.append(np.cumsum(np.exp(-(s - base))[::-1])[::-1], 0.0)  # tail[k] = sum_{j>=k} exp(-(s_j - base))
        k = np.searchsorted(s, threshold - v, side="left")
        total += float(np.sum(w * np.exp(const - v - base) * tail[k]))
    return float(min(1.0, total))


def _merge(pieces: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Partial tables reaching one node: equal S (to 1e-9) merged, multiplicities added."""
    v = np.concatenate([p[0] for p in pieces])
    w = np.concatenate([p[1] for p in pieces])
    keys, first, inverse = np.unique(np.round(v, 9), return_index=True, return_inverse=True)
    return v[first], np.bincount(inverse, weights=w, minlength=keys.size)


def findings_by(data: pd.DataFrame, codebook=None, by: str = "primary_site", *, items: list[str] | None = None,
                lang: str = "en", published: dict | None = None, not_in_file=()) -> pd.DataFrame:
    """Every imaging finding of the paper's Table 2 cross-tabulated by ``by``, with its test.

    Parameters
    ----------
    data : the cleaned cohort; not modified. Patients missing the finding or ``by`` are left
        out of that cross-table (and counted in ``missing``).
    codebook : default ``data/codebook.yaml``.
    by : a categorical codebook variable (default the primary site).
    items : findings (codebook or derived items); default the items of Table 2 in
        published.yaml that are categorical, yes/no or multi-response (each option as yes/no).
    lang : language of the labels.
    not_in_file : the items the cohort file has no column for
        (:attr:`lmlib.cohort.Cohort.not_in_file`): left out (never a column of zeros); see
        :func:`not_in_file_labels`.

    Returns
    -------
    Tidy DataFrame, one row per (finding, level, ``by`` level): section "crosstab", item,
    level, item_label, label, by, by_item_label, by_level, by_label, n, denominator (patients of that
    ``by`` level with the finding recorded), group_n (patients of that ``by`` level), missing
    (group_n − denominator: the finding not recorded), percent (column percent of the
    denominator, unrounded), test, p_value (the same on every row of a finding) and analysis =
    "exploratory".
    """
    codebook, items = _setup(codebook, items, published)
    not_in_file = frozenset(not_in_file or ())
    by_var = codebook[by]
    by_label = _item_label(codebook, by, lang)
    by_labels = {lv.name: lv.label.get(lang, lv.name) for lv in by_var.levels}
    group = data[by].astype(object)
    group_n = {site: int((group == site).sum()) for site in by_labels}
    rows = []
    for key, key_label, levels, categorical in findings_of(codebook, items, lang):
        if key in not_in_file:
            continue
        values = data[key] if categorical else _yes_no(data[key])
        counts = crosstab_counts(values, data[by], list(levels), list(by_labels))
        test = exact_test(counts.to_numpy())
        totals = counts.sum(axis=0)
        for level, level_label in levels.items():
            for site, site_label in by_labels.items():
                n, den = int(counts.at[level, site]), int(totals[site])
                rows.append({"section": "crosstab", "item": key, "level": level, "item_label": key_label,
                             "label": level_label, "by": by, "by_item_label": by_label, "by_level": site,
                             "by_label": site_label, "n": n, "denominator": den, "group_n": group_n[site],
                             "missing": group_n[site] - den, "percent": 100.0 * n / den if den else math.nan,
                             "test": test["test"], "p_value": test["p_value"], "analysis": EXPLORATORY})
    return pd.DataFrame(rows)


def not_in_file_labels(codebook=None, not_in_file=(), *, items: list[str] | None = None, lang: str = "en",
                       published: dict | None = None) -> list[str]:
    """The findings :func:`findings_by` leaves out because the file has no column for them
    ("Accompanying metastasis: Dura", "Subependymal nodules"), for the table's one note."""
    codebook, items = _setup(codebook, items, published)
    absent = frozenset(not_in_file or ())
    return [label for key, label, *_ in findings_of(codebook, items, lang) if key in absent]


def findings_of(codebook, items: list[str], lang: str = "en") -> list[tuple[str, str, dict, bool]]:
    """(column, label, {level: label}, categorical) of each finding of ``items``: a categorical
    item with its levels, a yes/no item and each option of a multi-response item as yes/no;
    others skipped."""
    from .tables import item_kind, text

    yes_no = {"yes": text("yes", lang), "no": text("no", lang)}
    out = []
    for item in items:
        kind = item_kind(codebook, item)
        label = _item_label(codebook, item, lang)
        if kind == "categorical":
            out.append((item, label, {lv.name: lv.label.get(lang, lv.name) for lv in codebook[item].levels}, True))
        elif kind == "boolean":
            out.append((item, label, yes_no, False))
        elif kind == "multi_response":
            var = codebook[item]
            out += [(var.option_column(o.name), f"{label}: {o.label.get(lang, o.name)}", yes_no, False)
                    for o in var.options]
    return out


def _setup(codebook, items, published):
    from .codebook import load_codebook
    from .tables import load_published

    codebook = codebook or load_codebook()
    if items is None:
        published = load_published() if published is None else published
        items = list(dict.fromkeys(e["item"] for e in published["counts"] if e.get("section") == "table2"))
    return codebook, items


def _item_label(codebook, item: str, lang: str) -> str:
    from .tables import item_label

    return item_label(codebook, item, lang)


def _yes_no(values: pd.Series) -> pd.Series:
    flags = values.astype("boolean")
    return flags.map({True: "yes", False: "no"}).astype(object).where(flags.notna())

from .callable_module import make_callable  # noqa: E402

make_callable(__name__)  # calling this module is lmlib.api.crosstab (see lmlib.callable_module)
