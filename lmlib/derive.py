"""Variables derived from the cleaned ones, and the checks that need several columns.

Derived (names and rules from the codebook's ``derived`` section):
age at LM diagnosis (completed years) when only the birth date is given; survival time in
days from LM diagnosis to death or last contact; the death event flag; isolated LM (none of
the accompanying metastasis sites); any cranial nerve involvement; and the paper's cranial
nerve groups (a patient counts in a group when every nerve of the group is involved, or with
the group's ``rule: any`` when at least one is).
"""
from __future__ import annotations

import pandas as pd

from .codebook import Codebook
from .problems import ProblemLog

EARLIEST_DATE = pd.Timestamp("1900-01-01")


def derive_cohort(data: pd.DataFrame, codebook: Codebook, log: ProblemLog, first: dict,
                  data_cut: pd.Timestamp | None) -> pd.DataFrame:
    """Return ``data`` with the derived columns added (``data`` itself is not modified)."""
    data = data.copy()
    col = lambda name: first.get(("variable", name), name)  # noqa: E731 - the input's header
    _check_dates(data, codebook, log, col, data_cut)
    rules = {d["rule"]: d for d in codebook.derived}

    if "age_at_lm_diagnosis" in rules:
        spec = rules["age_at_lm_diagnosis"]
        birth, diagnosis = spec["from"]
        if birth in data and diagnosis in data:
            years = _completed_years(data[birth], data[diagnosis])
            missing = data[spec["name"]].isna()
            data.loc[missing, spec["name"]] = years[missing]
            # a blank or invalid age cell is reported by the cleaner; here only a missing column
            still = data[spec["name"]].isna() & (("variable", spec["name"]) not in first)
            for row in data.index[still.to_numpy(dtype=bool)]:
                log.add(row, col(spec["name"]), None, "an age, or a birth date and an LM diagnosis date",
                        "missing_value")
    if "days_between" in rules:
        spec = rules["days_between"]
        start, end = spec["from"]
        days = (data[end] - data[start]).dt.days.astype(float)
        negative = days < 0
        for row in data.index[negative.fillna(False).to_numpy(dtype=bool)]:
            log.add(row, col(end), data.at[row, end].date().isoformat(),
                    f"a date on or after the LM diagnosis ({data.at[row, start].date().isoformat()})",
                    "death_before_diagnosis")
        data[spec["name"]] = days.mask(negative)
    if "event_flag" in rules:
        spec = rules["event_flag"]
        source = data[spec["from"][0]]
        data[spec["name"]] = pd.Series((source == spec["event_level"]), index=data.index, dtype="boolean").mask(source.isna())
        if "lost_to_follow_up" in data:
            both = (data["lost_to_follow_up"] == True) & (data[spec["name"]] == True)  # noqa: E712
            for row in data.index[both.fillna(False).to_numpy(dtype=bool)]:
                log.add(row, col("lost_to_follow_up"), "yes", "lost to follow-up only for patients not known "
                        "to have died (the death date is used as the event)", "inconsistent_follow_up",
                        severity="warning")
    if "none_of" in rules:
        spec = rules["none_of"]
        var = codebook[spec["from"][0]]
        options = data[[var.option_column(o.name) for o in var.options]]
        data[spec["name"]] = (~options.fillna(False).any(axis=1)).astype("boolean").mask(options.isna().any(axis=1))
    if "any_nerve" in rules and codebook.nerve_columns[0] in data:
        nerves = data[codebook.nerve_columns]
        involved = nerves.apply(lambda s: s.astype(object).ne("none").where(s.notna()))
        # involved when any nerve is; not involved only when every nerve is known not to be
        any_involved = involved.eq(True).any(axis=1)
        data[rules["any_nerve"]["name"]] = any_involved.astype("boolean").mask(~any_involved & involved.isna().any(axis=1))
        for group in codebook.cranial_nerves.get("groups", []):
            members = involved[[codebook.nerve_column(n) for n in group["members"]]]
            yes = members.eq(True)
            flag = yes.any(axis=1) if codebook.group_rule(group) == "any" else yes.all(axis=1)
            data[group["name"]] = flag.astype("boolean").mask(members.isna().any(axis=1))
    # sensitive dates used only to derive a variable (the birth date) are not kept
    needed = set(rules["days_between"]["from"]) if "days_between" in rules else set()
    dropped = [v.name for v in codebook.of_type("date") if v.spec.get("sensitive") and v.name not in needed]
    return data.drop(columns=[name for name in dropped if name in data])


def _completed_years(birth: pd.Series, at: pd.Series) -> pd.Series:
    """Whole years between two date columns (age on the later date), NaN where either is missing."""
    years = at.dt.year - birth.dt.year
    before_birthday = (at.dt.month < birth.dt.month) | ((at.dt.month == birth.dt.month) & (at.dt.day < birth.dt.day))
    return (years - before_birthday.astype(int)).astype(float)


def _check_dates(data, codebook: Codebook, log: ProblemLog, col, data_cut) -> None:
    for var in codebook.of_type("date"):
        if var.name not in data:
            continue
        dates = data[var.name]
        too_early = dates < EARLIEST_DATE
        too_late = dates > data_cut if data_cut is not None else pd.Series(False, index=dates.index)
        for row in data.index[(too_early | too_late).fillna(False).to_numpy(dtype=bool)]:
            bound = f"on or before the data cut-off {data_cut.date().isoformat()}" if too_late[row] else "after 1900"
            log.add(row, col(var.name), dates[row].date().isoformat(), f"a date {bound}", "impossible_date")
        data.loc[too_early | too_late.fillna(False), var.name] = pd.NaT
    if "birth_date" in data and "lm_diagnosis_date" in data:
        bad = data["birth_date"] > data["lm_diagnosis_date"]
        for row in data.index[bad.fillna(False).to_numpy(dtype=bool)]:
            log.add(row, col("birth_date"), data.at[row, "birth_date"].date().isoformat(),
                    "a birth date before the LM diagnosis date", "birth_after_diagnosis")
