"""Cohorts of millions: the generator's schema, aggregates that give the same tables and the same
Kaplan–Meier fit as the raw rows (exactly), and the Dask path on a local cluster."""
from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from lmlib import describe, scale, tables
from lmlib.cohort import load_cohort
from lmlib.survival import survival_summary
from lmlib.survival.steps import km_steps
from lmlib.survival.summary import summary_row


@pytest.fixture(scope="module")
def synthetic():
    return load_cohort().data


@pytest.fixture(scope="module")
def generated():
    """10 000 patients with 3% of the cells blanked, so every missing-value path is taken."""
    return scale.generate_large(10_000, seed=7, missing=0.03)


def assert_same_tables(data, counts, **kwargs):
    for make in (tables.table1, tables.table2):
        pd.testing.assert_frame_equal(make(data, **kwargs), make(counts, **kwargs), check_exact=True)


# ---------------------------------------------------------------- the generator

def test_generated_cohort_has_the_cleaned_cohorts_columns_and_dtypes(synthetic):
    big = scale.generate_large(1000, seed=1)
    assert list(big.columns) == list(synthetic.columns)
    pd.testing.assert_series_equal(big.dtypes, synthetic.dtypes)
    for col in synthetic.select_dtypes("category"):
        assert list(big[col].cat.categories) == list(synthetic[col].cat.categories)
    assert np.all(np.mod(big["survival_days"], 1) == 0) and np.all(np.mod(big["age"], 1) == 0)


