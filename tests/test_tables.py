"""Tables 1 and 2 on the synthetic cohort: the paper's numbers, an independent implementation
(tableone and plain pandas), layout, languages and the exports."""
from __future__ import annotations

import io
import warnings

import pandas as pd
import pytest

from lmlib import export, formatting, tables
from lmlib.codebook import load_codebook
from lmlib.cohort import load_cohort

PUBLISHED = tables.load_published()
CB = load_codebook()
PERCENT_ROWS = [e for e in PUBLISHED["counts"] if "percent" in e]


def group_key(members: list[int]) -> str:
    return next(g["name"] for g in CB.cranial_nerves["groups"] if g["members"] == members)


CN_7_8 = group_key([7, 8])


@pytest.fixture(scope="module")
def data():
    return load_cohort().data


@pytest.fixture(scope="module")
def both(data):
    return pd.concat([tables.table1(data, CB), tables.table2(data, CB)], ignore_index=True)


def row(table: pd.DataFrame, item: str, level: str) -> pd.Series:
    hit = table[(table["item"] == item) & (table["level"] == level)]
    assert len(hit) == 1, f"{item}={level}: {len(hit)} rows"
    return hit.iloc[0]


@pytest.mark.parametrize("entry", PUBLISHED["counts"], ids=lambda e: f"{e['item']}={e.get('level', '')}")
def test_every_published_count_is_in_the_tables_under_its_key(both, entry):
    r = row(both[both["section"] == entry["section"]], entry["item"], str(entry.get("level", "")))
    assert int(r["n"]) == entry["n"]
    if "denominator" in entry:
        assert int(r["denominator"]) == entry["denominator"]


@pytest.mark.parametrize("entry", [e for e in PERCENT_ROWS if e.get("level") != CN_7_8],
                         ids=lambda e: f"{e['item']}={e.get('level', '')}")
def test_every_published_percentage_is_reproduced_rounded_half_away_from_zero(both, entry):
    r = row(both[both["section"] == entry["section"]], entry["item"], str(entry["level"]))
    assert formatting.round_half_away(r["percent"], 1) == entry["percent"]


def test_cn_7_8_prints_the_computed_9_4_not_the_papers_misprinted_6_3(both):
    published = next(e for e in PUBLISHED["counts"] if e.get("level") == CN_7_8)
    r = row(both, tables.GROUP_ITEM, CN_7_8)
    assert (int(r["n"]), int(r["denominator"])) == (3, 32) == (published["n"], published["denominator"])
    assert formatting.round_half_away(r["percent"], 1) == 9.4
    assert formatting.round_half_away(r["percent"], 1) != published["percent"] == 6.3
    shown = formatting.add_display(tables.table2(load_cohort().data, CB))
    assert shown.loc[(shown["level"] == CN_7_8), "display"].item() == "3 (9.4%)"


def test_age_matches_the_published_continuous_summary(both):
    pub = PUBLISHED["continuous"][0]
    r = row(both, "age", "")
    assert formatting.round_half_away(r["mean"], 1) == pub["mean"]
    assert formatting.round_half_away(r["sd"], 0) == pub["sd"]
    assert (r["min"], r["max"]) == (pub["min"], pub["max"])


def test_survival_denominator_is_the_patients_still_followed(both):
    dead = row(both, "vital_status", "dead")
    assert (int(dead["n"]), int(dead["denominator"]), dead["percent"]) == (26, 26, 100.0)
    assert dead["denominator_rule"] == "lost_to_follow_up" and int(dead["excluded"]) == 6


def test_a_denominator_rule_can_be_switched_off(data):
    t = tables.table1(data, CB, denominators={"vital_status": None})
    dead = row(t, "vital_status", "dead")
    assert int(dead["denominator"]) == 32 and pd.isna(dead["denominator_rule"])


# ---------------------------------------------------------------- independent implementations

