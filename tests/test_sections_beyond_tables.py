"""The report sections beyond Tables 1–2 on a hospital export that lacks columns: what the file
does not record is said in words (never a 0, never part of a verdict), cross-tabulation
percentages name their denominator, the UpSet caption counts only what is known. Every count is
checked against the generating table (pandas), never against lmlib's own output."""
from __future__ import annotations

import datetime as dt
import math

import matplotlib

matplotlib.use("Agg")

import openpyxl  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from lmlib import tables  # noqa: E402
from lmlib import survival_report as sr  # noqa: E402
from lmlib.audit import reproduce  # noqa: E402
from lmlib.codebook import load_codebook  # noqa: E402
from lmlib.cohort import load_cohort  # noqa: E402
from lmlib.present import audit as shown, descriptive  # noqa: E402
from lmlib.present.numbers import Style  # noqa: E402
from lmlib.present.survival import censoring_text  # noqa: E402
from lmlib.published import load_published  # noqa: E402

STUDY = 'study_file: 1\nvariables:\n  - {name: metastases, options: [{name: parenchyma, aliases: ["Beyin met."]}]}\n'
HEADERS = ["Hasta No", "Yaş", "Cinsiyet", "Primer", "Patoloji", "Tedavi", "LM tanı tarihi", "Ex tarihi",
           "Son kontrol", "Enhancement pattern", "Lokalizasyon", "Beyin met.", "KS 7", "Hidrosefali"]
# No lost-to-follow-up, symptom, dura, calvarium or subependymal column: as a hospital exports it.
SITES = {"lung": ("Akciğer", "Adenokarsinom"), "breast": ("Meme", "İnvaziv duktal")}
BRAIN = {"yes": "+", "no": "-", None: None}
HYDRO = {True: "var", False: "yok", None: "bilinmiyor"}


def truth_table() -> pd.DataFrame:
    """14 patients: lung 8 (one hydrocephalus unknown, two parenchyma blank), breast 6."""
    rows = []
    sites = ["lung"] * 8 + ["breast"] * 6
    brain = ["yes", "yes", None, "no", "yes", None, "yes", "no", "yes", "no", "no", "yes", None, "no"]
    hydro = [True, False, None, False, True, False, False, False, True, False, None, False, False, True]
    cn7 = [True, False, False, False, False, True, False, False, False, False, False, False, False, True]
    for i, (site, b, h, c) in enumerate(zip(sites, brain, hydro, cn7)):
        start = dt.datetime(2020, 1, 1) + dt.timedelta(days=17 * i)
        dead = i % 5 != 2
        rows.append(dict(id=str(i + 1), age=40 + i, sex="male" if i % 2 else "female", site=site, brain=b,
                         hydro=h, cn7=c, start=start, dead=dead,
                         end=start + dt.timedelta(days=20 + 9 * i)))
    return pd.DataFrame(rows)


def write_export(t: pd.DataFrame, folder) -> tuple:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for r in t.itertuples():
        primary, histology = SITES[r.site]
        ws.append([r.id, r.age, "E" if r.sex == "male" else "K", primary, histology, "KT", r.start,
                   r.end if r.dead else None, r.end, "Lineer", "Supratentoryal", BRAIN[r.brain],
                   "+" if r.cn7 else None, HYDRO[r.hydro]])
    path, study = folder / "arsiv.xlsx", folder / "arsiv.study.yaml"
    wb.save(path)
    study.write_text(STUDY, encoding="utf-8")
    return path, study


@pytest.fixture(scope="module")
def truth() -> pd.DataFrame:
    return truth_table()


@pytest.fixture(scope="module")
def export(truth, tmp_path_factory):
    path, study = write_export(truth, tmp_path_factory.mktemp("export"))
    codebook = load_codebook(study=study)
    return load_cohort(path, codebook, data_cut="2023-12-31"), codebook


ABSENT_ITEMS = ("lost_to_follow_up", "isolated_lm", "subependymal_nodules")


def test_the_file_records_what_the_truth_table_says(export, truth):
    cohort, _ = export
    assert len(cohort.data) == len(truth)
    assert cohort.data["metastases_parenchyma"].sum() == (truth["brain"] == "yes").sum()
    assert cohort.data["metastases_parenchyma"].isna().sum() == truth["brain"].isna().sum()
    assert set(ABSENT_ITEMS) <= set(cohort.not_in_file)


