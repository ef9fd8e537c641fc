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

from ..present.numbers import round_decimal, truncate_decimal

FINDING_COLUMNS = ["rule", "item", "level", "published", "status", "explanation", "likely_intended"]
Z = Decimal("1.96")


# half away from zero (as SPSS prints) and truncation, on the decimal text of the value
round_half_up = round_decimal
truncate = truncate_decimal


def say(key: str, **values) -> tuple[str, dict]:
    """One sentence (or fragment) of an explanation: a text-catalog key and its values, which
    are numbers as Decimal (printed with their own decimals), ints, strings, or ``{en, tr}``
    mappings (a source note); :func:`lmlib.present.audit.words` puts them in a language."""
    return key, values


def printed(value) -> Decimal:
    """A number as the paper printed it ("53.1" -> Decimal("53.1"), keeping its decimals)."""
    return Decimal(str(value))


def printed_decimals(value) -> int:
    """Decimals as printed ("53.1" -> 1, "25" -> 0)."""
    text = str(value)
    return len(text.split(".")[1]) if "." in text else 0


def _finding(rule, item, level, shown, status, reasons, likely=None) -> dict:
    """A finding: the English text columns (:data:`FINDING_COLUMNS`) and, for other languages,
    the catalog keys and values they are made of (``shown``, ``reasons``, ``likely``)."""
    from ..present.audit import words

    return dict(rule=rule, item=item, level=level, published=words([shown]), status=status,
                explanation=words(reasons), likely_intended=words([likely]) if likely else None,
                shown=shown, reasons=list(reasons), likely=likely)


def _four(x) -> Decimal:
    return round_half_up(x, 4)


