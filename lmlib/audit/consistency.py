"""Check a paper's published numbers against themselves, without any patient data.

Rules (each returns rows of :data:`FINDING_COLUMNS`):

* ``percent_rounding`` — is each printed percentage a correct rounding of n / N at the printed
  precision? If not: is it a truncation; which n (for this N) or which N (for this n) would
  give it.
* ``levels_sum`` — do the counts of mutually exclusive levels add up to their denominator,
  and their percentages to 100 within rounding?
* ``multi_response`` — an item whose level counts add up to more than its denominator must be
  marked multi-response (a patient in several rows).
* ``subgroup`` — each nested count fits in its parent (histology within primary site, each
  cranial-nerve group within any CN involvement), nested levels add up to their parent.
* ``grim`` — a mean of integer data is possible for that n (Brown & Heathers 2017), lies in
  the range, and the SD does not exceed the largest SD the range allows.
* ``ci`` — a printed "estimate ± SE (95% CI low–high)" is consistent with estimate ± 1.96·SE
  at the printed precision, under rounding or under truncation.
* ``flow`` — screened − excluded = included; events + censored = n.

Status: ``consistent``; ``consistent_truncated`` (only truncation, not rounding, explains
the print); ``inconsistent``; ``note`` (a stated convention worth knowing, e.g. a denominator
other than N).
"""
from __future__ import annotations

from decimal import Decimal
import math

import pandas as pd

from ..formatting import round_decimal, truncate_decimal

FINDING_COLUMNS = ["rule", "item", "level", "published", "status", "explanation", "likely_intended"]
Z = Decimal("1.96")


# half away from zero (as SPSS prints) and truncation, on the decimal text of the value
round_half_up = round_decimal
truncate = truncate_decimal


def printed_decimals(value) -> int:
    """Decimals as printed ("53.1" -> 1, "25" -> 0)."""
    text = str(value)
    return len(text.split(".")[1]) if "." in text else 0


def _finding(rule, item, level, published, status, explanation, likely=None) -> dict:
    return dict(rule=rule, item=item, level=level, published=published, status=status,
                explanation=explanation, likely_intended=likely)


def check_percentages(counts: list[dict]) -> list[dict]:
    """``percent_rounding`` for every count with a denominator and a percentage."""
    out = []
    for e in counts:
        if e.get("percent") is None or not e.get("denominator"):
            continue
        n, big_n, pct = int(e["n"]), int(e["denominator"]), Decimal(str(e["percent"]))
        d = printed_decimals(e["percent"])
        exact = Decimal(100 * n) / Decimal(big_n)
        shown = f"{n} ({e['percent']}%) of {big_n}"
        level = str(e.get("level", ""))
        # "25" for 25.0 and "%100": a percentage printed without decimals that is exact at one decimal
        if round_half_up(exact, d) == pct or round_half_up(exact, max(d, 1)) == pct:
            out.append(_finding("percent_rounding", e["item"], level, shown, "consistent",
                                f"{n}/{big_n} = {exact:.4f}% prints as {pct}%."))
            continue
        if truncate(exact, d) == pct:
            out.append(_finding("percent_rounding", e["item"], level, shown, "consistent_truncated",
                                f"{n}/{big_n} = {exact:.4f}% rounds to {round_half_up(exact, d)}%; "
                                f"{pct}% is its truncation."))
            continue
        other_n = [k for k in range(0, big_n + 1) if round_half_up(Decimal(100 * k) / big_n, d) == pct]
        other_big = [m for m in range(max(n, 1), 4 * big_n + 1) if round_half_up(Decimal(100 * n) / m, d) == pct]
        parts = [f"{n}/{big_n} = {exact:.4f}% would print as {round_half_up(exact, d)}%, not {pct}%."]
        if other_n:
            parts.append(f"{pct}% is {other_n[0]}/{big_n}: the count or the percentage is misprinted.")
        if other_big:
            parts.append(f"With n = {n} it needs N = {other_big[0]}.")
        if e.get("note"):
            parts.append(f"Source note: {e['note']}")
        likely = f"{round_half_up(exact, max(d, 1))}% (n = {n})"
        out.append(_finding("percent_rounding", e["item"], level, shown, "inconsistent", " ".join(parts), likely))
    return out