def test_the_comparison_with_the_paper_says_not_in_this_file_never_zero(export, truth):
    cohort, codebook = export
    audit = reproduce.reproduction_audit(cohort.data, codebook, load_published(), cohort.not_in_file)
    absent = audit[audit["item"].isin(ABSENT_ITEMS + ("symptoms",))
                   | ((audit["item"] == "metastases") & audit["level"].isin(["dura", "calvarium"]))]
    assert set(absent["item"]) >= set(ABSENT_ITEMS) | {"symptoms", "metastases"}
    assert set(absent["status"]) <= set(reproduce.ABSENT)
    assert absent["computed_value"].isna().all()
    # the counts the file has are still compared, against the truth table
    sex = audit[(audit["item"] == "sex") & (audit["level"] == "female") & (audit["statistic"] == "n")]
    assert sex["computed_value"].iloc[0] == (truth["sex"] == "female").sum()
    brain = audit[(audit["item"] == "metastases") & (audit["level"] == "parenchyma") & (audit["statistic"] == "n")]
    assert brain["computed_value"].iloc[0] == (truth["brain"] == "yes").sum()
    for lang, words in (("en", "not in this file"), ("tr", "bu dosyada yok")):
        style = Style(lang=lang)
        mine = shown.side_by_side(audit, codebook, lang)
        cells = {(r.cells["label"], r.cells["statistic"]): r.cells
                 for r in shown.side_by_side_table(mine, style, codebook).rows}
        lost = [c for (label, _), c in cells.items() if label == tables.item_label(codebook, "lost_to_follow_up", lang)]
        assert lost and all(c["computed"] == words and c["difference"] == "—" for c in lost)
        isolated = [c for (label, _), c in cells.items() if label == tables.item_label(codebook, "isolated_lm", lang)]
        assert isolated and all(c["computed"] == words for c in isolated)
        csv = shown.csv_frame(mine, style)
        assert (csv.loc[mine["item"] == "subependymal_nodules", "computed"] == words).all()
        assert "0" not in set(csv.loc[mine["item"].isin(ABSENT_ITEMS), "computed"])


def test_numbers_not_in_the_file_take_no_part_in_a_verdict(export):
    cohort, codebook = export
    audit = reproduce.reproduction_audit(cohort.data, codebook, load_published(), cohort.not_in_file)
    absent = audit["status"].isin(reproduce.ABSENT)
    assert absent.sum() > 0 and not audit.loc[absent, "status"].isin(reproduce.MATCHES + ("mismatch",)).any()
    assert any(line.startswith("Not in this file") for line in shown.legend(Style(), audit))
    assert not any(line.startswith("Not in this file") for line in shown.legend(Style(), audit[~absent]))
    summary = shown.summary_sentence(audit, Style(), codebook)
    assert f"{int(absent.sum())} published number(s) are not in this file" in summary
    mismatch_part = summary.split("differ without an explanation")[-1]
    assert "Lost to follow-up" not in mismatch_part and "subependymal" not in mismatch_part


def test_table_1_leaves_no_one_out_by_a_rule_on_a_column_the_file_does_not_have(export, truth):
    cohort, codebook = export
    t1 = tables.table1(cohort.data, codebook, not_in_file=cohort.not_in_file)
    vital = t1[(t1["item"] == "vital_status") & (t1["kind"] == "level")]
    assert vital["denominator_rule"].isna().all()
    dead = vital.loc[vital["level"] == "dead", "n"].iloc[0]
    assert dead == truth["dead"].sum() and vital["denominator"].iloc[0] == len(truth)
    html = descriptive.display_table(t1, Style()).to_html()
    assert "left out of the denominator" not in html
    assert "Lost to follow-up" in html and "Not in this file" in html


