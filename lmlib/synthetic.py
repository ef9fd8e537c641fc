"""The synthetic cohort: 32 made-up patients that reproduce every number the paper publishes.

No patient-level data of the paper exists in public, so the package ships a cohort generated
here, deterministically (seeded), from the published numbers in ``data/published.yaml``:
every count of Tables 1 and 2; age mean 55.4, SD printing as 12, range 29–75; 26 deaths and
6 patients lost to follow-up after treatment (censored); Kaplan–Meier median 30 days with
SPSS's SE between 9.541 and 9.55 (so "30 ± 9.5" and, truncated as the paper did, "11.2–48.7");
the four patients of the figure captions; cranial nerve involvement only in lung and breast
carcinoma, one patient with bilateral CN 4–10; isolated LM exactly in the patients without
parenchymal, dural or calvarial metastasis. The rest (dates, scanner, symptom combinations)
is drawn plausibly. The result is written the way a Turkish hospital export looks (Turkish
headers and labels, dd.mm.yyyy dates, ';' separated UTF-8 with BOM, blank cells), so it takes
exactly the loading path a user's file takes.

Run ``python -m lmlib synthesize`` (or ``make synthetic``) to rebuild the files under
``data/synthetic/``; a test checks that the committed files are what this module produces.
"""
from __future__ import annotations

from dataclasses import dataclass
import datetime as dt
import io
from pathlib import Path

import numpy as np
import pandas as pd

from . import config
from .atomic import write_bytes
from .codebook import load_codebook
from .survival.spss import spss_median
from .yamlload import load_yaml

SEED = 20180427
DATA_CUT = dt.date(2018, 12, 31)
FIRST_DIAGNOSIS, LAST_DIAGNOSIS = dt.date(2015, 1, 31), dt.date(2018, 4, 27)
AGE_SUM = 1773  # mean 1773 / 32 = 55.41, prints as 55.4
AGE_SD_TARGET, AGE_SD_TOLERANCE = 12.0, 0.02
SE_WINDOW = (9.541, 9.55)  # SPSS SE: prints 9.5 and, truncated, 30 ± 1.96 SE = 11.2–48.7
MEDIAN_DAYS = 30
PATIENT_ID = "LM-{:03d}"


def load_published(path: str | Path | None = None) -> dict:
    """The published numbers (``data/published.yaml``) as a dict."""
    return load_yaml(Path(path or config.PUBLISHED).read_text(encoding="utf-8"))


def published_count(published: dict, item: str, level: str) -> int:
    for row in published["counts"]:
        if row["item"] == item and str(row.get("level", "")) == level:
            return int(row["n"])
    raise KeyError(f"no published count for {item}={level}")


@dataclass
class _Draw:
    rng: np.random.Generator

    def pick(self, pool: list[int], k: int) -> list[int]:
        """k distinct members of ``pool`` (order of ``pool`` kept)."""
        if k > len(pool):
            raise ValueError(f"cannot pick {k} of {len(pool)}")
        chosen = set(self.rng.choice(len(pool), size=k, replace=False).tolist())
        return [p for i, p in enumerate(pool) if i in chosen]


