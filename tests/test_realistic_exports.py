"""Three exports of a made-up cohort, written as hospitals write them (tests/realistic_exports.py:
a merged two-row Excel header with a totals row; SPSS codes with value labels and user-missing
codes; a Windows-1254 semicolon CSV with decimal commas and separate death and last-contact
dates), each taken through ``python -m lmlib map`` -> the study file a user wrote after reading
the draft (tests/data/exports/*.study.yaml) -> ``make report``, with every count of the Table 1
and Table 2 CSVs and the survival numbers checked against the generating table (pandas, and
lifelines for the median), never against lmlib's own output.
"""
from __future__ import annotations

from pathlib import Path
import shutil
import subprocess
import sys

import pandas as pd
import pytest

import realistic_exports as rx
from lmlib import config
from lmlib.present import text as catalog_text
from test_kill_report import copy_project, run_make

STUDIES = config.PROJ_ROOT / "tests" / "data" / "exports"
EXPORTS = {  # export: (file name, writer, the study's own level names -> the truth's)
    "excel": ("lm_arsiv.xlsx", rx.write_excel, {
        "bobrek": "kidney", "kolon": "colon", "skuamoz_hucreli_karsinom": "squamous_cell_carcinoma",
        "berrak_hucreli_karsinom": "clear_cell_carcinoma", "invaziv_lobuler_karsinom": "invasive_lobular_carcinoma",
        "tasli_yuzuk_hucreli_karsinom": "signet_ring_cell_carcinoma", "intratekal_kt": "intrathecal_chemotherapy"}),
    "spss": ("lm_series.sav", rx.write_spss, {
        "renal": "kidney", "colorectal": "colon", "clear_cell_renal_cell_carcinoma": "clear_cell_carcinoma"}),
    "csv": ("lm_hastalar.csv", rx.write_csv, {
        "bobrek": "kidney", "kolon": "colon", "skuamoz_hucreli": "squamous_cell_carcinoma",
        "berrak_hucreli": "clear_cell_carcinoma", "invaziv_lobuler": "invasive_lobular_carcinoma",
        "tasli_yuzuk_hucreli": "signet_ring_cell_carcinoma", "intratekal_kemoterapi": "intrathecal_chemotherapy"}),
}
KPS_ITEM = {"excel": "kps", "spss": "karnofsky_performance_status", "csv": "kps"}


@pytest.fixture(scope="module")
def truth() -> pd.DataFrame:
    return rx.truth_table()


def export_file(kind: str, folder: Path, truth: pd.DataFrame) -> Path:
    name, writer, _ = EXPORTS[kind]
    folder.mkdir(parents=True, exist_ok=True)
    return writer(truth, folder / name)


def study_file(kind: str) -> Path:
    return STUDIES / EXPORTS[kind][0].replace(Path(EXPORTS[kind][0]).suffix, ".study.yaml")


def test_the_generator_is_its_own_and_seeded(truth):
    again = rx.truth_table()
    pd.testing.assert_frame_equal(truth, again)
    assert len(truth) == 52 and {"colon", "kidney"} <= set(truth["primary_site"])
    assert {"squamous_cell_carcinoma", "invasive_lobular_carcinoma", "signet_ring_cell_carcinoma"} <= set(truth["histology"])
    assert truth["kps"].isna().sum() == 2 and truth["seizure"].isna().sum() == 2
    assert truth["death_date"].notna().sum() + truth["last_contact_date"].notna().sum() == len(truth)


# ------------------------------------------------------------------------------ map