def plain_count(data: pd.DataFrame, item: str, level: str) -> tuple[int, int]:
    """(n, denominator) written with plain pandas, separately from lmlib."""
    if item == "histology":
        site, hist = level.split(":")
        return int(((data["primary_site"].astype(str) == site) & (data["histology"].astype(str) == hist)).sum()), len(data)
    if item in ("symptoms", "metastases"):
        return int(data[f"{item}_{level}"].fillna(False).sum()), len(data)
    if item == tables.GROUP_ITEM:
        members = next(g["members"] for g in CB.cranial_nerves["groups"] if g["name"] == level)
        hit = pd.Series(True, index=data.index)
        for n in members:
            col = data[f"cn_{n}"].astype(str)
            hit &= ~col.isin(["none", "False", "<NA>", "nan"])
        return int(hit.sum()), len(data)
    if item == "vital_status":
        followed = data[data["lost_to_follow_up"] != True]  # noqa: E712
        return int((followed["vital_status"].astype(str) == level).sum()), len(followed)
    if level == "yes":
        return int(data[item].fillna(False).sum()), int(data[item].notna().sum())
    return int((data[item].astype(str) == level).sum()), int(data[item].notna().sum())


@pytest.mark.parametrize("entry", PERCENT_ROWS, ids=lambda e: f"{e['item']}={e.get('level', '')}")
def test_counts_equal_a_plain_pandas_implementation(data, both, entry):
    r = row(both[both["section"] == entry["section"]], entry["item"], str(entry["level"]))
    assert (int(r["n"]), int(r["denominator"])) == plain_count(data, entry["item"], str(entry["level"]))


def test_counts_and_percentages_equal_tableone(data, both):
    tableone = pytest.importorskip("tableone")
    items = [v.name for v in CB.variables if v.type == "categorical" and v.spec.get("section") in ("table1", "table2")
             and not v.spec.get("nested_in") and v.name != "vital_status"]
    frame = pd.DataFrame({c: data[c].astype(object).where(data[c].notna()).astype(str) for c in items})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t1 = tableone.TableOne(frame, columns=items, categorical=items, pval=False, decimals=6)
    described = t1.cat_describe
    checked = 0
    for item in items:
        for level in CB[item].level_names:
            key = (item, level)
            if key not in described.index:
                continue
            ours = row(both, item, level)
            theirs_n = int(described.loc[key, ("freq", "Overall")])
            if level != "missing" and data[item].isna().any():
                continue  # tableone counts "nan" as a level; the missing row is tested elsewhere
            assert int(ours["n"]) == theirs_n
            assert ours["percent"] == pytest.approx(float(described.loc[key, ("percent", "Overall")]), abs=1e-4)
            checked += 1
    assert checked >= 14


# ---------------------------------------------------------------- layout

def test_rows_follow_the_papers_order_with_extra_items_after(data):
    t2 = tables.table2(data, CB)
    order = list(dict.fromkeys(t2["item"]))
    paper = list(dict.fromkeys(e["item"] for e in PUBLISHED["counts"] if e["section"] == "table2"))
    assert order[1:len(paper) + 1] == paper
    assert order[len(paper) + 1:] == ["field_strength", "cranial_nerves"]
    t1 = tables.table1(data, CB)
    assert list(dict.fromkeys(t1["item"]))[:4] == ["n_patients", "age", "sex", "primary_site"]


def test_levels_are_in_codebook_order_and_histology_nested_under_its_site(data):
    t1 = tables.table1(data, CB)
    assert t1.loc[t1["item"] == "treatment", "level"].tolist()[1:] == CB["treatment"].level_names
    lines = t1[t1["item"].isin(["primary_site", "histology"])]["level"].tolist()
    assert lines[1:4] == ["lung", "lung:adenocarcinoma", "lung:small_cell_carcinoma"]
    assert lines.index("stomach:adenocarcinoma") == lines.index("stomach") + 1
    nested = t1[t1["item"] == "histology"]
    assert (nested["indent"] == 2).all() and (nested["denominator"] == 32).all()


def test_multi_response_items_have_one_header_and_a_row_per_option(data):
    t1 = tables.table1(data, CB)
    symptoms = t1[t1["item"] == "symptoms"]
    assert symptoms["kind"].tolist() == ["header"] + ["option"] * len(CB["symptoms"].options)
    assert symptoms["multi_response"].all()


