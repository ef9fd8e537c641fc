"""The survival section's comparisons between groups beyond the log-rank test, as numbers:
pairwise log-rank tests (three or more groups), RMST contrasts against the reference group at
the report's horizon, and the landmark analysis of a grouping known only after baseline.

Rows are keyed like the section's other frames (``section``, ``item``, ``level``: the level
key of :func:`~lmlib.survival_report.labels.level_key`); why a number could not be computed is
a code (``reason``), turned into words by the presentation layer.
"""
from __future__ import annotations

import pandas as pd

from ..survival import landmark_analysis, pairwise_logrank, rmst_compare
from ..survival.data import split_groups
from ..survival.rmst_compare import CONTRASTS, default_tau
from .labels import level_key
from .params import DURATION, EVENT, FIRST, SECTION

PAIRWISE_COLUMNS = FIRST + ["level_b", "n", "chi2", "df", "p", "p_adjusted", "adjust"]
RMST_COLUMNS = FIRST + ["reference", "tau", "rmst", "rmst_se", "rmst_lower", "rmst_upper", "reference_rmst",
                        "contrast", "estimate", "lower", "upper", "p", "estimable", "reason", "tau_max"]
LANDMARK_COLUMNS = FIRST + ["landmark", "n_total", "n_at_risk", "died_before", "censored_before", "n", "events",
                            "median", "median_reached", "median_lower_loglog", "median_upper_loglog", "chi2", "df",
                            "p", "start_known"]


def counted(frame: pd.DataFrame) -> pd.DataFrame:
    """A grouping's survival frame as counts: one row per (group, duration, event) with the
    patients' total weight. The same Kaplan–Meier curves, log-rank tests and RMST as the rows
    (every one of them is a sum over the distinct times), in a few thousand rows at registry size."""
    return frame.groupby(["group", "duration", "event"], observed=True, sort=False)["weight"].sum().reset_index()


def pairwise_rows(frames: dict, group_by, adjust: str = "holm") -> pd.DataFrame:
    """Log-rank test of every pair of groups of each grouping with three or more groups (each
    pair on its own patients, 1 df), p adjusted over the pairs (``holm`` or ``bh``), as R's
    ``survminer::pairwise_survdiff``. ``level`` and ``level_b`` are the pair."""
    rows = []
    for item in group_by:
        pairs = pairwise_logrank(counted(frames[item]), "duration", "event", "group", adjust=adjust, weights_col="weight")
        for r in pairs.itertuples(index=False):
            rows.append({"section": SECTION, "item": item, "level": level_key(r.group_a),
                         "level_b": level_key(r.group_b), "n": float(r.n), "chi2": float(r.chi2), "df": float(r.df),
                         "p": float(r.p), "p_adjusted": float(r.p_adjusted), "adjust": r.adjust})
    return pd.DataFrame(rows, columns=PAIRWISE_COLUMNS)


def rmst_rows(frames: dict, group_by, tau_days: float) -> pd.DataFrame:
    """RMST of each group against the grouping's reference group (its first level, as in the Cox
    models) up to ``tau_days``: the difference and the ratio with 95% CI and p (survRM2's
    ``rmst2``). When τ is beyond what a group's curve tells, the row has ``estimable`` False,
    ``reason`` "beyond_followup" and ``tau_max`` (survRM2's default τ, the largest that works)."""
    rows = []
    for item in group_by:
        frame = counted(frames[item])
        levels = [k for k, _ in split_groups(frame, overall=False)]
        if len(levels) < 2:
            continue
        reference = levels[0]
        tau_max = default_tau(frame, "duration", "event", "group", weights_col="weight")
        for level in levels[1:]:
            cmp = rmst_compare(frame, "duration", "event", "group", tau_days, reference=reference, group=level,
                               weights_col="weight")
            group, ref = cmp.groups.iloc[0], cmp.groups.iloc[1]
            for contrast in CONTRASTS[:2]:
                c = cmp.contrasts.loc[contrast]
                rows.append({"section": SECTION, "item": item, "level": level_key(level),
                             "reference": level_key(reference), "tau": float(tau_days), "rmst": float(group["rmst"]),
                             "rmst_se": float(group["se"]), "rmst_lower": float(group["lower"]),
                             "rmst_upper": float(group["upper"]), "reference_rmst": float(ref["rmst"]),
                             "contrast": contrast, "estimate": float(c["estimate"]), "lower": float(c["lower"]),
                             "upper": float(c["upper"]), "p": float(c["p"]), "estimable": bool(cmp.estimable),
                             "reason": "" if cmp.estimable else "beyond_followup", "tau_max": float(tau_max)})
    return pd.DataFrame(rows, columns=RMST_COLUMNS)


