"""Cranial nerves the export has no column for are "not recorded in this file", never 0 (0.0%).

A blank cell of a nerve column present means "not involved" (exports fill involved nerves
only); a nerve with no column at all is not in the file, a nerve group with such a member is
not recorded, and "any cranial nerve involvement" says which nerves it covers. The export is
drawn here (its own seed, .xlsx with only the KS 5, 7 and 8 columns); every count is checked
against the drawn table with pandas.
"""
from __future__ import annotations

import math

from pathlib import Path

import numpy as np
import pandas as pd

from lmlib import scale, tables
from lmlib.codebook import load_codebook
from lmlib.cohort import load_cohort
from lmlib.coverage import not_in_file
from lmlib.present.descriptive import display_table

from test_blank_means_no import drawn, write_xlsx

GIVEN = {5: "KS 5", 7: "KS 7", 8: "KS 8"}
ABSENT = [1, 2, 3, 4, 6, 9, 10, 11, 12]


def with_nerves(seed: int = 58) -> pd.DataFrame:
    frame = drawn()
    rng = np.random.default_rng(seed)
    for header in GIVEN.values():
        frame[header] = rng.choice(["", "", "", "Sağ", "Sol", "Bilateral"], size=len(frame))
    return frame


def by_level(table: pd.DataFrame, item: str) -> pd.DataFrame:
    return table[table["item"] == item].set_index("level")


def test_a_nerve_without_a_column_is_not_recorded_and_the_others_are_counted(tmp_path):
    frame = with_nerves()
    cohort = load_cohort(write_xlsx(frame, tmp_path / "lm.xlsx"))
    involved = {n: frame[h].ne("") for n, h in GIVEN.items()}
    for n in ABSENT:
        assert cohort.data[f"cn_{n}"].isna().all()  # never "not involved"
        assert f"cn_{n}" in cohort.not_in_file
    for n in GIVEN:
        assert f"cn_{n}" not in cohort.not_in_file
    for data, kwargs in ((cohort.data, {"not_in_file": cohort.not_in_file}), (cohort.data, {})):
        t2 = tables.table2(data, **kwargs)
        nerves = by_level(t2, "cranial_nerves")
        for n in ABSENT:
            assert nerves.loc[f"cn_{n}", "kind"] == "not_recorded" and pd.isna(nerves.loc[f"cn_{n}", "n"])
        for n in GIVEN:
            assert (nerves.loc[f"cn_{n}", "n"], nerves.loc[f"cn_{n}", "denominator"]) == (int(involved[n].sum()),
                                                                                          len(frame))
        groups = by_level(t2, "cranial_nerve_groups")
        assert groups.loc["cn_group_4_6", "kind"] == groups.loc["cn_group_9_10", "kind"] == "not_recorded"
        assert groups.loc["cn_group_5", "n"] == int(involved[5].sum())
        assert groups.loc["cn_group_7_8", "n"] == int((involved[7] & involved[8]).sum())
        any_row = by_level(t2, "cn_any").loc["yes"]
        assert any_row["n"] == int((involved[5] | involved[7] | involved[8]).sum())
        assert "of CN 5, 7, 8: the file has no column for the other nerves" in any_row["label"]
    assert cohort.data["cn_group_4_6"].isna().all() and cohort.data["cn_group_9_10"].isna().all()
    assert int(cohort.data["cn_group_7_8"].sum()) == int((involved[7] & involved[8]).sum())


def test_the_counts_from_aggregates_say_the_same(tmp_path):
    cohort = load_cohort(write_xlsx(with_nerves(), tmp_path / "lm.xlsx"))
    cb = load_codebook()
    pd.testing.assert_frame_equal(tables.table2(scale.aggregate(cohort.data, cb), cb, not_in_file=cohort.not_in_file),
                                  tables.table2(cohort.data, cb, not_in_file=cohort.not_in_file))


def test_the_turkish_label_of_any_involvement_names_its_nerves(tmp_path):
    cohort = load_cohort(write_xlsx(with_nerves(), tmp_path / "lm.xlsx"))
    t2 = tables.table2(cohort.data, lang="tr", not_in_file=cohort.not_in_file)
    assert "KS 5, 7, 8 arasında" in by_level(t2, "cn_any").loc["yes", "label"]


def test_every_nerve_present_keeps_the_blank_rule_and_the_plain_label(tmp_path):
    frame = with_nerves()
    for n in ABSENT:
        frame[f"KS {n}"] = ""
    cohort = load_cohort(write_xlsx(frame, tmp_path / "lm.xlsx"))
    assert not [c for c in cohort.not_in_file if c.startswith("cn")]
    assert (cohort.data[[f"cn_{n}" for n in ABSENT]] == "none").all().all()
    t2 = tables.table2(cohort.data, not_in_file=cohort.not_in_file)
    assert by_level(t2, "cn_any").loc["yes", "label"] == "Cranial nerve (CN) involvement"
    assert by_level(t2, "cranial_nerves").loc["cn_4", "n"] == 0


def test_without_any_nerve_column_the_nerve_block_is_one_footnote(tmp_path):
    cohort = load_cohort(write_xlsx(drawn(), tmp_path / "lm.xlsx"))
    t2 = tables.table2(cohort.data, not_in_file=cohort.not_in_file)
    block = t2[t2["item"].isin(["cn_any", "cranial_nerve_groups", "cranial_nerves"])]
    assert set(block["kind"]) == {"not_in_file"}
    notes = [n for n in display_table(t2).notes if n.startswith("Not in this file")]
    assert len(notes) == 1 and notes[0].count("Cranial nerve") == 1


def test_not_in_file_names_each_absent_nerve_and_each_group_with_one(tmp_path):
    cohort = load_cohort(write_xlsx(with_nerves(), tmp_path / "lm.xlsx"))
    absent = not_in_file(cohort.columns, load_codebook())
    assert [c for c in absent if c.startswith("cn_")] == [f"cn_{n}" for n in ABSENT] + ["cn_group_4_6",
                                                                                       "cn_group_9_10"]
    assert "cranial_nerves" not in absent and "cn_any" not in absent and "cranial_nerve_groups" not in absent


def test_the_reproduction_audit_says_any_involvement_is_over_the_nerves_recorded(tmp_path):
    from lmlib.audit.reproduce import reproduction_audit

    frame = with_nerves()
    cohort = load_cohort(write_xlsx(frame, tmp_path / "lm.xlsx"))
    audit = reproduction_audit(cohort.data).set_index(["item", "level", "statistic"])
    any_row = audit.loc[("cn_any", "yes", "n")]
    assert any_row["explanation"].startswith("Counted over what this file records: “Cranial nerve (CN) involvement "
                                             "(of CN 5, 7, 8")
    assert any_row["computed_value"] == int(frame[list(GIVEN.values())].ne("").any(axis=1).sum())
    nerve_4 = audit.loc[("cranial_nerve_groups", "cn_group_4_6", "n")]
    assert nerve_4["status"] in ("not_in_file", "not_recorded") and math.isnan(nerve_4["computed_value"])
    assert "does not record" in nerve_4["explanation"]
    full = reproduction_audit(load_cohort().data).set_index(["item", "level", "statistic"])
    assert "Counted over" not in str(full.loc[("cn_any", "yes", "n"), "explanation"])