def _groups(counts: list[dict]) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = {}
    for e in counts:
        if e.get("denominator") and e.get("item") != "n_patients":
            groups.setdefault(e["item"], []).append(e)
    return groups


def check_level_sums(counts: list[dict]) -> list[dict]:
    """``levels_sum`` and ``multi_response`` for every item with several levels."""
    out = []
    for item, entries in _groups(counts).items():
        top = [e for e in entries if ":" not in str(e.get("level", ""))]
        if len(top) < 2:
            continue
        big_n = int(top[0]["denominator"])
        total = sum(int(e["n"]) for e in top)
        multi = any(e.get("multi_response") for e in top)
        shown = " + ".join(str(e["n"]) for e in top) + f" = {total} (N = {big_n})"
        if multi:
            status = "consistent" if all(int(e["n"]) <= big_n for e in top) else "inconsistent"
            out.append(_finding("multi_response", item, "", shown, status,
                                "Marked multi-response: a patient can count in several rows, so the "
                                "counts need not add up to N and percentages need not add up to 100."))
            continue
        if total > big_n:
            out.append(_finding("multi_response", item, "", shown, "inconsistent",
                                f"The levels add up to {total} > N = {big_n}, so a patient is counted "
                                "twice, but the item is not marked multi-response."))
            continue
        status = "consistent" if total == big_n else "inconsistent"
        explanation = (f"Mutually exclusive levels add up to N = {big_n}." if total == big_n else
                       f"Mutually exclusive levels add up to {total}, not N = {big_n} "
                       f"({big_n - total} patient(s) unaccounted for: missing values not shown?).")
        pcts = [Decimal(str(e["percent"])) for e in top if e.get("percent") is not None]
        if pcts:
            tolerance = Decimal("0.05") * len(pcts)
            pct_sum = sum(pcts)
            explanation += f" Percentages add up to {pct_sum}"
            if abs(pct_sum - 100) > tolerance and total == big_n:
                status = "inconsistent"
                explanation += f", further from 100 than rounding allows (±{tolerance})."
            else:
                explanation += " (within rounding of 100)."
        out.append(_finding("levels_sum", item, "", shown, status, explanation))
    return out


def check_subgroups(counts: list[dict], parents: dict[str, str] | None = None) -> list[dict]:
    """``subgroup``: nested levels ("parent:level") fit in and add up to their parent count;
    items listed in ``parents`` (child item -> parent item with level "yes") fit in the parent."""
    out = []
    by_key = {(e["item"], str(e.get("level", ""))): e for e in counts}
    nested: dict[tuple, list[dict]] = {}
    for e in counts:
        level = str(e.get("level", ""))
        if ":" in level:
            parent_level = level.split(":")[0]
            parent = next((k for k in by_key if k[1] == parent_level and ":" not in k[1]), None)
            if parent:
                nested.setdefault(parent, []).append(e)
    for parent, children in nested.items():
        parent_n = int(by_key[parent]["n"])
        total = sum(int(c["n"]) for c in children)
        too_big = [c for c in children if int(c["n"]) > parent_n]
        status = "consistent" if total == parent_n and not too_big else "inconsistent"
        out.append(_finding("subgroup", children[0]["item"], parent[1],
                            f"{' + '.join(str(c['n']) for c in children)} = {total} within {parent[1]} = {parent_n}",
                            status, f"Nested levels add up to their parent ({parent[1]} = {parent_n})." if status ==
                            "consistent" else f"Nested levels add up to {total}, not {parent_n}."))
    for child, parent_item in (parents or {}).items():
        parent = by_key.get((parent_item, "yes"))
        if parent is None:
            continue
        for e in (x for x in counts if x["item"] == child):
            ok = int(e["n"]) <= int(parent["n"])
            out.append(_finding("subgroup", child, str(e["level"]), f"{e['n']} of {parent_item} = {parent['n']}",
                                "consistent" if ok else "inconsistent",
                                f"Fits within {parent_item} ({parent['n']})." if ok else
                                f"{e['n']} exceeds {parent_item} = {parent['n']}: impossible."))
    return out