def landmark_analysis_rows(data: pd.DataFrame, items, landmark_days: float | None) -> pd.DataFrame:
    """The landmark analysis (Anderson et al. 1983) of each grouping in ``items`` at
    ``landmark_days``: the patients still at risk then (alive and followed), grouped by the
    level recorded (taken as received by the landmark: ``start_known`` False, the cohort has
    no start date), survival counted from the landmark; per group n, deaths, the median
    (Brookmeyer–Crowley log-log CI) and the log-rank test across the groups (on every row)."""
    rows = []
    if landmark_days is None:
        return pd.DataFrame(columns=LANDMARK_COLUMNS)
    for item in items:
        cells = data[[DURATION, EVENT, item]]
        counts = cells.groupby([DURATION, EVENT, item], observed=True, dropna=False, sort=False).size()
        counts = counts.rename("patients").reset_index()  # the same analysis, on counts
        result = landmark_analysis(counts, DURATION, EVENT, item, float(landmark_days), weights_col="patients")
        base = {"section": SECTION, "item": item, "landmark": float(landmark_days), "n_total": result.n,
                "n_at_risk": result.n_at_risk, "died_before": result.n_died_before,
                "censored_before": result.n_censored_before, "chi2": float(result.logrank.chi2),
                "df": float(result.logrank.df), "p": float(result.logrank.p), "start_known": False}
        summary = result.summary
        for key, r in summary.iterrows():
            overall = key == "Overall"
            rows.append({**base, "level": "overall" if overall else level_key(key), "n": float(r["n"]),
                         "events": float(r["events"]), "median": float(r["median"]),
                         "median_reached": bool(r["median_reached"]),
                         "median_lower_loglog": float(r["median_lower_loglog"]),
                         "median_upper_loglog": float(r["median_upper_loglog"])})
    out = pd.DataFrame(rows, columns=LANDMARK_COLUMNS)
    if len(out):  # the groups in the codebook's order (the landmark groups are plain text)
        order = {}
        for item in items:
            values = data[item]
            names = [str(c) for c in values.cat.categories] if isinstance(values.dtype, pd.CategoricalDtype) else []
            order.update({(item, level_key(n) if not isinstance(n, str) else n): i for i, n in enumerate(names)})
        rank = [order.get((i, lv), len(order) + 1 if lv == "overall" else len(order))
                for i, lv in zip(out["item"], out["level"])]
        position = out["item"].map({it: k for k, it in enumerate(items)})
        out = out.assign(_item=position, _rank=rank).sort_values(["_item", "_rank"], kind="stable")
        out = out.drop(columns=["_item", "_rank"]).reset_index(drop=True)
    for col in ("chi2", "df", "p"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
    return out


def post_baseline_items(codebook, names) -> list[str]:
    """The names among ``names`` the codebook flags ``post_baseline: true`` (e.g. treatment)."""
    out = []
    for name in dict.fromkeys(names):
        try:
            if codebook is not None and codebook[name].post_baseline:
                out.append(name)
        except KeyError:
            continue
    return out


__all__ = ["LANDMARK_COLUMNS", "PAIRWISE_COLUMNS", "RMST_COLUMNS", "landmark_analysis_rows", "pairwise_rows",
           "post_baseline_items", "rmst_rows"]
