"""Study files (lmlib.study): the user's headers, spellings, levels and variables on top of the
codebook, checked with one clear message per problem, and used everywhere a codebook is.

Counts are checked against pandas on the edited synthetic export itself."""
from __future__ import annotations

import hashlib
from pathlib import Path
import textwrap

import pandas as pd
import pytest

from lmlib import config, tables
from lmlib.codebook import load_codebook
from lmlib.cohort import load_cohort
from lmlib.study import StudyError

NERVES = [f"KS {n}" for n in range(1, 13)]


def synthetic() -> pd.DataFrame:
    return pd.read_csv(config.SYNTHETIC_COHORT, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")


def write(frame: pd.DataFrame, path: Path) -> Path:
    path.write_bytes(frame.to_csv(sep=";", index=False).encode("utf-8"))
    return path


def study(tmp_path: Path, text: str, name: str = "my_study.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def rows(table: pd.DataFrame, item: str) -> pd.DataFrame:
    return table[table["item"] == item]


EXTENDED = """\
    missing_values: ["9"]
    variables:
      - name: primary_site
        aliases: [Primer organ]
        levels:
          - {name: colon, label: {en: Colon, tr: Kolon}, synonyms: [kolon, "kolon ca"]}
      - name: histology
        levels:
          - {name: adenocarcinoma, within: [colon]}
          - name: signet_ring_cell_carcinoma
            within: [colon, stomach]
            label: {en: Signet-ring cell carcinoma, tr: Taşlı yüzük hücreli karsinom}
            synonyms: [taşlı yüzük]
      - name: treatment
        levels:
          - {name: chemoradiotherapy, synonyms: ["Kemoterapi+Radyoterapi"]}
      - name: kps
        type: integer
        section: table1
        label: {en: Karnofsky performance status, tr: Karnofsky performans durumu}
        aliases: [KPS]
        range: [0, 100]
      - name: csf_cytology
        type: categorical
        section: table2
        label: {en: CSF cytology, tr: BOS sitolojisi}
        aliases: [BOS sitolojisi]
        levels:
          - {name: positive, label: {en: Positive, tr: Pozitif}, synonyms: [pozitif, "+"]}
          - {name: negative, label: {en: Negative, tr: Negatif}, synonyms: [negatif, "-"]}
"""


def own_export(tmp_path: Path) -> tuple[pd.DataFrame, Path]:
    """The synthetic export as another centre writes it: colon primaries (one signet-ring),
    a KPS column with a '9' for unknown... and a CSF cytology column."""
    frame = synthetic()
    frame = frame.rename(columns={"Primer tümör": "Primer organ"})
    frame.loc[[0, 1, 2], "Primer organ"] = ["Kolon", "kolon ca", "Kolon"]
    frame.loc[[0, 1, 2], "Histoloji"] = ["Adenokarsinom", "Adenokarsinom", "Taşlı yüzük"]
    frame.loc[3, "Tedavi"] = "Kemoterapi+Radyoterapi"
    frame["KPS"] = [str(40 + (i * 10) % 60) for i in range(len(frame))]
    frame.loc[5, "KPS"] = "9"
    frame["BOS sitolojisi"] = ["Pozitif" if i % 3 else "negatif" for i in range(len(frame))]
    frame.loc[7, "BOS sitolojisi"] = ""
    return frame, write(frame, tmp_path / "own.csv")


def test_a_study_file_adds_levels_nested_levels_spellings_and_variables(tmp_path):
    frame, path = own_export(tmp_path)
    cohort = load_cohort(path, study=study(tmp_path, EXTENDED), strict=True)
    cb = load_codebook(study=tmp_path / "my_study.yaml")
    t1 = tables.table1(cohort.data, cb, not_in_file=cohort.not_in_file)
    colon = t1[(t1["item"] == "primary_site") & (t1["level"] == "colon")].iloc[0]
    assert (colon["label"], colon["n"], colon["denominator"]) == ("Colon", 3, len(frame))
    nested = t1[t1["level"].astype(str).str.startswith("colon:")]
    assert dict(zip(nested["level"], nested["n"])) == {"colon:adenocarcinoma": 2, "colon:signet_ring_cell_carcinoma": 1}
    assert list(t1["kind"].iloc[t1.index[t1["level"] == "colon"][0] + 1:][:2]) == ["nested", "nested"]
    chemo_rt = t1[(t1["item"] == "treatment") & (t1["level"] == "chemoradiotherapy")].iloc[0]
    assert chemo_rt["n"] == int(frame["Tedavi"].isin(["KT+RT", "Kemoterapi+Radyoterapi"]).sum())
    kps = t1[t1["item"] == "kps"].iloc[0]
    known = pd.to_numeric(frame["KPS"]).drop(index=5)
    assert (kps["n"], kps["missing"]) == (len(known), 1)
    assert kps["mean"] == pytest.approx(known.mean()) and kps["label"] == "Karnofsky performance status"
    assert t1.index[t1["item"] == "kps"][0] > t1.index[t1["item"] == "vital_status"].max()  # after the paper's rows
    t2 = tables.table2(cohort.data, cb, not_in_file=cohort.not_in_file)
    positive = t2[(t2["item"] == "csf_cytology") & (t2["level"] == "positive")].iloc[0]
    written = frame["BOS sitolojisi"]
    assert (positive["n"], positive["denominator"]) == (int((written == "Pozitif").sum()), int((written != "").sum()))


def test_the_turkish_labels_of_new_levels_are_used(tmp_path):
    _, path = own_export(tmp_path)
    cb = load_codebook(study=study(tmp_path, EXTENDED))
    cohort = load_cohort(path, cb)
    t1 = tables.table1(cohort.data, cb, lang="tr")
    assert "Kolon" in set(t1["label"]) and "Taşlı yüzük hücreli karsinom" in set(t1["label"])


def test_without_the_study_file_the_same_export_is_refused_with_the_unknown_spellings(tmp_path):
    _, path = own_export(tmp_path)
    cohort = load_cohort(path, strict=False)
    assert {"Kemoterapi+Radyoterapi", "Taşlı yüzük"} <= set(cohort.errors["value"])
    assert "missing_column" in set(cohort.errors["rule"])  # "Primer organ" is no header the codebook knows


def test_a_yes_no_spelling_in_a_study_file_stays_text(tmp_path):
    frame = synthetic()
    frame.loc[0, "Hidrosefali"] = "hayir degil"
    path = write(frame, tmp_path / "x.csv")
    text = """\
        variables:
          - name: hydrocephalus
            synonyms: {true: [on], false: [hayir degil, no, off]}
    """
    cb = load_codebook(study=study(tmp_path, text))
    trues, falses = cb.yes_no(cb["hydrocephalus"])
    assert "on" in trues and {"off", "no", "hayir degil"} <= falses
    assert load_cohort(path, cb).data["hydrocephalus"].iloc[0] == False  # noqa: E712


@pytest.mark.parametrize("text, fragments", [
    ("variables:\n  - name: kps\n    type: integr\n    sectoin: table1\n",
     ['variables entry 1 ("kps")', "unknown key 'sectoin'", "did you mean 'section'", "key 'type'", "'integr'"]),
    ("variables:\n  - name: age\n    type: integer\n",
     ['variables entry 1 ("age")', "key 'type'", "built-in variable"]),
    ("variables:\n  - name: survival_days\n    type: integer\n    section: table1\n    label: {en: x}\n",
     ['variables entry 1 ("survival_days")', "key 'name'", "already uses"]),
    ("variables:\n  - name: kps\n    type: integer\n    label: {en: KPS}\n",
     ['variables entry 1 ("kps")', "'section' is missing"]),
    ("variables:\n  - name: treatment\n    aliases: [status]\n",
     ['variables entry 1 ("treatment")', "'status'", "Treatment", "Survival (vital status)"]),
    ("variables:\n  - name: sex\n    levels:\n      - {name: other, synonyms: [x]}\n",
     ['variables entry 1 ("sex"), levels entry 1 ("other")', "needs a 'label'", "female, male"]),
    ("variables:\n  - name: sex\n    levels:\n      - {name: female, synonyms: [E]}\n",
     ["'E'", "Female", "Male"]),
    ("variables:\n  - name: histology\n    levels:\n      - {name: adenocarcinoma, within: [colon]}\n",
     ["histology", "within", "colon", "is not a level of 'primary_site'"]),
    ("variables:\n- name: kps\n  type: integer\n   section: table1\n", ["not valid YAML", "line"]),
    ("variables:\n  - name: kps\n    type: integer\n    section: table1\n    label: {en: KPS}\n    levels: []\n",
     ['variables entry 1 ("kps")', "key 'levels'", "type integer"]),
    ("cranial_nerves:\n  rule: some\n", ["cranial_nerves, key 'rule'", "all, any"]),
])
def test_a_bad_study_file_gets_one_message_naming_the_file_the_entry_and_the_key(tmp_path, text, fragments):
    path = study(tmp_path, text, "bad_study.yaml")
    with pytest.raises(StudyError) as caught:
        load_codebook(study=path)
    message = str(caught.value)
    assert message.startswith(str(path))
    for fragment in fragments:
        assert fragment in message, message
    assert "Traceback" not in message and "('" not in message  # labels, never Python tuples


def test_the_cranial_nerve_rule_any_counts_a_patient_with_any_nerve_of_the_group(tmp_path):
    frame = synthetic()
    frame.loc[[0, 1, 2], "KS 5"] = "Sağ"
    frame.loc[[3, 4], "KS 6"] = "Sol"
    path = write(frame, tmp_path / "x.csv")
    cb = load_codebook(study=study(tmp_path, "cranial_nerves:\n  rule: any\n"))
    cohort = load_cohort(path, cb)
    t2 = tables.table2(cohort.data, cb)
    groups = rows(t2, "cranial_nerve_groups").set_index("level")
    involved = frame[NERVES].ne("")
    any_4_6 = involved[["KS 4", "KS 5", "KS 6"]].any(axis=1)
    all_4_6 = involved[["KS 4", "KS 5", "KS 6"]].all(axis=1)
    assert groups.loc["cn_group_4_6", "n"] == int(any_4_6.sum()) != int(all_4_6.sum())
    assert groups.loc["cn_group_4_6", "label"] == "CN 4–6 (any of 4, 5, 6 involved)"
    assert groups.loc["cn_group_5", "label"] == "CN 5"  # one nerve: no rule to say
    # each nerve on its own is still listed
    by_nerve = rows(t2, "cranial_nerves").set_index("level")
    assert by_nerve.loc["cn_5", "n"] == int(involved["KS 5"].sum())
    assert cohort.data["cn_group_4_6"].sum() == int(any_4_6.sum())  # the derived column follows the rule too


def test_the_rule_any_gives_the_same_counts_from_aggregates(tmp_path):
    from lmlib import scale

    frame = synthetic()
    frame.loc[[0, 1, 2], "KS 5"] = "Sağ"
    cb = load_codebook(study=study(tmp_path, "cranial_nerves:\n  rule: any\n"))
    data = load_cohort(write(frame, tmp_path / "x.csv"), cb).data
    pd.testing.assert_frame_equal(tables.table2(scale.aggregate(data, cb), cb), tables.table2(data, cb))


def test_a_study_file_can_replace_the_groups(tmp_path):
    text = """\
        cranial_nerves:
          groups:
            - {name: cn_group_oculomotor, members: [3, 4, 6], rule: any, label: {en: "CN 3, 4, 6", tr: "KS 3, 4, 6"}}
    """
    frame = synthetic()
    frame.loc[0, "KS 3"] = "Sağ"
    cb = load_codebook(study=study(tmp_path, text))
    t2 = tables.table2(load_cohort(write(frame, tmp_path / "x.csv"), cb).data, cb)
    group = rows(t2, "cranial_nerve_groups")
    assert list(group["level"]) == ["cn_group_oculomotor"]
    assert group["n"].iloc[0] == int(frame[["KS 3", "KS 4", "KS 6"]].ne("").any(axis=1).sum())


def test_a_studys_missing_value_is_unknown_in_every_column(tmp_path):
    frame = synthetic()
    frame.loc[0, "Epileptik nöbet"] = "9"
    frame.loc[1, "Yaş"] = "9"
    path = write(frame, tmp_path / "x.csv")
    cohort = load_cohort(path, study=study(tmp_path, 'missing_values: ["9"]\n'), strict=False)
    assert pd.isna(cohort.data["symptoms_seizure"].iloc[0]) and pd.isna(cohort.data["age"].iloc[1])


def test_a_changed_study_file_changes_the_codebook_digest_and_the_processed_key(tmp_path):
    from lmlib.processed import reuse_key

    first = study(tmp_path, "cranial_nerves:\n  rule: any\n", "a.yaml")
    second = study(tmp_path, "cranial_nerves:\n  rule: all\n", "b.yaml")
    digests = {load_codebook().sha256, load_codebook(study=first).sha256, load_codebook(study=second).sha256}
    assert len(digests) == 3
    keys = [reuse_key("x", d, None) for d in digests]
    assert len({tuple(sorted(k.items())) for k in keys}) == 3


def test_a_processed_cohort_is_not_reused_across_study_files(tmp_path):
    from lmlib.cohort import write_processed
    from lmlib.processed import read_processed

    path = write(synthetic(), tmp_path / "x.csv")
    plain = load_codebook()
    cohort = load_cohort(path, plain)
    write_processed(cohort, tmp_path / "cohort.parquet", codebook=plain)
    assert read_processed(path, plain, None, cohort.sha256, folder=tmp_path) is not None
    other = load_codebook(study=study(tmp_path, "cranial_nerves:\n  rule: any\n"))
    assert read_processed(path, other, None, cohort.sha256, folder=tmp_path) is None


def test_the_data_stamp_records_the_study_file_and_its_digest(tmp_path):
    from lmlib.report.stamp import stamp_text

    path = study(tmp_path, "cranial_nerves:\n  rule: any\n")
    before = stamp_text(str(config.SYNTHETIC_COHORT), None, None, {}, str(path))
    assert "study=my_study.yaml\n" in before  # outside the project: its name, never the absolute path
    assert str(tmp_path) not in before
    assert f"study_sha256={hashlib.sha256(path.read_bytes()).hexdigest()}\n" in before
    path.write_text("cranial_nerves:\n  rule: all\n", encoding="utf-8")
    assert stamp_text(str(config.SYNTHETIC_COHORT), None, None, {}, str(path)) != before


def test_a_study_file_names_a_nerve_column_of_its_own(tmp_path):
    frame = synthetic().rename(columns={"KS 7": "CN7 side"})
    path = write(frame, tmp_path / "x.csv")
    plain = load_cohort(path, strict=False)
    assert "unknown_column" in set(plain.problems["rule"])
    cb = load_codebook(study=study(tmp_path, 'variables:\n  - {name: cranial_nerves, nerve_aliases: {7: ["CN7 side"]}}\n'))
    cohort = load_cohort(path, cb)
    assert int(cohort.data["cn_7"].astype(object).ne("none").sum()) == int(frame["CN7 side"].ne("").sum())


def test_an_unknown_variable_name_gets_the_closest_built_in_names(tmp_path):
    with pytest.raises(StudyError) as caught:
        load_codebook(study=study(tmp_path, 'variables:\n  - {name: histological_type, aliases: ["Pathology"]}\n'))
    assert "did you mean histology (Histological type)?" in str(caught.value)


def test_the_readmes_example_study_file_is_valid_and_does_what_it_says(tmp_path):
    import re

    readme = (config.PROJ_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### The study file"):]
    example = re.search(r"```yaml\n(.*?)```", section, flags=re.S).group(1)
    cb = load_codebook(study=study(tmp_path, example))
    assert "colon" in cb["primary_site"].level_names and cb["kps"].spec["section"] == "table1"
    assert "colon" in dict((lv.name, lv.within) for lv in cb["histology"].levels)["adenocarcinoma"]
    assert cb.cranial_nerves["rule"] == "any" and cb.header_targets["cn 7 side"] == ("nerve", 7)