MAPPED = {  # a line each draft must offer (commented out) for what the export writes its own way
    "excel": ['# - {name: histology, aliases: ["Histopatoloji"]}',
              '# - {name: symptoms, options: [{name: altered_consciousness, aliases: ["Bilinç bozukluğu"]}]}',
              '# - {name: last_contact_date, aliases: ["Ölüm / son kontrol"]}',
              '# - {name: histology, levels: [{name: adenocarcinoma, within: [kolon]}]}',
              "type: integer, range: [40, 100]"],
    "spss": ['# - {name: patient_id, aliases: ["Patient number"]}',
             '# - {name: treatment, levels: [{name: chemoradiotherapy, synonyms: ["Chemotherapy + radiotherapy"]}]}',
             '# - {name: lm_location, levels: [{name: both, synonyms: ["Supra- and infratentorial"]}]}',
             'within: [renal]'],
    "csv": ['# - {name: treatment, levels: [{name: none, synonyms: ["Almadı"]}]}',
            '# - {name: symptoms, options: [{name: altered_consciousness, synonyms: ["bilinç bulanıklığı"]}]}',
            '# - {name: metastases, options: [{name: parenchyma, synonyms: ["Parankimal met."]}]}',
            '# - {name: cranial_nerves, levels: [{name: bilateral, synonyms: ["Bilat."]}]}',
            "type: continuous, range: [2.5, 4.8]"],
}


