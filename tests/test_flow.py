"""The screening flow: screened -> excluded (with reasons) -> included."""
from __future__ import annotations

import pandas as pd
import pytest

from lmlib import config, flow
from lmlib.cohort import load_screening
from lmlib.tables import load_published

PUBLISHED = load_published()


@pytest.fixture(scope="module")
def screening():
    return load_screening().data


@pytest.mark.parametrize("entry", PUBLISHED["flow"], ids=lambda e: f"{e['item']}={e.get('level', '')}")
def test_flow_counts_equal_the_published_numbers(screening, entry):
    counts = flow.flow_counts(screening, cohort_n=PUBLISHED["n"])
    assert flow.stage_count(counts, entry["item"], entry.get("level", "")) == entry["n"]


def test_flow_counts_equal_plain_pandas(screening):
    counts = flow.flow_counts(screening)
    assert flow.stage_count(counts, "screened") == len(screening)
    assert flow.stage_count(counts, "included") == int(screening["included"].sum())
    reasons = screening.loc[~screening["included"].astype(bool), "exclusion_reason"].astype(str).value_counts()
    for reason, n in reasons.items():
        assert flow.stage_count(counts, "excluded", reason) == n
    assert flow.stage_count(counts, "excluded") == reasons.sum()


def test_excluded_without_a_reason_are_shown_as_missing(screening):
    edited = screening.copy()
    first_out = edited.index[~edited["included"].astype(bool)][0]
    edited.loc[first_out, "exclusion_reason"] = pd.NA
    counts = flow.flow_counts(edited)
    assert flow.stage_count(counts, "excluded", "missing") == 1
    assert flow.stage_count(counts, "excluded", "haematological_malignancy") == 45


def test_a_flow_that_contradicts_the_cohort_raises(screening):
    with pytest.raises(flow.FlowError, match="31"):
        flow.flow_counts(screening, cohort_n=31)
    edited = screening.copy()
    first_in = edited.index[edited["included"].astype(bool)][0]
    edited.loc[first_in, "exclusion_reason"] = "other"
    with pytest.raises(flow.FlowError, match="exclusion reason"):
        flow.flow_counts(edited)


def test_turkish_flow_labels(screening):
    counts = flow.flow_counts(screening, lang="tr")
    assert counts.loc[counts["level"] == "haematological_malignancy", "label"].item() == "Hematolojik malignite"


def test_a_users_cohort_without_a_screening_log_gets_no_synthetic_flow():
    assert flow.screening_source("") == config.SYNTHETIC_SCREENING
    assert flow.screening_source("data/raw/my_series.xlsx") is None
    assert str(flow.screening_source("x.csv", "log.csv")) == "log.csv"


def test_flow_counts_do_not_modify_the_screening_log(screening):
    before = screening.copy()
    flow.flow_counts(screening, lang="tr")
    pd.testing.assert_frame_equal(screening, before)