def check_percentages(counts: list[dict]) -> list[dict]:
    """``percent_rounding`` for every count with a denominator and a percentage."""
    out = []
    for e in counts:
        if e.get("percent") is None or not e.get("denominator"):
            continue
        n, big_n, pct = int(e["n"]), int(e["denominator"]), printed(e["percent"])
        d = printed_decimals(e["percent"])
        exact = Decimal(100 * n) / Decimal(big_n)
        shown = say("audit.shown.percent", n=n, pct=pct, big_n=big_n)
        level = str(e.get("level", ""))
        # "25" for 25.0 and "%100": a percentage printed without decimals that is exact at one decimal
        if round_half_up(exact, d) == pct or round_half_up(exact, max(d, 1)) == pct:
            out.append(_finding("percent_rounding", e["item"], level, shown, "consistent",
                                [say("audit.pct.prints", n=n, big_n=big_n, exact=_four(exact), pct=pct)]))
            continue
        if truncate(exact, d) == pct:
            out.append(_finding("percent_rounding", e["item"], level, shown, "consistent_truncated",
                                [say("audit.pct.truncated", n=n, big_n=big_n, exact=_four(exact),
                                     rounded=round_half_up(exact, d), pct=pct)]))
            continue
        other_n = [k for k in range(0, big_n + 1) if round_half_up(Decimal(100 * k) / big_n, d) == pct]
        other_big = [m for m in range(max(n, 1), 4 * big_n + 1) if round_half_up(Decimal(100 * n) / m, d) == pct]
        parts = [say("audit.pct.wrong", n=n, big_n=big_n, exact=_four(exact), rounded=round_half_up(exact, d), pct=pct)]
        if other_n:
            parts.append(say("audit.pct.other_n", pct=pct, other=other_n[0], big_n=big_n))
        if other_big:
            parts.append(say("audit.pct.other_big", n=n, other=other_big[0]))
        if e.get("note"):
            parts.append(say("audit.source_note", note=e["note"]))
        likely = say("audit.likely.percent", pct=round_half_up(exact, max(d, 1)), n=n)
        out.append(_finding("percent_rounding", e["item"], level, shown, "inconsistent", parts, likely))
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
        shown = say("audit.shown.sum", terms=" + ".join(str(e["n"]) for e in top), total=total, big_n=big_n)
        if multi:
            status = "consistent" if all(int(e["n"]) <= big_n for e in top) else "inconsistent"
            out.append(_finding("multi_response", item, "", shown, status, [say("audit.multi.marked")]))
            continue
        if total > big_n:
            out.append(_finding("multi_response", item, "", shown, "inconsistent",
                                [say("audit.multi.unmarked", total=total, big_n=big_n)]))
            continue
        status = "consistent" if total == big_n else "inconsistent"
        reasons = [say("audit.sum.ok", big_n=big_n) if total == big_n else
                   say("audit.sum.short", total=total, big_n=big_n, missing=big_n - total)]
        pcts = [printed(e["percent"]) for e in top if e.get("percent") is not None]
        if pcts:
            tolerance = Decimal("0.05") * len(pcts)
            pct_sum = sum(pcts)
            reasons.append(say("audit.sum.percent", sum=pct_sum))
            if abs(pct_sum - 100) > tolerance and total == big_n:
                status = "inconsistent"
                reasons.append(say("audit.sum.percent_far", tolerance=tolerance))
            else:
                reasons.append(say("audit.sum.percent_ok"))
        out.append(_finding("levels_sum", item, "", shown, status, reasons))
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
        shown = say("audit.shown.within", terms=" + ".join(str(c["n"]) for c in children), total=total,
                    parent=parent[1], n=parent_n)
        reason = say("audit.nested.ok", parent=parent[1], n=parent_n) if status == "consistent" else \
            say("audit.nested.wrong", total=total, n=parent_n)
        out.append(_finding("subgroup", children[0]["item"], parent[1], shown, status, [reason]))
    for child, parent_item in (parents or {}).items():
        parent = by_key.get((parent_item, "yes"))
        if parent is None:
            continue
        for e in (x for x in counts if x["item"] == child):
            ok = int(e["n"]) <= int(parent["n"])
            shown = say("audit.shown.of_parent", n=int(e["n"]), parent=parent_item, parent_n=int(parent["n"]))
            reason = say("audit.within.ok", parent=parent_item, n=int(parent["n"])) if ok else \
                say("audit.within.wrong", n=int(e["n"]), parent=parent_item, parent_n=int(parent["n"]))
            out.append(_finding("subgroup", child, str(e["level"]), shown, "consistent" if ok else "inconsistent",
                                [reason]))
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
        shown = say("audit.shown.verbatim", text=e["display"]) if e.get("display") else \
            say("audit.shown.mean_sd", mean=printed(e["mean"]), sd=printed(e["sd"]), low=printed(e["min"]),
                high=printed(e["max"]))
        possible = grim(e["mean"], n, d)
        sums = [s for s in range(int(e["mean"] * n) - n, int(e["mean"] * n) + n + 1)
                if round_half_up(Decimal(s) / n, d) == Decimal(str(e["mean"]))]
        reasons = [say("audit.grim.ok", mean=printed(e["mean"]), n=n, low=sums[0], high=sums[-1]) if possible else
                   say("audit.grim.wrong", n=n, mean=printed(e["mean"]))]
        status = "consistent" if possible else "inconsistent"
        if not e["min"] <= e["mean"] <= e["max"]:
            status = "inconsistent"
            reasons.append(say("audit.grim.outside", low=printed(e["min"]), high=printed(e["max"])))
        sd_max = (e["max"] - e["min"]) / 2 * math.sqrt(n / (n - 1))
        if e["sd"] > sd_max:
            status = "inconsistent"
            reasons.append(say("audit.grim.sd_high", sd=printed(e["sd"]), largest=round_half_up(sd_max, 2)))
        else:
            reasons.append(say("audit.grim.sd_ok", sd=printed(e["sd"]), largest=round_half_up(sd_max, 2)))
        out.append(_finding("grim", e["item"], "", shown, status, reasons))
    return out


def _interval(printed_value: Decimal, decimals: int, mode: str) -> tuple[Decimal, Decimal]:
    """The half-open interval of true values that print as ``printed_value``."""
    step = Decimal(1).scaleb(-decimals)
    return (printed_value - step / 2, printed_value + step / 2) if mode == "round" else \
        (printed_value, printed_value + step)