def generate_cohort(published: dict | None = None, seed: int = SEED) -> pd.DataFrame:
    """The synthetic cohort in canonical form (codebook names and levels), one row per patient."""
    pub = published or load_published()
    n = int(pub["n"])
    draw = _Draw(np.random.default_rng(seed))
    count = lambda item, level: published_count(pub, item, level)  # noqa: E731
    p = pd.DataFrame(index=range(n))

    # primary site and histology, in the table's order
    rows = []
    for entry in pub["counts"]:
        if entry["item"] == "histology":
            site, hist = entry["level"].split(":")
            rows += [(site, hist)] * int(entry["n"])
    for site in ("unknown_primary",):
        rows += [(site, None)] * count("primary_site", site)
    assert len(rows) == n, "histology counts must add up to n"
    p["primary_site"] = [r[0] for r in rows]
    p["histology"] = [r[1] for r in rows]

    # the patients of the figure captions take the first matching slots
    cases = pub["cases"]
    case_rows: list[int] = []
    for case in cases:
        row = next(i for i in p.index if i not in case_rows and p.at[i, "primary_site"] == case["primary_site"]
                   and p.at[i, "histology"] == case["histology"])
        case_rows.append(row)
    free = [i for i in p.index if i not in case_rows]

    # sex: breast and ovary female; the melanoma caption female; the rest to reach the count
    p["sex"] = "male"
    for i, case in zip(case_rows, cases):
        p.at[i, "sex"] = case["sex"]
    female = [i for i in p.index if p.at[i, "primary_site"] in ("breast", "ovary")]
    p.loc[female, "sex"] = "female"
    n_female = count("sex", "female") - int((p["sex"] == "female").sum())
    lung_free = [i for i in free if p.at[i, "primary_site"] == "lung" and p.at[i, "histology"] == "adenocarcinoma"]
    p.loc[draw.pick(lung_free, n_female), "sex"] = "female"

    # categorical imaging items: captions fixed, the rest drawn to reach the published counts
    for item in ("lm_location", "enhancement_pattern"):
        p[item] = None
        for i, case in zip(case_rows, cases):
            p.at[i, item] = case[item]
        pool = list(free)
        draw.rng.shuffle(pool)
        levels = [e["level"] for e in pub["counts"] if e["item"] == item]
        for level in levels:
            k = count(item, level) - int((p[item] == level).sum())
            p.loc[pool[:k], item] = level
            pool = pool[k:]

    # accompanying metastases: isolated LM = none of them; dura and calvarium with parenchyma
    isolated = draw.pick(free, count("isolated_lm", "yes"))
    p["metastases_parenchyma"] = ~p.index.isin(isolated)
    with_parenchyma = [i for i in p.index if i not in isolated]
    assert len(with_parenchyma) == count("metastases", "parenchyma")
    dura = draw.pick(with_parenchyma, count("metastases", "dura"))
    p["metastases_dura"] = p.index.isin(dura)
    p["metastases_calvarium"] = p.index.isin(draw.pick(dura, count("metastases", "calvarium")))

    # subependymal nodules: one of each histology of Figure 4, the rest drawn
    sub = []
    for hist in pub["subependymal_histologies"]:
        sub.append(next(i for i in free if p.at[i, "histology"] == hist and i not in sub))
    sub += draw.pick([i for i in free if i not in sub], count("subependymal_nodules", "yes") - len(sub))
    p["subependymal_nodules"] = p.index.isin(sub)
    hydro = [case_rows[k] for k, c in enumerate(cases) if c.get("hydrocephalus")]
    hydro += draw.pick([i for i in free], count("hydrocephalus", "yes") - len(hydro))
    p["hydrocephalus"] = p.index.isin(hydro)

    _cranial_nerves(p, pub, cases, case_rows, free, draw)
    _symptoms(p, pub, draw)
    _treatment_and_follow_up(p, pub, draw)
    p["age"] = _ages(p, cases, case_rows, draw)
    _survival(p, draw)
    _dates(p, draw)
    p["field_strength"] = np.where(draw.rng.random(n) < 0.6, "1.5T", "3T")
    p.loc[draw.pick(list(p.index), 2), "field_strength"] = None  # not recorded for two patients

    # patient ids in order of LM diagnosis, as a registry numbers them
    p = p.sort_values(["lm_diagnosis_date", "age"], kind="mergesort").reset_index(drop=True)
    p.insert(0, "patient_id", [PATIENT_ID.format(i + 1) for i in range(n)])
    return p


