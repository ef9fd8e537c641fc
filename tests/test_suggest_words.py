"""The suggestions of `make study` weigh the words, not only the letters: a generic word ("met.",
"hücreli") carries no match, a known spelling whose other words the text lacks is not offered, and
a yes/no column named after a level ("Ex (E/H)") is that variable. Headers and values are written
by hand the way a Turkish or English export writes them (a user trial's misleading suggestions)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lmlib.codebook import load_codebook
from lmlib.suggest import CUTOFF, LEVEL_CUTOFF, closest_headers, closest_levels


@pytest.fixture(scope="module")
def cb():
    return load_codebook()


def top_header(header, cb):
    found = closest_headers(header, cb)
    return found[0].target if found else None


def top_level(value, variable, cb):
    found = closest_levels(value, cb[variable])
    return found[0].target if found else None


@pytest.mark.parametrize("header", ["Karaciğer met.", "Karaciğer metastazı", "Kemik met.", "Akciğer met.",
                                    "Liver metastasis", "Bone metastases"])
def test_a_metastasis_site_no_option_has_is_suggested_as_no_option(header, cb):
    found = closest_headers(header, cb, cutoff=0)
    assert all(m.score < CUTOFF for m in found if m.target[:2] == ("option", "metastases")), found
    assert top_header(header, cb) is None


@pytest.mark.parametrize("header", ["Beyin met.", "Beyin metastazı", "Brain metastasis"])
def test_a_brain_metastasis_column_is_suggested_as_the_parenchyma_option(header, cb):
    assert top_header(header, cb) == ("option", "metastases", "parenchyma")


def test_a_gait_disturbance_column_is_no_general_deterioration(cb):
    found = closest_headers("Yürüme bozukluğu", cb, cutoff=0)
    assert all(m.score < CUTOFF for m in found if m.target == ("option", "symptoms", "general_deterioration"))
    assert top_header("Genel durum bozukluğu var", cb) == ("option", "symptoms", "general_deterioration")


def test_an_ex_column_is_no_sex_column_by_its_header(cb):
    assert all(m.target != ("variable", "sex") for m in closest_headers("Ex (E/H)", cb))
    assert top_header("Cinsiyet (E/K)", cb) == ("variable", "sex")


@pytest.mark.parametrize("value, variable, wrong", [
    ("RT", "treatment", "chemoradiotherapy"),
    ("Radyoterapi", "treatment", "chemoradiotherapy"),
    ("Supra + infratentoryal", "lm_location", "infratentorial"),
    ("Berrak hücreli RHK", "histology", "small_cell_carcinoma"),
    ("Berrak hücreli karsinom", "histology", "small_cell_carcinoma"),
    ("Taşlı yüzük hücreli", "histology", "small_cell_carcinoma"),
    ("Clear cell renal cell carcinoma", "histology", "small_cell_carcinoma"),
    ("Signet ring cell carcinoma", "histology", "small_cell_carcinoma"),
    ("Skuamöz hücreli karsinom", "histology", "small_cell_carcinoma"),
    ("İnvaziv lobüler", "histology", "invasive_ductal_carcinoma"),
    ("Invasive lobular carcinoma", "histology", "invasive_ductal_carcinoma"),
])
def test_a_level_sharing_only_some_words_is_not_suggested(value, variable, wrong, cb):
    found = closest_levels(value, cb[variable], cutoff=0)
    assert all(m.score < LEVEL_CUTOFF for m in found if m.target == wrong), found


@pytest.mark.parametrize("value, variable, right", [
    ("Supra + infratentoryal", "lm_location", "both"),
    ("Supra- and infratentorial", "lm_location", "both"),
    ("İnfratentoryal bölge", "lm_location", "infratentorial"),
    ("KT + RT", "treatment", "chemoradiotherapy"),
    ("Chemotherapy + radiotherapy", "treatment", "chemoradiotherapy"),
    ("Almadı", "treatment", "none"),
    ("Küçük hücreli", "histology", "small_cell_carcinoma"),
    ("Adeno Ca", "histology", "adenocarcinoma"),
    ("İnvaziv duktal", "histology", "invasive_ductal_carcinoma"),
    ("Parankimal met.", "metastases", "parenchyma"),
])
def test_a_level_with_every_word_of_a_spelling_is_suggested_first(value, variable, right, cb):
    assert top_level(value, variable, cb) == right


def test_both_parts_of_a_location_put_both_above_either_part(cb):
    found = closest_levels("Supra + infratentoryal", cb["lm_location"], cutoff=0)
    scores = {m.target: m.score for m in found}
    assert found[0].target == "both" and scores.get("infratentorial", 0) < LEVEL_CUTOFF


@pytest.mark.parametrize("header, known", [("Başağrısı", ("option", "symptoms", "headache")),
                                           ("Kontrast paterni", ("variable", "enhancement_pattern")),
                                           ("Bilinç bozukluğu", ("option", "symptoms", "altered_consciousness")),
                                           ("CN7 side", ("nerve", 7))])
def test_headers_that_were_found_before_still_are(header, known, cb):
    assert top_header(header, cb) == known


# ------------------------------------------------------------------ a draft of a hand-written export

def hand_export(tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    ex = ["E", "H", "E", "E", "H", "E", "E", "H", "E", "E"]
    frame = pd.DataFrame({
        "Hasta no": [f"P{i:02d}" for i in range(1, 11)],
        "Yaş": ["54", "61", "47", "70", "38", "66", "59", "45", "72", "50"],
        "Cinsiyet": ["E", "K", "K", "E", "K", "E", "E", "K", "E", "K"],
        "Primer": ["Akciğer", "Meme", "Meme", "Akciğer", "Meme", "Mide", "Akciğer", "Meme", "Akciğer", "Meme"],
        "Ex (E/H)": ex,
        "Karaciğer met.": ["+", "", "", "+", "", "", "+", "", "", ""],
        "Beyin met.": ["+", "+", "", "", "+", "", "+", "", "", "+"],
        "Yürüme bozukluğu": ["", "+", "", "", "", "+", "", "", "+", ""],
        "Tedavi": ["KT", "RT", "KT + RT", "RT", "KT", "Tedavi almadı", "KT", "RT", "KT + RT", "KT"],
        "Lokalizasyon": ["Supratentoryal", "Supra + infratentoryal", "İnfratentoryal", "Supra + infratentoryal",
                         "Supratentoryal", "Supratentoryal", "İnfratentoryal", "Supra + infratentoryal",
                         "Supratentoryal", "Supratentoryal"],
    })
    path = tmp_path / "hand.csv"
    path.write_bytes(frame.to_csv(sep=";", index=False).encode("utf-8"))
    return path, frame


def test_the_draft_suggests_what_each_hand_written_column_is(tmp_path):
    from lmlib.mapping import draft, scan

    path, _ = hand_export(tmp_path)
    text = draft(scan(path))
    block = lambda header: text.split(f'# ---- Column "{header}" matched no known header')[1].split("# ----")[0]  # noqa: E731
    ex = block("Ex (E/H)")
    first = next(line for line in ex.splitlines() if line.strip().startswith("# - {"))
    assert first.strip() == ('# - {name: vital_status, aliases: ["Ex (E/H)"], levels: [{name: dead, synonyms: ["E"]}, '
                             '{name: alive, synonyms: ["H"]}]}')
    assert "name: sex" not in ex
    assert "name: dura" not in block("Karaciğer met.") and "name: metastases" not in block("Karaciğer met.")
    assert "karaciger_met" in block("Karaciğer met.")  # a variable of its own
    assert '# - {name: metastases, options: [{name: parenchyma, aliases: ["Beyin met."]}]}' in block("Beyin met.")
    assert "general_deterioration" not in block("Yürüme bozukluğu")
    assert '{name: chemoradiotherapy, synonyms: ["RT"]}' not in text
    assert '# - {name: lm_location, levels: [{name: both, synonyms: ["Supra + infratentoryal"]}]}' in text
    assert "{name: infratentorial, synonyms" not in text
    assert all(not line.startswith("  - {") for line in text.splitlines())  # nothing applied: all commented out


def test_the_suggested_vital_status_line_counts_the_deaths_the_export_has(tmp_path):
    from lmlib.api import load

    path, frame = hand_export(tmp_path)
    study = tmp_path / "s.yaml"
    study.write_text('study_file: 1\nvariables:\n  - {name: vital_status, aliases: ["Ex (E/H)"], levels: '
                     '[{name: dead, synonyms: ["E"]}, {name: alive, synonyms: ["H"]}]}\n', encoding="utf-8")
    data = load(path, study=study, strict=False).data
    assert (data["vital_status"] == "dead").sum() == (frame["Ex (E/H)"] == "E").sum() == 7
    assert (data["vital_status"] == "alive").sum() == (frame["Ex (E/H)"] == "H").sum() == 3


@pytest.mark.parametrize("header, values, level", [("Eksitus", ["Var", "Yok", "Var"], "dead"),
                                                    ("Exitus", ["Evet", "Hayır", "Evet"], "dead"),
                                                    ("Sağ", ["+", "-", "+"], "alive")])
def test_a_yes_no_column_named_after_a_level_is_that_variable(header, values, level, tmp_path):
    from lmlib.mapping.columns import _level_named

    found = _level_named(header, pd.Series(values), load_codebook())
    assert found and found[0].target[1] == "vital_status" and found[0].target[2][0][0] == level
    assert _level_named(header, pd.Series(["12.03.2020", "Yok", "Var"]), load_codebook()) == []  # not yes/no