def check_ci(entries: list[dict]) -> list[dict]:
    """``ci``: does estimate ± 1.96·SE print as the published bounds? Solves for the SE values
    consistent with each printed number, under rounding and under truncation."""
    out = []
    for e in entries:
        est = Decimal(str(e["median"]))
        dec = e.get("decimals", {})
        se_lo, se_hi = _interval(Decimal(str(e["se"])), dec.get("se", printed_decimals(e["se"])), "round")
        shown = say("audit.shown.verbatim", text=e["display"]) if e.get("display") else \
            say("audit.shown.median_se", median=printed(e["median"]), se=printed(e["se"]), low=printed(e["ci_low"]),
                high=printed(e["ci_high"]))
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
        bounds = dict(low=printed(e["ci_low"]), high=printed(e["ci_high"]))
        if fits(max(r_lo, se_lo), min(r_hi, se_hi)):
            out.append(_finding("ci", e["item"], "", shown, "consistent",
                                [say("audit.ci.ok", median=printed(e["median"]), z=Z, **bounds,
                                     a=_four(max(r_lo, se_lo)), b=_four(min(r_hi, se_hi)), se=printed(e["se"]))]))
            continue
        reasons = [say("audit.ci.no_se", se=printed(e["se"]), **bounds),
                   say("audit.ci.bounds_need", a=_four(r_lo), b=_four(r_hi)) if fits(r_lo, r_hi)
                   else say("audit.ci.asymmetric"), say("audit.ci.end")]
        if fits(max(t_lo, se_lo), min(t_hi, se_hi)):
            a, b = max(t_lo, se_lo), min(t_hi, se_hi)
            likely = say("audit.likely.ci", low=round_half_up(est - Z * a, 1), high=round_half_up(est + Z * a, 1),
                         se=round_half_up(a, 3))
            out.append(_finding("ci", e["item"], "", shown, "consistent_truncated",
                                reasons + [say("audit.ci.truncated", a=_four(a), b=_four(b))], likely))
        else:
            out.append(_finding("ci", e["item"], "", shown, "inconsistent", reasons + [say("audit.ci.neither")]))
    return out


def check_flow(published: dict) -> list[dict]:
    """``flow``: screened − excluded = included; events + censored = n."""
    out = []
    flow = {f["item"]: int(f["n"]) for f in published.get("flow", [])}
    if {"screened", "excluded", "included"} <= flow.keys():
        ok = flow["screened"] - flow["excluded"] == flow["included"]
        shown = say("audit.shown.flow", screened=flow["screened"], excluded=flow["excluded"], included=flow["included"])
        reason = say("audit.flow.ok") if ok else \
            say("audit.flow.wrong", x=flow["screened"] - flow["excluded"], included=flow["included"])
        out.append(_finding("flow", "screening", "", shown, "consistent" if ok else "inconsistent", [reason]))
    for s in published.get("survival", []):
        if "events" in s and "censored" in s:
            total = int(s["events"]) + int(s["censored"])
            ok = total == int(published["n"])
            shown = say("audit.shown.events", events=int(s["events"]), censored=int(s["censored"]))
            reason = say("audit.events.ok", n=int(published["n"])) if ok else \
                say("audit.events.wrong", x=total, n=int(published["n"]))
            out.append(_finding("flow", s["item"], "", shown, "consistent" if ok else "inconsistent", [reason]))
    return out


def check_denominators(counts: list[dict], n: int) -> list[dict]:
    """``note`` for every percentage whose denominator is not the cohort's n."""
    out = []
    for e in counts:
        if not e.get("denominator") or int(e["denominator"]) == n:
            continue
        reasons = [say("audit.denominator.note", d=int(e["denominator"]), n=n)]
        if e.get("note"):
            reasons.append(say("audit.source_note", note=e["note"]))
        out.append(_finding("denominator", e["item"], str(e.get("level", "")),
                            say("audit.shown.percent_of", n=int(e["n"]), pct=printed(e["percent"]),
                                d=int(e["denominator"])), "note", reasons))
    return out


def check_published(published: dict, parents: dict[str, str] | None = None) -> pd.DataFrame:
    """Every self-consistency finding for a published-numbers file (``data/published.yaml``).
    ``parents`` (child item -> parent item) defaults to the file's ``subgroups``."""
    counts = published.get("counts", [])
    parents = published.get("subgroups", {}) if parents is None else parents
    rows = (check_percentages(counts) + check_level_sums(counts) + check_subgroups(counts, parents)
            + check_continuous(published.get("continuous", []), int(published["n"]))
            + check_ci(published.get("survival", [])) + check_flow(published)
            + check_denominators(counts, int(published["n"])))
    return pd.DataFrame(rows, columns=FINDING_COLUMNS + ["shown", "reasons", "likely"])