def _cranial_nerves(p, pub, cases, case_rows, free, draw) -> None:
    for nerve in range(1, 13):
        p[f"cn_{nerve}"] = "none"
    for i, case in zip(case_rows, cases):
        for nerve in case.get("cranial_nerves_bilateral", []):
            p.at[i, f"cn_{nerve}"] = "bilateral"
    groups = {g: published_count(pub, "cranial_nerve_groups", f"cn_group_{g}") for g in ("5", "7_8")}
    sites = set(pub["cranial_nerve_sites"])
    pool = [i for i in free if p.at[i, "primary_site"] in sites]
    already = {g: int(sum((p.loc[i, [f"cn_{m}" for m in members]] != "none").all() for i in p.index))
               for g, members in (("5", [5]), ("7_8", [7, 8]))}
    # one more patient with CN V alone, two with CN VII-VIII (one per lung and breast)
    cn5 = draw.pick([i for i in pool if p.at[i, "primary_site"] == "breast"], groups["5"] - already["5"])
    for i in cn5:
        p.at[i, "cn_5"] = "right"
    need = groups["7_8"] - already["7_8"]
    rest = [i for i in pool if i not in cn5]
    cn78 = draw.pick([i for i in rest if p.at[i, "primary_site"] == "lung"], need - 1)
    cn78 += draw.pick([i for i in rest if p.at[i, "primary_site"] == "breast"], 1)
    for i, side in zip(cn78, ("left", "bilateral")):
        p.at[i, "cn_7"] = side
        p.at[i, "cn_8"] = side


def _symptoms(p, pub, draw) -> None:
    idx = list(p.index)
    for entry in pub["counts"]:
        if entry["item"] == "symptoms":
            column = f"symptoms_{entry['level']}"
            p[column] = p.index.isin(draw.pick(idx, int(entry["n"])))


def _treatment_and_follow_up(p, pub, draw) -> None:
    pool = list(p.index)
    draw.rng.shuffle(pool)
    p["treatment"] = None
    for entry in (e for e in pub["counts"] if e["item"] == "treatment"):
        k = int(entry["n"])
        p.loc[pool[:k], "treatment"] = entry["level"]
        pool = pool[k:]
    treated = [i for i in p.index if p.at[i, "treatment"] != "none"]
    lost = draw.pick(treated, published_count(pub, "lost_to_follow_up", "yes"))
    p["lost_to_follow_up"] = p.index.isin(lost)
    p["vital_status"] = np.where(p["lost_to_follow_up"], "alive", "dead")


def _ages(p, cases, case_rows, draw) -> np.ndarray:
    ages = np.clip(np.rint(draw.rng.normal(55.4, 12.0, len(p))), 30, 74).astype(int)
    fixed = dict(zip(case_rows, (c["age"] for c in cases)))
    # the youngest patient has breast cancer, the oldest lung adenocarcinoma
    young = next(i for i in p.index if p.at[i, "primary_site"] == "breast" and i not in fixed)
    old = next(i for i in p.index if p.at[i, "histology"] == "adenocarcinoma" and p.at[i, "sex"] == "male"
               and i not in fixed)
    fixed.update({young: 29, old: 75})
    for i, age in fixed.items():
        ages[i] = age
    movable = [i for i in p.index if i not in fixed]

    def loss(a):
        return abs(int(a.sum()) - AGE_SUM) * 10 + abs(float(a.std(ddof=1)) - AGE_SD_TARGET)

    while int(ages.sum()) != AGE_SUM or abs(ages.std(ddof=1) - AGE_SD_TARGET) >= AGE_SD_TOLERANCE:
        best, best_loss = None, loss(ages)
        for i in movable:
            for step in (-1, 1):
                if 30 <= ages[i] + step <= 74:
                    ages[i] += step
                    value = loss(ages)
                    ages[i] -= step
                    if value < best_loss - 1e-12:
                        best, best_loss = (i, step), value
        if best is None:
            raise RuntimeError("age search is stuck; change SEED")
        ages[best[0]] += best[1]
    return ages