def grim(mean: float, n: int, decimals: int) -> bool:
    """True when some integer total gives ``mean`` at ``decimals`` for ``n`` integer values
    (GRIM test, Brown & Heathers 2017)."""
    target = Decimal(str(mean))
    centre = int(Decimal(str(mean)) * n)
    return any(round_half_up(Decimal(s) / n, decimals) == target for s in range(centre - n, centre + n + 1))


def check_continuous(entries: list[dict], n: int) -> list[dict]:
    """``grim`` and range checks for continuous summaries of integer data."""
    out = []
    for e in entries:
        d = e.get("decimals", {}).get("mean", printed_decimals(e["mean"]))
        shown = e.get("display", f"{e['mean']} ± {e['sd']} ({e['min']}-{e['max']})")
        possible = grim(e["mean"], n, d)
        sums = [s for s in range(int(e["mean"] * n) - n, int(e["mean"] * n) + n + 1)
                if round_half_up(Decimal(s) / n, d) == Decimal(str(e["mean"]))]
        text = (f"A mean of {e['mean']} from {n} whole numbers is possible (totals {sums[0]}–{sums[-1]})."
                if possible else f"No total of {n} whole numbers gives a mean that prints as {e['mean']}.")
        status = "consistent" if possible else "inconsistent"
        if not e["min"] <= e["mean"] <= e["max"]:
            status, text = "inconsistent", text + f" The mean lies outside the range {e['min']}–{e['max']}."
        sd_max = (e["max"] - e["min"]) / 2 * math.sqrt(n / (n - 1))
        if e["sd"] > sd_max:
            status, text = "inconsistent", text + f" An SD of {e['sd']} exceeds the largest possible ({sd_max:.2f}) for that range."
        else:
            text += f" SD {e['sd']} is below the largest the range allows ({sd_max:.2f})."
        out.append(_finding("grim", e["item"], "", shown, status, text))
    return out


def _interval(printed: Decimal, decimals: int, mode: str) -> tuple[Decimal, Decimal]:
    """The half-open interval of true values that print as ``printed``."""
    step = Decimal(1).scaleb(-decimals)
    return (printed - step / 2, printed + step / 2) if mode == "round" else (printed, printed + step)