@pytest.mark.parametrize("kind", list(EXPORTS))
def test_map_drafts_a_valid_study_file_offering_what_the_export_needs(kind, truth, tmp_path):
    from lmlib.study import load_study

    path = export_file(kind, tmp_path, truth)
    result = subprocess.run([sys.executable, "-m", "lmlib", "map", str(path)], capture_output=True, text=True,
                            cwd=config.PROJ_ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    draft = tmp_path / "draft.yaml"
    draft.write_text(result.stdout, encoding="utf-8")
    document, _ = load_study(draft)  # valid as it is: every suggestion is a comment
    assert document.get("variables", []) == []
    for line in MAPPED[kind]:
        assert line in result.stdout, line
    if kind == "csv":  # direct identifiers are named as dropped, never offered as variables
        assert '"Ad Soyad" -> Name / Ad soyad: a direct identifier, dropped when read' in result.stdout
        assert not any(name in result.stdout for name in rx.FAKE_NAMES)


@pytest.mark.parametrize("kind", list(EXPORTS))
def test_map_with_the_study_file_keeps_its_entries_and_suggests_nothing_more(kind, truth, tmp_path):
    from lmlib.study import load_study

    path = export_file(kind, tmp_path, truth)
    out = tmp_path / "again.yaml"
    shutil.copyfile(study_file(kind), out)
    before, _ = load_study(out)
    result = subprocess.run([sys.executable, "-m", "lmlib", "map", str(path), "--study", str(out), "--out", str(out)],
                            capture_output=True, text=True, cwd=config.PROJ_ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    after, _ = load_study(out)
    assert after == before
    assert Path(f"{out}.bak").read_text(encoding="utf-8") == study_file(kind).read_text(encoding="utf-8")
    text = out.read_text(encoding="utf-8")
    assert "matched no known header" not in text and "match no spelling" not in text


# ------------------------------------------------------------------------------ the reports

@pytest.fixture(scope="module")
def built(truth, tmp_path_factory):
    """Each export built by `make report` in its own copy of the project, with its study file."""
    out = {}
    for kind in EXPORTS:
        repo = copy_project(tmp_path_factory.mktemp(kind) / "project")
        path = export_file(kind, repo / "data" / "raw", truth)
        result = run_make(repo, f"DATA=data/raw/{path.name}", f"STUDY={study_file(kind)}", f"DATA_CUT={rx.DATA_CUT}")
        out[kind] = (repo, result)
    return out


def tables_of(repo: Path, rename: dict) -> pd.DataFrame:
    frames = [pd.read_csv(repo / "reports" / "tables" / f"table{i}.csv", dtype={"level": str}, keep_default_na=False)
              for i in (1, 2)]
    got = pd.concat(frames, ignore_index=True)
    got["level"] = got["level"].map(lambda level: ":".join(rename.get(p, p) for p in level.split(":")))
    return got


def number(text):
    return None if text == "" else float(text)


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(EXPORTS))
def test_every_count_of_tables_1_and_2_is_the_truth(kind, built, truth):
    repo, result = built[kind]
    assert result.returncode == 0, result.stderr
    got = tables_of(repo, EXPORTS[kind][2])
    expected = rx.expected_counts(truth, kind)
    wrong = []
    for row in expected.itertuples():
        found = got[(got["section"] == row.section) & (got["item"] == row.item) & (got["level"] == row.level)]
        if len(found) != 1:
            wrong.append((row.item, row.level, "rows found:", len(found)))
            continue
        n, d = number(found["n"].iloc[0]), number(found["denominator"].iloc[0])
        if n != row.n or (not pd.isna(row.denominator) and d != row.denominator):
            wrong.append((row.item, row.level, "got", n, d, "truth", row.n, row.denominator))
    assert wrong == []
    for item, level in rx.not_recorded_rows():  # no column in the export: said, never 0
        assert list(got.loc[(got["item"] == item) & (got["level"] == level), "kind"]) == ["not_recorded"]
    counted = got[got["kind"].isin(["level", "option", "yes", "nested", "missing"])]
    keys = set(zip(expected["section"], expected["item"], expected["level"]))
    assert {k for k in zip(counted["section"], counted["item"], counted["level"]) if k not in keys} == set()


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(EXPORTS))
def test_kps_and_albumin_are_rows_of_table_1_as_the_truth_gives_them(kind, built, truth):
    repo, _ = built[kind]
    got = tables_of(repo, {})
    columns = {KPS_ITEM[kind]: "kps", **({"albumin_g_dl": "albumin"} if kind == "csv" else {})}
    for item, column in columns.items():
        row = got[(got["item"] == item) & (got["kind"] == "continuous")]
        assert len(row) == 1 and row["section"].iloc[0] == "table1", item
        want = rx.expected_continuous(truth, column)
        assert (number(row["n"].iloc[0]), number(row["missing"].iloc[0])) == (want["n"], want["missing"])
        for stat in ("mean", "sd", "min", "max"):
            assert number(row[stat].iloc[0]) == pytest.approx(want[stat], rel=1e-12), (item, stat)


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(EXPORTS))
def test_the_survival_numbers_are_the_truths_by_lifelines(kind, built, truth):
    from lifelines import KaplanMeierFitter

    repo, _ = built[kind]
    summary = pd.read_csv(repo / "reports" / "tables" / "survival_summary.csv")
    overall = summary[(summary["item"] == "overall_survival") & (summary["unit"] == "days")].iloc[0]
    times = rx.survival(truth)
    fit = KaplanMeierFitter().fit(times["days"], times["death"])
    assert (overall["n"], overall["events"], overall["censored"]) == (len(times), times["death"].sum(),
                                                                      (~times["death"]).sum())
    assert overall["median"] == fit.median_survival_time_


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(EXPORTS))
def test_the_reports_show_the_new_rows_and_no_synthetic_sentence(kind, built):
    repo, _ = built[kind]
    html = (repo / "reports" / "01_descriptive.html").read_text(encoding="utf-8")
    assert "Karnofsky" in html and "Colon" in html and "Intrathecal chemotherapy" in html
    survival = (repo / "reports" / "03_survival.html").read_text(encoding="utf-8")
    for page in (html, survival):
        assert "synthetic cohort" not in page and "made-up cohort" not in page
    reproduction = (repo / "reports" / "04_reproduction.html").read_text(encoding="utf-8")
    assert "Your series" in reproduction and "DIFFERS (unexplained)" not in reproduction
    if kind == "excel":  # the totals row was left out, and said so in the appendix
        assert catalog_text("problem.rule.totals_row", "en") in html  # the rule in words
    if kind == "csv":
        for folder in ("reports", "data/processed"):
            for path in (repo / folder).rglob("*"):
                if path.is_file():
                    text = path.read_bytes().decode("latin-1")
                    assert not any(name.encode("utf-8").decode("latin-1") in text for name in rx.FAKE_NAMES), path