def _survival(p, draw) -> None:
    """Survival days with SPSS median 30 and SE in SE_WINDOW.

    Times are drawn lognormal around the published median (untreated patients shorter) and
    rescaled so the SPSS median is 30 days. Shifting every time above the median by δ days
    keeps the order of events, hence every S(t), and widens the interval between the event
    times where S crosses 0.55 and 0.45 by δ: SPSS's SE(median) is then linear in δ, and
    the δ putting it in SE_WINDOW is solved for. Draws are repeated (seeded) until one fits.
    """
    n = len(p)
    dead = p["vital_status"].eq("dead").to_numpy()
    scale = np.where(p["treatment"].eq("none"), 0.5, 1.0)
    low, high = SE_WINDOW
    for _ in range(1000):
        days = MEDIAN_DAYS * scale * np.exp(draw.rng.normal(0.0, 1.0, n))
        days = np.where(dead, days, np.maximum(days, 20))
        first = spss_median(np.rint(days), dead).estimate
        if not np.isfinite(first):
            continue
        days = np.maximum(1, np.rint(days * MEDIAN_DAYS / first)).astype(int)
        if spss_median(days, dead).estimate != MEDIAN_DAYS:
            continue
        later = days > MEDIAN_DAYS
        se0 = spss_median(days, dead).se
        slope = spss_median(days + later, dead).se - se0
        if not np.isfinite(se0) or slope <= 0:
            continue
        shift = int(np.ceil((low - se0) / slope))
        shifted = days + shift * later
        if later.any() and shifted[later].min() <= MEDIAN_DAYS or shifted.max() > 365:
            continue
        med = spss_median(shifted, dead)
        if med.estimate == MEDIAN_DAYS and low <= med.se < high:
            p["survival_days"] = shifted
            return
    raise RuntimeError("no survival draw fits the published median and SE; change SEED")


def _dates(p, draw) -> None:
    span = (LAST_DIAGNOSIS - FIRST_DIAGNOSIS).days
    offsets = np.sort(draw.rng.integers(0, span + 1, len(p)))
    offsets[0], offsets[-1] = 0, span  # the study period's first and last referral
    # longer survivors get earlier diagnoses where needed so every date is before the data cut
    order = np.argsort(-p["survival_days"].to_numpy(), kind="mergesort")
    diagnosis = np.empty(len(p), dtype=object)
    slots = list(range(len(p)))
    for i in order:
        room = [s for s in slots if FIRST_DIAGNOSIS + dt.timedelta(days=int(offsets[s])) +
                dt.timedelta(days=int(p.at[i, "survival_days"])) <= DATA_CUT]
        s = room[int(draw.rng.integers(len(room)))]
        slots.remove(s)
        diagnosis[i] = FIRST_DIAGNOSIS + dt.timedelta(days=int(offsets[s]))
    p["lm_diagnosis_date"] = pd.to_datetime(list(diagnosis))
    p["last_contact_date"] = p["lm_diagnosis_date"] + pd.to_timedelta(p["survival_days"], unit="D")


# ---------------------------------------------------------------- the hospital-style export
EXPORT_LEVELS = {
    "sex": {"female": "K", "male": "E"},
    "treatment": {"chemotherapy": "KT", "chemoradiotherapy": "KT+RT", "none": "Tedavi almayan"},
    "vital_status": {"dead": "Eksitus", "alive": "Sağ"},
    "lm_location": {"supratentorial": "Supratentoryal", "infratentorial": "İnfratentoryal", "both": "Supra+infra"},
    "enhancement_pattern": {"linear": "Lineer", "nodular": "Nodüler", "both": "Lineer+nodüler"},
    "field_strength": {"1.5T": "1,5T", "3T": "3T"},
    "cn": {"none": "", "left": "Sol", "right": "Sağ", "bilateral": "Bilateral"},
}