def check_ci(entries: list[dict]) -> list[dict]:
    """``ci``: does estimate ± 1.96·SE print as the published bounds? Solves for the SE values
    consistent with each printed number, under rounding and under truncation."""
    out = []
    for e in entries:
        est = Decimal(str(e["median"]))
        dec = e.get("decimals", {})
        se_lo, se_hi = _interval(Decimal(str(e["se"])), dec.get("se", printed_decimals(e["se"])), "round")
        shown = e.get("display", f"{e['median']} ± {e['se']} ({e['ci_low']}-{e['ci_high']})")
        verdicts = {}
        for mode in ("round", "truncate"):
            d = dec.get("ci", printed_decimals(e["ci_low"]))
            lo_a, lo_b = _interval(Decimal(str(e["ci_low"])), d, mode)
            hi_a, hi_b = _interval(Decimal(str(e["ci_high"])), d, mode)
            # lower bound: est - Z se in [lo_a, lo_b)  =>  se in ((est - lo_b)/Z, (est - lo_a)/Z]
            low = max((est - lo_b) / Z, (hi_a - est) / Z)
            high = min((est - lo_a) / Z, (hi_b - est) / Z)
            verdicts[mode] = (low, high)
        r_lo, r_hi = verdicts["round"]
        t_lo, t_hi = verdicts["truncate"]
        fits = lambda a, b: a < b  # noqa: E731 - a non-empty open interval of SE values
        if fits(max(r_lo, se_lo), min(r_hi, se_hi)):
            out.append(_finding("ci", e["item"], "", shown, "consistent",
                                f"{e['median']} ± 1.96 × SE prints as {e['ci_low']}–{e['ci_high']} for SE in "
                                f"{max(r_lo, se_lo):.4f}–{min(r_hi, se_hi):.4f}, which prints as {e['se']}."))
            continue
        text = (f"No SE that prints as {e['se']} gives {e['ci_low']}–{e['ci_high']} when the bounds are rounded"
                + (f" (the bounds alone would need SE in {r_lo:.4f}–{r_hi:.4f})" if fits(r_lo, r_hi) else
                   " (no single SE gives both bounds: the interval is not symmetric about the estimate at this precision)")
                + ".")
        if fits(max(t_lo, se_lo), min(t_hi, se_hi)):
            a, b = max(t_lo, se_lo), min(t_hi, se_hi)
            lo_r = round_half_up(est - Z * a, 1)
            out.append(_finding("ci", e["item"], "", shown, "consistent_truncated",
                                text + f" Truncated instead of rounded, they fit for SE in {a:.4f}–{b:.4f}: "
                                "the printed bounds were most likely cut, not rounded, to one decimal.",
                                f"rounded: {lo_r}–{round_half_up(est + Z * a, 1)} for SE ≈ {a:.3f}"))
        else:
            out.append(_finding("ci", e["item"], "", shown, "inconsistent",
                                text + " Truncation does not explain it either."))
    return out


def check_flow(published: dict) -> list[dict]:
    """``flow``: screened − excluded = included; events + censored = n."""
    out = []
    flow = {f["item"]: int(f["n"]) for f in published.get("flow", [])}
    if {"screened", "excluded", "included"} <= flow.keys():
        ok = flow["screened"] - flow["excluded"] == flow["included"]
        out.append(_finding("flow", "screening", "", f"{flow['screened']} − {flow['excluded']} = {flow['included']}",
                            "consistent" if ok else "inconsistent",
                            "Screened minus excluded equals included." if ok else
                            f"Screened minus excluded is {flow['screened'] - flow['excluded']}, not {flow['included']}."))
    for s in published.get("survival", []):
        if "events" in s and "censored" in s:
            ok = int(s["events"]) + int(s["censored"]) == int(published["n"])
            out.append(_finding("flow", s["item"], "", f"{s['events']} events + {s['censored']} censored",
                                "consistent" if ok else "inconsistent",
                                f"Events and censored add up to n = {published['n']}." if ok else
                                f"Events and censored add up to {int(s['events']) + int(s['censored'])}, not {published['n']}."))
    return out


def check_denominators(counts: list[dict], n: int) -> list[dict]:
    """``note`` for every percentage whose denominator is not the cohort's n."""
    return [_finding("denominator", e["item"], str(e.get("level", "")), f"{e['n']} ({e['percent']}%) of {e['denominator']}",
                     "note", f"The percentage is of {e['denominator']}, not of all {n} patients. "
                     + (e.get("note") or ""))
            for e in counts if e.get("denominator") and int(e["denominator"]) != n]


def check_published(published: dict, parents: dict[str, str] | None = None) -> pd.DataFrame:
    """Every self-consistency finding for a published-numbers file (``data/published.yaml``).
    ``parents`` (child item -> parent item) defaults to the file's ``subgroups``."""
    counts = published.get("counts", [])
    parents = published.get("subgroups", {}) if parents is None else parents
    rows = (check_percentages(counts) + check_level_sums(counts) + check_subgroups(counts, parents)
            + check_continuous(published.get("continuous", []), int(published["n"]))
            + check_ci(published.get("survival", [])) + check_flow(published)
            + check_denominators(counts, int(published["n"])))
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)