def test_generation_is_seeded():
    a, b = scale.generate_large(500, seed=3), scale.generate_large(500, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(scale.generate_large(500, seed=4))


def test_generated_levels_follow_the_synthetic_cohorts_frequencies(synthetic):
    big = scale.generate_large(200_000, seed=2, ids=False)
    for col in ("sex", "treatment", "lm_location", "field_strength"):
        expected = synthetic[col].value_counts(normalize=True, dropna=False)
        observed = big[col].value_counts(normalize=True, dropna=False).reindex(expected.index)
        assert np.allclose(observed, expected, atol=0.01), col


def test_columns_that_belong_together_stay_consistent():
    big = scale.generate_large(50_000, seed=5, ids=False)
    assert (big["death"] == (big["vital_status"] == "dead")).all()
    assert not (big["lost_to_follow_up"] & big["death"]).any()
    metastases = big[["metastases_parenchyma", "metastases_dura", "metastases_calvarium"]]
    assert (big["isolated_lm"] == ~metastases.any(axis=1)).all()
    pairs = set(zip(big["primary_site"].astype(str), big["histology"].astype(str)))
    assert ("breast", "adenocarcinoma") not in pairs and ("lung", "adenocarcinoma") in pairs
    assert (big["last_contact_date"] - big["lm_diagnosis_date"]).dt.days.equals(big["survival_days"].astype("int64"))


def test_parquet_parts_read_back_in_the_cleaned_schema(tmp_path, generated):
    paths = scale.write_parquet_parts(generated, tmp_path, 3)
    assert [p.name for p in paths] == ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    back = scale.read_parquet_parts(tmp_path)
    pd.testing.assert_frame_equal(back, generated.reset_index(drop=True), check_index_type=False, check_names=False)


# ---------------------------------------------------------------- tables from aggregates

def test_tables_from_aggregates_equal_tables_from_the_32_synthetic_patients_exactly(synthetic):
    counts = scale.aggregate(synthetic)
    assert_same_tables(synthetic, counts)
    assert_same_tables(synthetic, counts, lang="tr")
    pd.testing.assert_frame_equal(tables.table1(synthetic, summary="age=median_iqr"),
                                  tables.table1(counts, summary="age=median_iqr"), check_exact=True)


def test_tables_from_aggregates_equal_tables_from_10000_generated_rows_exactly(generated):
    counts = scale.aggregate(generated)
    assert_same_tables(generated, counts)
    assert_same_tables(generated, counts, denominators={"vital_status": None}, alpha=0.1)
    assert (tables.table2(counts)["kind"] == "missing").any()  # the missing rows were exercised


def test_named_entry_points_are_the_tables_of_the_counts(generated):
    counts = scale.aggregate(generated)
    pd.testing.assert_frame_equal(scale.table1_from_aggregates(counts), tables.table1(generated), check_exact=True)
    pd.testing.assert_frame_equal(scale.table2_from_aggregates(counts), tables.table2(generated), check_exact=True)


def test_aggregates_of_chunks_merge_to_the_aggregates_of_the_whole(generated):
    plan = scale.make_plan()
    chunks = [generated.iloc[:1234], generated.iloc[1234:7000], generated.iloc[7000:]]
    merged = scale.merge(*(scale.aggregate_chunk(c, plan) for c in chunks))
    assert merged.equals(scale.aggregate(generated, plan=plan))
    assert_same_tables(generated, merged)


def test_aggregating_does_not_modify_the_input(generated):
    before = generated.copy()
    scale.aggregate(generated)
    pd.testing.assert_frame_equal(generated, before)


def test_a_denominator_rule_that_was_not_aggregated_is_an_error_not_a_guess(generated):
    counts = scale.aggregate(generated)
    with pytest.raises(KeyError, match="denominators"):
        tables.table1(counts, denominators={"treatment": "lost_to_follow_up"})
    planned = scale.aggregate(generated, denominators={"treatment": "lost_to_follow_up"})
    assert_same_tables(generated, planned, denominators={"treatment": "lost_to_follow_up"})


def test_a_value_outside_the_codebook_levels_is_an_error(synthetic):
    odd = synthetic.copy()
    odd["sex"] = odd["sex"].cat.add_categories(["other"])
    odd.loc[odd.index[0], "sex"] = "other"
    with pytest.raises(ValueError, match="other"):
        scale.aggregate(odd)


def test_shapiro_wilk_is_not_computed_above_5000_and_the_row_says_so():
    big = scale.generate_large(6000, seed=1, ids=False)
    age = tables.table1(scale.aggregate(big)).set_index("item").loc["age"]
    assert math.isnan(age["shapiro_w"]) and "5000" in age["shapiro_note"]
    small = tables.table1(scale.aggregate(big.iloc[:5000])).set_index("item").loc["age"]
    assert not math.isnan(small["shapiro_w"]) and pd.isna(small["shapiro_note"])


# ---------------------------------------------------------------- continuous statistics

@pytest.mark.parametrize("seed", range(20))
def test_continuous_statistics_from_value_counts_equal_numpy_and_scipy(seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(-20, 90, int(rng.integers(3, 400))).astype(float)
    values, counts = np.unique(x, return_counts=True)
    s = describe.continuous_from_counts(values, counts)
    assert [s["q1"], s["median"], s["q3"]] == list(np.percentile(x, [25, 50, 75], method="weibull"))
    assert s["mean"] == np.mean(x) and s["sd"] == pytest.approx(np.std(x, ddof=1), rel=1e-15)
    assert s["shapiro_w"] == stats.shapiro(np.sort(x)).statistic


def test_non_integer_columns_merge_their_moments_and_keep_exact_quartiles():
    rng = np.random.default_rng(1)
    x = pd.Series(np.round(rng.normal(25, 4, 30_000), 3))
    whole = scale.continuous.continuous_chunk(x, whole=True)
    parts = [scale.continuous.continuous_chunk(x.iloc[i:i + 7000]) for i in range(0, len(x), 7000)]
    merged = parts[0]
    for part in parts[1:]:
        merged = scale.continuous.merge_continuous(merged, part)
    direct = describe.continuous_summary(x)
    assert whole.summary() == direct  # one chunk: the same bits as the row path
    assert merged.quantiles is None  # quartiles need the whole column ...
    with pytest.raises(ValueError, match="whole column"):
        merged.summary()
    merged.quantiles = whole.quantiles  # ... (a second pass on Dask)
    assert merged.summary()["mean"] == pytest.approx(direct["mean"], rel=1e-14)
    assert merged.summary()["sd"] == pytest.approx(direct["sd"], rel=1e-12)


# ---------------------------------------------------------------- Kaplan–Meier

def test_km_from_time_event_counts_equals_the_raw_row_fit_to_the_bit(synthetic, generated):
    for data in (synthetic, generated):
        rows = data[["survival_days", "death"]].dropna()
        durations, events = rows["survival_days"].to_numpy(float), rows["death"].to_numpy(bool)
        counts, missing = scale.km_counts(data["survival_days"], data["death"])
        assert missing == len(data) - len(rows) and counts["count"].sum() == len(rows)
        a, b = scale.km_steps_from_counts(counts), km_steps(durations, events)
        assert all(np.array_equal(a[c].to_numpy(), b[c].to_numpy()) for c in a.columns)
        ours, raw = scale.summary_from_counts(counts), summary_row(durations, events)
        assert all(np.array_equal([ours[k]], [raw[k]], equal_nan=True) for k in raw)


def test_survival_summary_from_aggregates_equals_the_raw_rows_table(generated):
    pd.testing.assert_frame_equal(scale.survival_summary_from_aggregates(scale.aggregate(generated)),
                                  survival_summary(generated, "survival_days", "death"), check_exact=True)


def test_km_counts_of_non_whole_times_equal_the_raw_fit():
    rng = np.random.default_rng(3)
    durations = np.round(rng.exponential(40, 5000), 2)
    events = rng.random(5000) < 0.7
    counts, _ = scale.km_counts(durations, events)
    a, b = scale.km_steps_from_counts(counts), km_steps(durations, events)
    assert all(np.array_equal(a[c].to_numpy(), b[c].to_numpy()) for c in a.columns)


def test_km_counts_refuse_negative_times():
    with pytest.raises(ValueError, match="non-negative"):
        scale.km_counts(pd.Series([3.0, -1.0]), pd.Series([True, False]))


def test_lifelines_weighted_fit_of_the_counts_agrees_with_its_fit_of_the_rows(generated):
    lifelines = pytest.importorskip("lifelines")
    rows = generated[["survival_days", "death"]].dropna()
    counts, _ = scale.km_counts(rows["survival_days"], rows["death"])
    raw = lifelines.KaplanMeierFitter().fit(rows["survival_days"].to_numpy(float), rows["death"].to_numpy(bool))
    weighted = lifelines.KaplanMeierFitter().fit(counts["time"], counts["event"], weights=counts["count"])
    assert np.array_equal(raw.survival_function_.to_numpy(), weighted.survival_function_.to_numpy())
    ours = scale.km_steps_from_counts(counts).set_index("time")["survival"]
    assert np.allclose(raw.survival_function_.iloc[1:, 0].to_numpy(), ours.to_numpy(), rtol=1e-12)


# ---------------------------------------------------------------- imports and Dask

def test_importing_lmlib_tables_and_scale_does_not_import_dask():
    code = ("import sys, lmlib, lmlib.tables, lmlib.scale; "
            "print(any(m.split('.')[0] in ('dask', 'distributed') for m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


@pytest.mark.slow
def test_dask_on_a_local_cluster_of_two_processes_equals_the_pandas_path(tmp_path):
    distributed = pytest.importorskip("distributed")
    frame = scale.generate_large(60_000, seed=11, missing=0.02, ids=False)
    frame["weight_kg"] = np.round(np.random.default_rng(2).normal(70, 12, len(frame)), 1)  # non-integer
    scale.write_parquet_parts(frame, tmp_path, 5)
    base = scale.make_plan()
    plan = scale.Plan(base.levels, base.blocks, base.continuous + ("weight_kg",), base.km)
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        counts = scale.aggregate_parquet(tmp_path, client, plan=plan)
    pandas_counts = scale.aggregate(frame, plan=plan)
    assert counts.equals(pandas_counts)
    assert counts.continuous["weight_kg"].quantiles == pandas_counts.continuous["weight_kg"].quantiles
    assert_same_tables(frame, counts)
    pd.testing.assert_frame_equal(scale.survival_summary_from_aggregates(counts),
                                  survival_summary(frame, "survival_days", "death"), check_exact=True)


def test_a_table_above_5000_patients_says_why_shapiro_wilk_is_missing():
    from lmlib.formatting import footnotes
    from lmlib.tables import table1

    notes = " ".join(footnotes(table1(scale.generate_large(6000, seed=1)))[0])
    assert "not computed above 5000 patients" in notes and "fewer than 3 distinct" not in notes


def test_tables_from_aggregates_equal_the_row_path_when_options_and_nerves_are_partly_unknown(synthetic):
    """Option-by-option denominators and three-valued nerve groups give the same counts from
    aggregates as from the rows, with unknown symptoms, metastasis sites and nerves mixed in."""
    data = synthetic.copy()
    rng = np.random.default_rng(7)
    for column in ["symptoms_seizure", "symptoms_headache", "metastases_dura", "cn_7", "cn_8", "cn_5"]:
        data.loc[data.index[rng.random(len(data)) < 0.3], column] = None
    data.loc[data.index[:2], [c for c in data if c.startswith("symptoms_")]] = None  # nothing recorded
    counts = scale.aggregate(data)
    assert_same_tables(data, counts)
    symptoms = tables.table1(data).query("item == 'symptoms'").set_index("level")
    seizure = data["symptoms_seizure"]
    assert (symptoms.loc["seizure", "n"], symptoms.loc["seizure", "denominator"]) == \
        (int(seizure.sum()), int(seizure.notna().sum()))
    assert symptoms.loc["missing", "n"] == 2