def to_hospital_export(cohort: pd.DataFrame, codebook=None) -> pd.DataFrame:
    """The canonical cohort written as a Turkish hospital export: Turkish headers and labels,
    dd.mm.yyyy dates, symptoms as 'Var' or blank, nerves filled only where involved."""
    cb = codebook or load_codebook()
    out = pd.DataFrame({"Hasta No": cohort["patient_id"]})
    out["Yaş"] = cohort["age"].astype(int)
    out["Cinsiyet"] = cohort["sex"].map(EXPORT_LEVELS["sex"])
    out["Primer tümör"] = cohort["primary_site"].map(lambda v: cb["primary_site"].level_label(v, "tr"))
    out["Histoloji"] = cohort["histology"].map(lambda v: "" if v is None else cb["histology"].level_label(v, "tr"))
    for option in cb["symptoms"].options:
        out[option.label["tr"]] = np.where(cohort[f"symptoms_{option.name}"], "Var", "")
    out["Tedavi"] = cohort["treatment"].map(EXPORT_LEVELS["treatment"])
    out["LM tanı tarihi"] = cohort["lm_diagnosis_date"].dt.strftime("%d.%m.%Y")
    out["Ölüm / son kontrol tarihi"] = cohort["last_contact_date"].dt.strftime("%d.%m.%Y")
    out["Durum"] = cohort["vital_status"].map(EXPORT_LEVELS["vital_status"])
    out["Takip dışı"] = np.where(cohort["lost_to_follow_up"], "Evet", "")
    out["MRG (Tesla)"] = cohort["field_strength"].map(EXPORT_LEVELS["field_strength"]).fillna("")
    for option, header in (("parenchyma", "Parankim met"), ("dura", "Dura met"), ("calvarium", "Kalvaryum met")):
        out[header] = np.where(cohort[f"metastases_{option}"], "Var", "Yok")
    out["Lokalizasyon"] = cohort["lm_location"].map(EXPORT_LEVELS["lm_location"])
    out["Kontrastlanma paterni"] = cohort["enhancement_pattern"].map(EXPORT_LEVELS["enhancement_pattern"])
    out["Subependimal nodül"] = np.where(cohort["subependymal_nodules"], "Var", "Yok")
    out["Hidrosefali"] = np.where(cohort["hydrocephalus"], "Var", "Yok")
    for nerve in range(1, 13):
        out[f"KS {nerve}"] = cohort[f"cn_{nerve}"].map(EXPORT_LEVELS["cn"])
    return out


HAEMATOLOGICAL_DIAGNOSES = [
    "Akut lenfoblastik lösemi", "Akut miyeloid lösemi", "Kronik lenfositik lösemi",
    "Diffüz büyük B hücreli lenfoma", "Burkitt lenfoma", "Multipl miyelom",
]


def generate_screening(cohort: pd.DataFrame, published: dict | None = None, seed: int = SEED) -> pd.DataFrame:
    """The screening log of the flow diagram: every referred patient with LM on MRI, the
    included ones linked by patient id, the excluded ones with their reason."""
    pub = published or load_published()
    flow = {f["item"]: int(f["n"]) for f in pub["flow"]}
    rng = np.random.default_rng(seed + 1)
    # referral order: included and excluded patients interleaved at random
    is_included = rng.permutation(flow["screened"]) < flow["included"]
    log = pd.DataFrame({"Tarama No": [f"T-{i + 1:03d}" for i in range(flow["screened"])]})
    log["Hasta No"] = ""
    log.loc[is_included, "Hasta No"] = list(cohort["patient_id"])
    log["Malignite grubu"] = np.where(is_included, "Solid tümör", "Hematolojik malignite")
    cb = load_codebook()
    solid = [cb["histology"].level_label(h, "tr") if isinstance(h, str) else cb["primary_site"].level_label(s, "tr")
             for s, h in zip(cohort["primary_site"], cohort["histology"])]
    log["Tanı"] = ""
    log.loc[is_included, "Tanı"] = solid
    log.loc[~is_included, "Tanı"] = rng.choice(HAEMATOLOGICAL_DIAGNOSES, size=flow["excluded"])
    log["Dahil"] = np.where(is_included, "Evet", "Hayır")
    log["Dışlanma nedeni"] = np.where(is_included, "", "Hematolojik malignite")
    return log


def export_bytes(frame: pd.DataFrame) -> bytes:
    """';'-separated UTF-8 with BOM and CRLF line ends, as Excel in Turkish locale saves CSV."""
    buffer = io.StringIO()
    frame.to_csv(buffer, sep=";", index=False, lineterminator="\r\n")
    return "\ufeff".encode("utf-8") + buffer.getvalue().encode("utf-8")


def write_synthetic(directory: str | Path | None = None) -> list[Path]:
    """Generate and write the synthetic cohort and screening log (atomically)."""
    directory = Path(directory or config.SYNTHETIC_DIR)
    cohort = generate_cohort()
    paths = [directory / config.SYNTHETIC_COHORT.name, directory / config.SYNTHETIC_SCREENING.name]
    write_bytes(paths[0], export_bytes(to_hospital_export(cohort)))
    write_bytes(paths[1], export_bytes(generate_screening(cohort)))
    return paths
