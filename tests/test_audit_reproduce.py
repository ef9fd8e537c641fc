"""The reproduction audit: published beside computed, on the synthetic and a perturbed cohort."""
from __future__ import annotations

import pytest

from lmlib.audit.reproduce import judge, reproduction_audit
from lmlib.cohort import load_cohort
from lmlib.synthetic import load_published


@pytest.fixture(scope="module")
def data():
    return load_cohort().data


@pytest.fixture(scope="module")
def audit(data):
    return reproduction_audit(data)


@pytest.mark.parametrize("published, computed, decimals, status", [
    (53.1, 53.1, 1, "exact"), (53.1, 53.125, 1, "rounding"), (12, 11.9996, 0, "rounding"),
    (11.2, 11.2956, 1, "truncation"), (6.3, 9.375, 1, "mismatch"), (6.3, 6.25, 1, "rounding"),
    (30, float("nan"), 0, "mismatch"),
])
def test_judge_distinguishes_exact_rounding_truncation_and_mismatch(published, computed, decimals, status):
    assert judge(published, computed, decimals) == status


def test_every_published_number_has_a_row(audit):
    pub = load_published()
    counts_with_percent = sum(1 + ("percent" in e) for e in pub["counts"])
    survival = sum(k in pub["survival"][0] for k in ("median", "se", "ci_low", "ci_high", "events", "censored"))
    assert len(audit) == counts_with_percent + 4 * len(pub["continuous"]) + survival


def test_the_synthetic_cohort_has_no_unexplained_mismatch(audit):
    assert not (audit["status"] == "mismatch").any(), audit[audit["status"] == "mismatch"]
    inconsistent = audit[audit["status"] == "paper_inconsistent"]
    assert list(zip(inconsistent["level"], inconsistent["statistic"])) == [("cn_group_7_8", "percent")]
    assert "2/32" in inconsistent["explanation"].iloc[0]
    truncated = audit[audit["status"] == "truncation"]
    assert list(truncated["statistic"]) == ["ci_low"] and "truncated" in truncated["explanation"].iloc[0].lower()


def test_a_perturbed_cohort_fails_exactly_the_affected_rows(data):
    changed = data.copy()
    patient = changed.index[changed["enhancement_pattern"] == "linear"][0]
    changed.loc[patient, "enhancement_pattern"] = "nodular"
    audit = reproduction_audit(changed)
    failed = audit[audit["status"] == "mismatch"]
    assert sorted(zip(failed["item"], failed["level"], failed["statistic"])) == [
        ("enhancement_pattern", "linear", "n"), ("enhancement_pattern", "linear", "percent"),
        ("enhancement_pattern", "nodular", "n"), ("enhancement_pattern", "nodular", "percent"),
    ]


def test_a_changed_age_fails_the_mean_but_not_the_range(data):
    changed = data.copy()
    changed.loc[changed.index[changed["age"] == 50][0] if (changed["age"] == 50).any() else changed.index[5], "age"] += 10
    audit = reproduction_audit(changed)
    failed = set(audit.loc[audit["status"] == "mismatch", "statistic"][audit["item"] == "age"])
    assert "mean" in failed and not {"min", "max"} & failed


def test_the_input_is_not_modified(data):
    before = data.copy()
    reproduction_audit(data)
    assert data.equals(before)


def test_committed_reproduction_notebook_is_what_its_generator_writes():
    import subprocess
    import sys

    from lmlib import config

    result = subprocess.run([sys.executable, str(config.PROJ_ROOT / "scripts" / "make_reproduction_notebook.py"),
                             "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_your_series_beside_the_published_one_gives_both_numbers_and_their_difference_without_a_verdict(data):
    from lmlib.audit.reproduce import side_by_side

    own = data.copy()
    own.loc[own.index[0], "sex"] = "male" if own["sex"].iloc[0] == "female" else "female"
    females = int((own["sex"] == "female").sum())
    frame = side_by_side(reproduction_audit(own))
    assert "status" not in frame
    row = frame[(frame["item"] == "sex") & (frame["level"] == "female") & (frame["statistic"] == "n")].iloc[0]
    assert (row["published_value"], row["computed_value"], row["difference"]) == (12, females, females - 12)
    assert row["label"] == "Sex: Female"
    percent = frame[(frame["item"] == "sex") & (frame["level"] == "female") & (frame["statistic"] == "percent")]
    assert percent["difference"].iloc[0] == pytest.approx(100 * females / len(own) - 37.5)