def test_cranial_nerves_are_grouped_as_the_paper_and_listed_per_nerve(data):
    t2 = tables.table2(data, CB)
    groups = t2[t2["item"] == tables.GROUP_ITEM]
    assert groups["level"].tolist() == [g["name"] for g in CB.cranial_nerves["groups"]]
    per_nerve = t2[(t2["item"] == "cranial_nerves") & (t2["kind"] == "option")]
    assert per_nerve.set_index("level").loc["cn_7", "n"] == 3
    assert len(per_nerve) == 12


def test_turkish_labels_come_from_the_codebook(data):
    t2 = tables.table2(data, CB, lang="tr")
    assert row(t2, "enhancement_pattern", "nodular")["label"] == "Nodüler"
    assert row(t2, "field_strength", "missing")["label"] == "Eksik"


def test_a_continuous_summary_override_is_recorded_in_the_row(data):
    t1 = tables.table1(data, CB, summary="age=median_iqr")
    age = row(t1, "age", "")
    assert (age["summary"], age["summary_source"]) == ("median_iqr", "parameter")
    assert row(tables.table1(data, CB), "age", "")["summary_source"] == "default"
    with pytest.raises(ValueError, match="mean_sd"):
        tables.parse_summary("age=geometric")
    with pytest.raises(ValueError, match="not continuous"):
        tables.table1(data, CB, summary="sex=median_iqr")


def test_test_input_data_not_modified(data):
    before = data.copy()
    tables.table1(data, CB, summary={"age": "median_iqr"})
    tables.table2(data, CB, lang="tr")
    pd.testing.assert_frame_equal(data, before)


# ---------------------------------------------------------------- exports

def test_tidy_csv_has_the_required_columns_and_round_trips(data, tmp_path):
    t1 = tables.table1(data, CB)
    path = export.write_csv(export.tidy_csv_frame(t1, lang="tr"), tmp_path / "table1.csv")
    back = pd.read_csv(path, keep_default_na=False)
    assert back.columns[:7].tolist() == ["section", "item", "level", "n", "denominator", "percent", "display"]
    lung = back[(back["item"] == "primary_site") & (back["level"] == "lung")].iloc[0]
    assert (int(lung["n"]), lung["display"]) == (17, "17 (%53.1)")
    assert float(back[back["item"] == "age"]["shapiro_p"].iloc[0]) == pytest.approx(row(t1, "age", "")["shapiro_p"])


def test_latex_export_is_booktabs_with_escaped_percent_signs(data):
    tex = export.to_latex(tables.table1(data, CB), caption="Table 1", label="tab:t1")
    assert r"\toprule" in tex and r"\bottomrule" in tex and r"\label{tab:t1}" in tex
    assert r"17 (53.1\%)" in tex and r"55.4 $\pm$ 12.0 (29--75)" in tex
    assert r"\hspace*{2em}Adenocarcinoma" in tex


def test_word_export_has_the_papers_layout(data, tmp_path):
    docx = pytest.importorskip("docx")
    from statsmodels.stats.proportion import proportion_confint

    paths = export.write_table(tables.table2(data, CB), tmp_path, "table2", hide_ci=False, caption="Table 2")
    doc = docx.Document(io.BytesIO(paths["docx"].read_bytes()))
    grid = doc.tables[0]
    assert [c.text for c in grid.rows[0].cells] == ["Characteristic", "n (%)", "95% CI"]
    texts = {r.cells[0].text: r.cells[1].text for r in grid.rows[1:]}
    # value cells never break inside: no-break spaces (U+00A0), dashes joined (U+2060)
    assert texts["CN 7–8 (all of 7, 8 involved)"] == "3\u00a0(9.4%)"
    assert texts["Isolated intracranial leptomeningeal involvement"] == "4\u00a0(12.5%)"
    ci = {r.cells[0].text: r.cells[2].text for r in grid.rows[1:]}["Isolated intracranial leptomeningeal involvement"]
    low, high = proportion_confint(4, 32, method="wilson")  # statsmodels, not lmlib
    assert ci == f"{100 * low:.1f}\u2060–\u2060{100 * high:.1f}"
    assert any("Wilson" in p.text for p in doc.paragraphs)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table2.csv", "table2.docx", "table2.tex"]