def test_the_survival_page_says_lost_to_follow_up_is_not_recorded_rather_than_zero(export, truth):
    cohort, codebook = export
    report = sr.build(cohort.data, codebook)
    assert math.isnan(report.numbers.lost_to_follow_up)
    line = censoring_text(report)
    censored = int((~truth["dead"]).sum())
    assert line.startswith(f"Censored (alive at last contact): {censored} of {len(truth)} patients")
    assert line.endswith("lost to follow-up: not recorded in this file.")


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_the_missing_row_of_a_yes_no_item_is_indented_like_a_level(export, truth, lang):
    cohort, codebook = export
    t2 = tables.table2(cohort.data, codebook, lang=lang, not_in_file=cohort.not_in_file)
    table = descriptive.display_table(t2, Style(lang=lang))
    rows = [(r.cells["label"], r.indent) for r in table.rows]
    label = tables.item_label(codebook, "hydrocephalus", lang)
    at = next(i for i, (text, _) in enumerate(rows) if text == label)
    assert rows[at][1] == 0
    assert rows[at + 1] == (Style(lang=lang).text("word.missing"), 1)
    hydro = t2[t2["item"] == "hydrocephalus"]
    assert hydro.loc[hydro["kind"] == "missing", "n"].iloc[0] == truth["hydro"].isna().sum()


# ------------------------------------------------------------------------------ Table 3 (cross-tabulation)

def _crosstab_display(export, lang="en", k=0):
    from lmlib import crosstab, suppress
    from lmlib.present import crosstabs

    cohort, codebook = export
    xt = suppress.suppress_crosstab(crosstab.findings_by(cohort.data, codebook, lang=lang,
                                                         not_in_file=cohort.not_in_file), k)
    absent = crosstab.not_in_file_labels(codebook, cohort.not_in_file, lang=lang)
    return xt, crosstabs.display_table(xt, Style(lang=lang, suppress_below=k), not_in_file=absent)


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_table_3_names_its_denominator_and_counts_the_missing(export, truth, lang):
    style = Style(lang=lang)
    _, table = _crosstab_display(export, lang)
    rows = [r.cells for r in table.rows]
    heads = [c.header for c in table.columns]
    _, codebook = export
    label = tables.item_label(codebook, "hydrocephalus", lang)
    at = next(i for i, r in enumerate(rows) if r["label"] == label)
    for site in ("lung", "breast"):
        group = truth[truth["site"] == site]
        known = group["hydro"].dropna()
        n, d = int(known.astype(bool).sum()), len(known)
        assert d < len(group)
        assert rows[at][f"g:{site}"] == f"{n}/{d} ({style.percent(100 * n / d)})"
        assert rows[at + 1]["label"] == style.text("word.missing")
        assert rows[at + 1][f"g:{site}"] == str(len(group) - d)
    assert any(f"(n = {(truth['site'] == 'lung').sum()})" in h for h in heads)
    brain = tables.item_label(codebook, "metastases", lang)
    at = next(i for i, r in enumerate(rows) if r["label"].startswith(brain))
    lung = truth[truth["site"] == "lung"]["brain"].dropna()
    n, d = int((lung == "yes").sum()), len(lung)
    assert rows[at]["g:lung"] == f"{n}/{d} ({style.percent(100 * n / d)})"


def test_table_3_leaves_out_findings_not_in_the_file_with_one_note(export):
    xt, table = _crosstab_display(export)
    assert not set(xt["item"]) & {"isolated_lm", "subependymal_nodules", "metastases_dura", "metastases_calvarium"}
    labels = [r.cells["label"] for r in table.rows]
    assert not any("Dura" in x or "Calvarium" in x or "subependymal" in x or "Isolated" in x for x in labels)
    notes = [n for n in table.notes if n.startswith("Not in this file")]
    assert len(notes) == 1 and "Dura" in notes[0] and "subependymal" in notes[0] and "Isolated" in notes[0]


def test_table_3_masks_a_small_missing_count_with_the_small_cell_rule(export, truth):
    _, table = _crosstab_display(export, k=3)
    rows = [r.cells for r in table.rows]
    missing = [r for r in rows if r["label"] == "Missing"]
    assert missing and all(r["g:lung"] in ("<3", "0") or int(r["g:lung"]) >= 3 for r in missing)
    assert any(r["g:lung"] == "<3" for r in missing)


# ------------------------------------------------------------------------------ Figure 5 (UpSet)

ALL_SITES_STUDY = ('study_file: 1\nvariables:\n  - {name: metastases, options: [{name: parenchyma, aliases: ["Beyin met."]}, '
                   '{name: dura, aliases: ["Dura met."]}, {name: calvarium, aliases: ["Kalvaryum met."]}]}\n')


