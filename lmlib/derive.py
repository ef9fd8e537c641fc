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
from .describe import kleene
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
            # a blank or invalid age cell is reported by the cleaner, a missing date column by its
            # own error (one cause, one message); here only rows whose dates are not both given
            given = all(("variable", name) in first for name in (birth, diagnosis))
            still = data[spec["name"]].isna() & (("variable", spec["name"]) not in first) & given
            for row in data.index[still.to_numpy(dtype=bool)]:
                log.add(row, col(spec["name"]), None, "an age, or a birth date and an LM diagnosis date",
                        "missing_value")
    if "event_flag" in rules:
        spec = rules["event_flag"]
        status = spec["from"][0]
        _outcome(data, codebook, log, first, col, status, spec["event_level"])
        source = data[status]
        data[spec["name"]] = pd.Series((source == spec["event_level"]), index=data.index, dtype="boolean").mask(source.isna())
        if "lost_to_follow_up" in data:
            both = (data["lost_to_follow_up"] == True) & (data[spec["name"]] == True)  # noqa: E712
            for row in data.index[both.fillna(False).to_numpy(dtype=bool)]:
                log.add(row, col("lost_to_follow_up"), "yes", "lost to follow-up only for patients not known "
                        "to have died (the death date is used as the event)", "inconsistent_follow_up",
                        severity="warning")
    if "days_between" in rules:
        spec = rules["days_between"]
        start, end, *death = spec["from"]
        died = data[rules["event_flag"]["name"]].eq(True) if "event_flag" in rules else pd.Series(False, index=data.index)
        ends = data[end].copy() if end in data else pd.Series(pd.NaT, index=data.index)
        end_column = pd.Series(col(end), index=data.index, dtype=object)
        if death and ("variable", death[0]) in first:  # a death date column: the dead end on it
            ends = ends.mask(died, data[death[0]])
            end_column = end_column.mask(died, col(death[0]))
        days = (ends - data[start]).dt.days.astype(float)
        negative = days < 0
        for row in data.index[negative.fillna(False).to_numpy(dtype=bool)]:
            log.add(row, end_column[row], ends[row].date().isoformat(),
                    f"a date on or after the LM diagnosis ({data.at[row, start].date().isoformat()})",
                    "death_before_diagnosis")
        data[spec["name"]] = days.mask(negative)
        data[end] = ends  # the cleaned cohort's end of follow-up: the death date of the dead, whatever the layout
    if "none_of" in rules:
        spec = rules["none_of"]
        var = codebook[spec["from"][0]]
        options = data[[var.option_column(o.name) for o in var.options]]
        data[spec["name"]] = ~kleene(options, "any")  # isolated: known to have none of them
    if "any_nerve" in rules and codebook.nerve_columns[0] in data:
        nerves = data[codebook.nerve_columns]
        involved = nerves.apply(lambda s: s.astype(object).ne("none").where(s.notna()))
        # involved when any nerve is; not involved only when every nerve is known not to be
        any_involved = involved.eq(True).any(axis=1)
        data[rules["any_nerve"]["name"]] = any_involved.astype("boolean").mask(~any_involved & involved.isna().any(axis=1))
        for group in codebook.cranial_nerves.get("groups", []):
            members = involved[[codebook.nerve_column(n) for n in group["members"]]]
            data[group["name"]] = kleene(members.astype("boolean"), codebook.group_rule(group))
    # sensitive dates used only to derive a variable (the birth date) are not kept
    needed = set(rules["days_between"]["from"][:2]) if "days_between" in rules else set()  # the death date is in the end
    dropped = [v.name for v in codebook.of_type("date") if v.spec.get("sensitive") and v.name not in needed]
    return data.drop(columns=[name for name in dropped if name in data])


def _outcome(data: pd.DataFrame, codebook: Codebook, log: ProblemLog, first: dict, col, status: str,
             dead: str) -> None:
    """The vital status and the end of follow-up when the file has a date-of-death column (in
    place). Without a status column a death date means dead and none alive. Errors, each
    naming the row and the columns: dead without a death date (the last-contact date is never
    taken for one), a death date for a patient marked alive, a last contact after the death, a
    living patient without a last contact date; and one error, not one per row, when no
    column gives the living patients' last contact."""
    death = next(iter(codebook[status].spec.get("derivable_from", [])), None)
    if death is None or ("variable", death) not in first:
        return
    last = next((v.name for v in codebook.of_type("date") if death in v.spec.get("derivable_from", [])), None)
    has_status = ("variable", status) in first
    dates = data[death]
    if not has_status:
        levels = codebook[status].level_names
        alive = next(level for level in levels if level != dead)
        data[status] = pd.Categorical(dates.notna().map({True: dead, False: alive}), categories=levels)
    else:  # a blank status with a death date: dead (the death date is the event)
        blank = data[status].isna() & dates.notna()
        data[status] = data[status].mask(blank, dead)
        for row in data.index[(data[status].isna()).to_numpy(dtype=bool)]:
            log.add(row, col(status), None, f"a value for '{codebook[status].label()}' (required; or a "
                    f"'{codebook[death].label()}')", "missing_value")
    marked = data[status].astype(object)
    label = codebook[death].label()
    for row in data.index[(marked.eq(dead) & dates.isna()).to_numpy(dtype=bool)]:
        log.add(row, f"{col(status)} / {col(death)}", None, f"a '{label}' for a patient who died (the date of last "
                "contact is never taken for it)", "death_without_date")
    for row in data.index[(~marked.eq(dead) & marked.notna() & dates.notna()).to_numpy(dtype=bool)]:
        log.add(row, f"{col(status)} / {col(death)}", data.at[row, death].date().isoformat(),
                f"no '{label}' for a patient whose status is '{marked[row]}' (or the status of a patient who died)",
                "death_date_for_living")
    if last is None:
        return
    if last in data and ("variable", last) in first:
        after = data[last] > dates
        for row in data.index[after.fillna(False).to_numpy(dtype=bool)]:
            log.add(row, f"{col(last)} / {col(death)}", data.at[row, last].date().isoformat(),
                    f"a last contact on or before the death ({data.at[row, death].date().isoformat()})",
                    "contact_after_death")
        living = ~marked.eq(dead) & marked.notna() & data[last].isna()
        for row in data.index[living.to_numpy(dtype=bool)]:
            log.add(row, col(last), None, f"a '{codebook[last].label()}' for a patient not known to have died",
                    "missing_value")
    else:
        living = int((~marked.eq(dead) & marked.notna()).sum())
        if living:
            aliases = ", ".join(f"'{a}'" for a in codebook[last].spec.get("aliases", [])[:3])
            log.add(None, None, None, f"a column for '{codebook[last].label()}' (headers such as {aliases}): the "
                    f"survival time of the {living} patient(s) without a death date cannot be derived",
                    "missing_column")


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