def write_all_sites(t: pd.DataFrame, folder):
    """The same patients with every metastasis site: dura "+" for patients 2 and 9, calvarium
    "-", and both blank where the parenchyma is blank, so that those rows have no site recorded
    (a blank option beside a filled one means "not present": the README's convention), and a
    column for every other cranial nerve, all blank (not involved), so that "no nerve" is known."""
    other_nerves = [f"KS {n}" for n in range(1, 13) if n != 7]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS + ["Dura met.", "Kalvaryum met."] + other_nerves)
    for i, r in enumerate(t.itertuples()):
        primary, histology = SITES[r.site]
        blank = r.brain is None
        dura = "+" if i in (1, 8) else None if blank else "-"
        ws.append([r.id, r.age, "E" if r.sex == "male" else "K", primary, histology, "KT", r.start,
                   r.end if r.dead else None, r.end, "Lineer", "Supratentoryal", BRAIN[r.brain],
                   "+" if r.cn7 else None, HYDRO[r.hydro], dura, None if blank else "-"] + [None] * len(other_nerves))
    path, study = folder / "sites.xlsx", folder / "sites.study.yaml"
    wb.save(path)
    study.write_text(ALL_SITES_STUDY, encoding="utf-8")
    return path, study


def test_the_upset_caption_counts_only_patients_known_to_have_no_site_and_no_nerve(truth, tmp_path):
    from lmlib import plots

    path, study = write_all_sites(truth, tmp_path)
    codebook = load_codebook(study=study)
    cohort = load_cohort(path, codebook, data_cut="2023-12-31")
    assert not {"metastases_dura", "metastases_calvarium"} & set(cohort.not_in_file)
    dura = pd.Series([i in (1, 8) for i in range(len(truth))])
    no_dot = (truth["brain"] != "yes") & ~dura & ~truth["cn7"]
    known = no_dot & truth["brain"].notna()  # a site recorded in every other row; a blank nerve = not involved
    counts = plots.without_findings(cohort.data, codebook, cohort.not_in_file)
    assert counts == {"shown": int(no_dot.sum()), "known": int(known.sum()), "unknown": int((no_dot & ~known).sum())}
    assert 0 < counts["known"] < counts["shown"]
    caption = plots.upset_caption(cohort.data, codebook, Style(), cohort.not_in_file)
    assert (f"holds the {int(no_dot.sum())} patients with none of these findings: {int(known.sum())} are known to have "
            f"no accompanying metastasis and no cranial nerve involvement; for {int((no_dot & ~known).sum())} this is "
            "not known") in caption
    assert "isolated" not in caption.lower()


def test_no_patient_is_known_to_have_no_site_when_a_site_is_not_in_the_file(export, truth):
    from lmlib import plots

    cohort, codebook = export
    counts = plots.without_findings(cohort.data, codebook, cohort.not_in_file)
    no_dot = int(((truth["brain"] != "yes") & ~truth["cn7"]).sum())
    assert counts == {"shown": no_dot, "known": 0, "unknown": no_dot}


def test_one_recorded_finding_gives_no_upset_view_and_says_which_instead_of_crashing(truth, tmp_path):
    from lmlib import plots

    t = truth.assign(cn7=False)  # no nerve column at all: only the cerebral parenchyma is recorded
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS[:-2])
    for r in t.itertuples():
        primary, histology = SITES[r.site]
        ws.append([r.id, r.age, "E" if r.sex == "male" else "K", primary, histology, "KT", r.start,
                   r.end if r.dead else None, r.end, "Lineer", "Supratentoryal", BRAIN[r.brain]])
    wb.save(tmp_path / "one.xlsx")
    (tmp_path / "one.study.yaml").write_text(STUDY, encoding="utf-8")
    codebook = load_codebook(study=tmp_path / "one.study.yaml")
    cohort = load_cohort(tmp_path / "one.xlsx", codebook, data_cut="2023-12-31")
    flags = plots.membership(cohort.data, codebook)
    assert [c for c in flags if flags[c].any()] == ["Cerebral parenchyma"]
    assert int(flags["Cerebral parenchyma"].sum()) == int((truth["brain"] == "yes").sum())
    assert not plots.can_upset(flags)
    assert plots.no_upset_text(flags, Style()) == ("This file records one of these findings only (Cerebral parenchyma): "
                                                   "there is no combination to show, no UpSet view is drawn.")
    assert "yalnızca biri kayıtlı" in plots.no_upset_text(plots.membership(cohort.data, codebook, lang="tr"),
                                                          Style(lang="tr"))
