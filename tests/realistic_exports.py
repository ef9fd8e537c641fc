"""Three exports of one made-up cohort, written the way hospitals write them (issue 11).

Nothing here comes from ``data/synthetic/`` or :mod:`lmlib.synthetic`: :func:`truth_table`
draws its own 52 patients (seed :data:`SEED`) with primaries, histologies, treatments and
variables the paper did not have (colon and kidney primaries, squamous, lobular, signet-ring
and clear-cell histologies, intrathecal chemotherapy, KPS, albumin), unknown values, and
separate dates of death and last contact. Each writer turns that truth into one export:

* :func:`write_excel`: ``.xlsx`` with a title row, a two-row header whose group titles are
  merged over their columns (symptoms, metastasis sites, cranial nerves), Excel dates, one
  "death or last contact" date column, Turkish spellings, and a ``Toplam`` row at the bottom;
* :func:`write_spss`: ``.sav`` with short variable names, English variable labels, numeric
  codes with value labels, ``9``/``999`` declared user-missing;
* :func:`write_csv`: Windows-1254, semicolon separated, decimal commas, symptoms and metastasis
  sites each in one delimited column, a date of death beside a date of last contact and no
  status column, direct identifiers (name, record number) to be dropped.

:func:`expected_counts` computes, with pandas from the truth alone, every count the reports'
Table 1 and Table 2 CSVs must show, as each export can express it.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 11_2024
N = 52
DATA_CUT = "2022-12-31"

PRIMARIES = {  # primary: (weight, [(histology, weight)])
    "lung": (18, [("adenocarcinoma", 9), ("small_cell_carcinoma", 4), ("squamous_cell_carcinoma", 5)]),
    "breast": (11, [("invasive_ductal_carcinoma", 7), ("invasive_lobular_carcinoma", 4)]),
    "skin": (4, [("malignant_melanoma", 1)]),
    "stomach": (5, [("adenocarcinoma", 2), ("signet_ring_cell_carcinoma", 3)]),
    "colon": (5, [("adenocarcinoma", 1)]),
    "kidney": (4, [("clear_cell_carcinoma", 1)]),
    "ovary": (2, [("serous_adenocarcinoma", 1)]),
    "unknown_primary": (3, [("unclassified", 1)]),
}
TREATMENTS = {"chemotherapy": 20, "chemoradiotherapy": 17, "intrathecal_chemotherapy": 7, "none": 8}
SYMPTOMS = {"headache": 0.85, "altered_consciousness": 0.45, "nausea_vomiting": 0.35, "focal_deficit": 0.2,
            "general_deterioration": 0.15, "seizure": 0.12}
SITES = {"parenchyma": 0.55, "dura": 0.15, "calvarium": 0.12}
LOCATIONS = {"supratentorial": 0.3, "infratentorial": 0.25, "both": 0.45}
PATTERNS = {"linear": 0.55, "nodular": 0.2, "both": 0.25}
NERVES = (3, 5, 6, 7, 8)  # the only nerves ever involved in this cohort
SIDES = ("left", "right", "bilateral")


def _pick(rng, weights: dict, size: int) -> np.ndarray:
    names = list(weights)
    p = np.array([weights[k] for k in names], dtype=float)
    return rng.choice(names, size=size, p=p / p.sum())


def truth_table(seed: int = SEED) -> pd.DataFrame:
    """The made-up cohort: one row per patient, canonical values; ``None``/NaN = unknown."""
    rng = np.random.default_rng(seed)
    primary = _pick(rng, {k: w for k, (w, _) in PRIMARIES.items()}, N)
    histology = [_pick(rng, dict(PRIMARIES[p][1]), 1)[0] for p in primary]
    t = pd.DataFrame({"patient_id": [f"H{1001 + i}" for i in range(N)],
                      "age": rng.integers(29, 83, N), "sex": _pick(rng, {"female": 0.45, "male": 0.55}, N),
                      "primary_site": primary, "histology": histology,
                      "treatment": _pick(rng, TREATMENTS, N)})
    t.loc[t["primary_site"].isin(["breast", "ovary"]), "sex"] = "female"
    for name, p in SYMPTOMS.items():
        t[name] = pd.array(rng.random(N) < p, dtype="boolean")
    t.loc[[4, 17], "seizure"] = pd.NA  # not known
    t.loc[[30], "nausea_vomiting"] = pd.NA
    kps = rng.choice(np.arange(40, 101, 10), size=N)
    t["kps"] = pd.array(kps, dtype="Int64")
    t.loc[[8, 41], "kps"] = pd.NA
    t["albumin"] = np.round(rng.normal(3.6, 0.5, N), 1)
    start = pd.Timestamp("2016-01-01") + pd.to_timedelta(rng.integers(0, 5 * 365, N), unit="D")
    t["lm_diagnosis_date"] = start
    days = np.ceil(rng.exponential(75, N)).astype(int) + 1
    dead = rng.random(N) < 0.8
    t["dead"] = dead
    t["lost_to_follow_up"] = pd.array(~dead & (rng.random(N) < 0.5), dtype="boolean")
    end = start + pd.to_timedelta(days, unit="D")
    t["death_date"] = end.where(dead)
    t["last_contact_date"] = end.where(~dead)
    for name, p in SITES.items():
        t[name] = pd.array(rng.random(N) < p, dtype="boolean")
    t["lm_location"] = _pick(rng, LOCATIONS, N)
    t["enhancement_pattern"] = _pick(rng, PATTERNS, N)
    t["subependymal_nodules"] = pd.array(rng.random(N) < 0.12, dtype="boolean")
    t["hydrocephalus"] = pd.array(rng.random(N) < 0.4, dtype="boolean")
    t.loc[[12], "hydrocephalus"] = pd.NA
    for n in NERVES:
        involved = rng.random(N) < {3: 0.06, 5: 0.12, 6: 0.12, 7: 0.15, 8: 0.1}[n]
        t[f"cn_{n}"] = np.where(involved, rng.choice(SIDES, N), "none")
    t.loc[[3, 9, 22], ["cn_5", "cn_6"]] = [["right", "right"], ["bilateral", "left"], ["left", "bilateral"]]
    return t


def survival(t: pd.DataFrame) -> pd.DataFrame:
    """Days from LM diagnosis to death or last contact, and death, from the truth."""
    end = t["death_date"].fillna(t["last_contact_date"])
    return pd.DataFrame({"days": (end - t["lm_diagnosis_date"]).dt.days.astype(float), "death": t["dead"]})


# ------------------------------------------------------------------------------ writers

TR = {  # Turkish spellings an Excel export uses
    "sex": {"female": "K", "male": "E"},
    "primary_site": {"lung": "Akciğer", "breast": "Meme", "skin": "Cilt", "stomach": "Mide", "colon": "Kolon",
                     "kidney": "Böbrek", "ovary": "Over", "unknown_primary": "Primeri bilinmeyen"},
    "histology": {"adenocarcinoma": "Adenokarsinom", "small_cell_carcinoma": "Küçük hücreli karsinom",
                  "squamous_cell_carcinoma": "Skuamöz hücreli karsinom",
                  "invasive_ductal_carcinoma": "İnvaziv duktal karsinom",
                  "invasive_lobular_carcinoma": "İnvaziv lobüler karsinom", "malignant_melanoma": "Malign melanom",
                  "signet_ring_cell_carcinoma": "Taşlı yüzük hücreli karsinom",
                  "clear_cell_carcinoma": "Berrak hücreli karsinom", "serous_adenocarcinoma": "Seröz adenokarsinom",
                  "unclassified": "Sınıflandırılamayan"},
    "treatment": {"chemotherapy": "KT", "chemoradiotherapy": "KT+RT", "intrathecal_chemotherapy": "İntratekal KT",
                  "none": "Tedavi almadı"},
    "lm_location": {"supratentorial": "Supratentoryal", "infratentorial": "İnfratentoryal", "both": "Supra+infra"},
    "enhancement_pattern": {"linear": "Lineer", "nodular": "Nodüler", "both": "Lineer+nodüler"},
    "side": {"left": "Sol", "right": "Sağ", "bilateral": "Bilateral", "none": None},
}
EXCEL_GROUPS = {
    "Semptomlar": [("headache", "Baş ağrısı"), ("altered_consciousness", "Bilinç bozukluğu"),
                   ("nausea_vomiting", "Bulantı/kusma"), ("focal_deficit", "Fokal defisit"),
                   ("general_deterioration", "Genel durum bozukluğu"), ("seizure", "Nöbet")],
    "Eşlik eden metastaz": [("parenchyma", "Parankim"), ("dura", "Dura"), ("calvarium", "Kalvaryum")],
    "Kraniyal sinir tutulumu": [(f"cn_{n}", f"KS {n}") for n in NERVES],
}


def _yes(value, yes="Var", no=None, unknown="Bilinmiyor"):
    if value is pd.NA or value is None or (isinstance(value, float) and np.isnan(value)):
        return unknown
    return yes if bool(value) else no


def excel_rows(t: pd.DataFrame) -> list[tuple[str, list]]:
    """(header, cells) of the Excel export, in column order; grouped columns carry their
    sub-header (their group title is in :data:`EXCEL_GROUPS`)."""
    end = t["death_date"].fillna(t["last_contact_date"])
    cols = [("Hasta Kodu", list(t["patient_id"])), ("Yaş", [int(a) for a in t["age"]]),
            ("Cinsiyet", [TR["sex"][s] for s in t["sex"]]),
            ("Primer Tümör", [TR["primary_site"][p] for p in t["primary_site"]]),
            ("Histopatoloji", [TR["histology"][h] for h in t["histology"]])]
    # symptoms are marked "Var" and left blank otherwise; a patient with none gets "Yok" in every
    # symptom column (an all-blank row would be "not recorded")
    none = ~t[list(SYMPTOMS)].fillna(True).astype(bool).any(axis=1)
    cols += [(sub, ["Yok" if empty else _yes(v) for v, empty in zip(t[name], none)])
             for name, sub in EXCEL_GROUPS["Semptomlar"]]
    cols += [("Tedavi", [TR["treatment"][x] for x in t["treatment"]]),
             ("KPS", [None if pd.isna(k) else int(k) for k in t["kps"]]),
             ("LM tanı tarihi", [d.to_pydatetime() for d in t["lm_diagnosis_date"]]),
             ("Ölüm / son kontrol", [d.to_pydatetime() for d in end]),
             ("Son durum", ["Eksitus" if d else "Sağ" for d in t["dead"]]),
             ("Takip dışı", [_yes(v, "Evet", "Hayır") for v in t["lost_to_follow_up"]])]
    cols += [(sub, [_yes(v, "Var", "Yok") for v in t[name]]) for name, sub in EXCEL_GROUPS["Eşlik eden metastaz"]]
    cols += [("Lokalizasyon", [TR["lm_location"][x] for x in t["lm_location"]]),
             ("Kontrast paterni", [TR["enhancement_pattern"][x] for x in t["enhancement_pattern"]]),
             ("Subependimal nodül", [_yes(v, "Var", "Yok") for v in t["subependymal_nodules"]]),
             ("Hidrosefali", [_yes(v, "Var", "Yok") for v in t["hydrocephalus"]])]
    cols += [(sub, [TR["side"][x] for x in t[name]]) for name, sub in EXCEL_GROUPS["Kraniyal sinir tutulumu"]]
    return cols


def write_excel(t: pd.DataFrame, path: Path) -> Path:
    """The .xlsx export (see the module docstring)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "LM hastaları"
    ws.cell(1, 1, "Leptomeningeal metastaz hastaları, Nöroradyoloji arşivi 2016-2021")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=8)
    top = 3
    columns = excel_rows(t)
    grouped = {sub: group for group, members in EXCEL_GROUPS.items() for _, sub in members}
    placed = set()
    for j, (header, cells) in enumerate(columns, start=1):
        group = grouped.get(header)
        if group is None:
            ws.cell(top, j, header)
            ws.merge_cells(start_row=top, start_column=j, end_row=top + 1, end_column=j)
        else:
            if group not in placed:
                span = [k for k, (h, _) in enumerate(columns, start=1) if grouped.get(h) == group]
                ws.cell(top, span[0], group)
                ws.merge_cells(start_row=top, start_column=span[0], end_row=top, end_column=span[-1])
                placed.add(group)
            ws.cell(top + 1, j, header)
        for i, value in enumerate(cells, start=top + 2):
            if value is not None:
                cell = ws.cell(i, j, value)
                if isinstance(value, dt.datetime):
                    cell.number_format = "DD.MM.YYYY"
    total = top + 2 + len(t)
    ws.cell(total, 1, "Toplam")
    ws.cell(total, 2, f"n = {len(t)}")
    wb.save(path)
    return path


SPSS_CODES = {
    "sex": {1: "Male", 2: "Female"},
    "primary_site": {1: "Lung", 2: "Breast", 3: "Melanoma (skin)", 4: "Stomach", 5: "Colorectal", 6: "Renal",
                     7: "Ovary", 8: "Unknown primary"},
    "histology": {1: "Adenocarcinoma", 2: "Small cell carcinoma", 3: "Squamous cell carcinoma",
                  4: "Invasive ductal carcinoma", 5: "Invasive lobular carcinoma", 6: "Malignant melanoma",
                  7: "Signet ring cell carcinoma", 8: "Clear cell renal cell carcinoma", 9: "Serous adenocarcinoma",
                  10: "Not classified"},
    "treatment": {1: "Chemotherapy", 2: "Chemotherapy + radiotherapy", 3: "Intrathecal chemotherapy",
                  4: "No treatment"},
    "lm_location": {1: "Supratentorial", 2: "Infratentorial", 3: "Supra- and infratentorial"},
    "enhancement_pattern": {1: "Linear", 2: "Nodular", 3: "Mixed"},
    "side": {0: "None", 1: "Left", 2: "Right", 3: "Bilateral"},
}
CANONICAL = {"sex": ["male", "female"],
             "primary_site": ["lung", "breast", "skin", "stomach", "colon", "kidney", "ovary", "unknown_primary"],
             "histology": ["adenocarcinoma", "small_cell_carcinoma", "squamous_cell_carcinoma",
                           "invasive_ductal_carcinoma", "invasive_lobular_carcinoma", "malignant_melanoma",
                           "signet_ring_cell_carcinoma", "clear_cell_carcinoma", "serous_adenocarcinoma", "unclassified"],
             "treatment": ["chemotherapy", "chemoradiotherapy", "intrathecal_chemotherapy", "none"],
             "lm_location": ["supratentorial", "infratentorial", "both"],
             "enhancement_pattern": ["linear", "nodular", "both"],
             "side": ["none", "left", "right", "bilateral"]}
SPSS_LABELS = {"hastano": "Patient number", "yas": "Age at LM diagnosis", "cins": "Sex", "primer": "Primary tumour",
               "histo": "Histology", "headache": "Headache", "confus": "Confusion", "nausea": "Nausea/vomiting",
               "focal": "Focal neurological deficit", "gendet": "General deterioration", "seizure": "Seizure",
               "tedavi": "Treatment", "kps": "Karnofsky performance status", "lmdate": "Date of LM diagnosis",
               "fudate": "Date of death or last contact", "status": "Vital status", "ltfu": "Lost to follow-up",
               "parench": "Parenchymal metastasis", "dural": "Dural metastasis", "calv": "Calvarial metastasis",
               "loc": "LM location", "pattern": "Enhancement pattern", "subep": "Subependymal nodules",
               "hydro": "Hydrocephalus", **{f"cn{n}": f"Cranial nerve {n}" for n in NERVES}}


def _codes(values, kind: str) -> list[float]:
    lookup = {name: float(code) for code, name in zip(SPSS_CODES[kind], CANONICAL[kind])}
    return [lookup[v] for v in values]


def _binary(values, unknown: float = 9.0) -> list[float]:
    return [unknown if v is pd.NA else float(bool(v)) for v in values]


def write_spss(t: pd.DataFrame, path: Path) -> Path:
    """The .sav export (see the module docstring)."""
    import pyreadstat

    end = t["death_date"].fillna(t["last_contact_date"])
    out = pd.DataFrame({
        "hastano": t["patient_id"], "yas": t["age"].astype(float), "cins": _codes(t["sex"], "sex"),
        "primer": _codes(t["primary_site"], "primary_site"), "histo": _codes(t["histology"], "histology"),
        "headache": _binary(t["headache"]), "confus": _binary(t["altered_consciousness"]),
        "nausea": _binary(t["nausea_vomiting"]), "focal": _binary(t["focal_deficit"]),
        "gendet": _binary(t["general_deterioration"]), "seizure": _binary(t["seizure"]),
        "tedavi": _codes(t["treatment"], "treatment"),
        "kps": [999.0 if pd.isna(k) else float(k) for k in t["kps"]],
        "lmdate": [d.date() for d in t["lm_diagnosis_date"]], "fudate": [d.date() for d in end],
        "status": [1.0 if d else 0.0 for d in t["dead"]], "ltfu": _binary(t["lost_to_follow_up"]),
        "parench": _binary(t["parenchyma"]), "dural": _binary(t["dura"]), "calv": _binary(t["calvarium"]),
        "loc": _codes(t["lm_location"], "lm_location"), "pattern": _codes(t["enhancement_pattern"],
                                                                          "enhancement_pattern"),
        "subep": _binary(t["subependymal_nodules"]), "hydro": _binary(t["hydrocephalus"]),
        **{f"cn{n}": _codes(t[f"cn_{n}"], "side") for n in NERVES},
    })
    yes_no = {0.0: "No", 1.0: "Yes", 9.0: "Unknown"}
    labels = {"cins": SPSS_CODES["sex"], "primer": SPSS_CODES["primary_site"], "histo": SPSS_CODES["histology"],
              "tedavi": SPSS_CODES["treatment"], "loc": SPSS_CODES["lm_location"],
              "pattern": SPSS_CODES["enhancement_pattern"], "status": {0.0: "Alive", 1.0: "Dead"},
              "kps": {999.0: "Not recorded"}, **{f"cn{n}": SPSS_CODES["side"] for n in NERVES}}
    labels = {k: {float(c): v for c, v in d.items()} for k, d in labels.items()}
    binary = ["headache", "confus", "nausea", "focal", "gendet", "seizure", "ltfu", "parench", "dural", "calv",
              "subep", "hydro"]
    labels.update({k: yes_no for k in binary})
    missing = {k: [9.0] for k in binary}
    missing["kps"] = [999.0]
    pyreadstat.write_sav(out, str(path), column_labels=[SPSS_LABELS[c] for c in out.columns],
                         variable_value_labels=labels, missing_ranges=missing,
                         variable_format={"lmdate": "EDATE10", "fudate": "EDATE10"})
    return path


CSV_SPELL = {
    "sex": {"female": "Kadın", "male": "Erkek"},
    "primary_site": {"lung": "Akciğer", "breast": "Meme", "skin": "Melanom", "stomach": "Mide", "colon": "Kolon",
                     "kidney": "Böbrek", "ovary": "Over", "unknown_primary": "Bilinmeyen primer"},
    "histology": {"adenocarcinoma": "Adeno Ca", "small_cell_carcinoma": "KHAK",
                  "squamous_cell_carcinoma": "Skuamöz hücreli", "invasive_ductal_carcinoma": "İDK",
                  "invasive_lobular_carcinoma": "İnvaziv lobüler", "malignant_melanoma": "Melanom",
                  "signet_ring_cell_carcinoma": "Taşlı yüzük hücreli", "clear_cell_carcinoma": "Berrak hücreli",
                  "serous_adenocarcinoma": "Seröz", "unclassified": "NOS"},
    "treatment": {"chemotherapy": "Kemoterapi", "chemoradiotherapy": "Kemoterapi+Radyoterapi",
                  "intrathecal_chemotherapy": "İntratekal kemoterapi", "none": "Almadı"},
    "symptom": {"headache": "baş ağrısı", "altered_consciousness": "bilinç bulanıklığı",
                "nausea_vomiting": "bulantı-kusma", "focal_deficit": "fokal defisit",
                "general_deterioration": "genel durum bozukluğu", "seizure": "nöbet"},
    "site": {"parenchyma": "Parankimal met.", "dura": "Dural", "calvarium": "Kalvaryal"},
    "lm_location": {"supratentorial": "Supra", "infratentorial": "İnfra", "both": "Supra+İnfra"},
    "enhancement_pattern": {"linear": "Lineer", "nodular": "Nodüler", "both": "Mikst"},
    "side": {"left": "Sol", "right": "Sağ", "bilateral": "Bilat.", "none": ""},
}
FAKE_NAMES = ["Ayşe Yılmaz", "Mehmet Kaya", "Fatma Demir", "Ali Çelik", "Zeynep Şahin", "Mustafa Öztürk"]


def _dmy(date) -> str:
    return "" if pd.isna(date) else pd.Timestamp(date).strftime("%d.%m.%Y")


def csv_symptoms(t: pd.DataFrame) -> list[str]:
    """The delimited symptoms cell: the symptoms present, "Yok" for none, "Bilinmiyor" when any
    symptom is not known (one cell cannot say which)."""
    cells = []
    for _, r in t.iterrows():
        values = [r[s] for s in SYMPTOMS]
        if any(v is pd.NA for v in values):
            cells.append("Bilinmiyor")
        else:
            present = [CSV_SPELL["symptom"][s] for s in SYMPTOMS if bool(r[s])]
            cells.append(", ".join(present) if present else "Yok")
    return cells


def write_csv(t: pd.DataFrame, path: Path) -> Path:
    """The Windows-1254 semicolon CSV (see the module docstring)."""
    sites = [", ".join(CSV_SPELL["site"][s] for s in SITES if bool(r[s])) or "Yok" for _, r in t.iterrows()]
    out = pd.DataFrame({
        "Protokol No": [f"2016/{4000 + 37 * i}" for i in range(len(t))],
        "Ad Soyad": [FAKE_NAMES[i % len(FAKE_NAMES)] for i in range(len(t))],
        "Hasta No": t["patient_id"], "Yaş": t["age"].astype(int).astype(str),
        "Cinsiyet": [CSV_SPELL["sex"][s] for s in t["sex"]],
        "Primer": [CSV_SPELL["primary_site"][p] for p in t["primary_site"]],
        "Histolojik tip": [CSV_SPELL["histology"][h] for h in t["histology"]],
        "Semptomlar": csv_symptoms(t),
        "Tedavi": [CSV_SPELL["treatment"][x] for x in t["treatment"]],
        "KPS": ["?" if pd.isna(k) else str(int(k)) for k in t["kps"]],
        "Albümin (g/dL)": [f"{a:.1f}".replace(".", ",") for a in t["albumin"]],
        "Tanı tarihi": [_dmy(d) for d in t["lm_diagnosis_date"]],
        "Ölüm tarihi": [_dmy(d) for d in t["death_date"]],
        "Son kontrol tarihi": [_dmy(d) for d in t["last_contact_date"]],
        "Takip dışı": ["Evet" if bool(v) else "Hayır" for v in t["lost_to_follow_up"]],
        "Eşlik eden metastaz": sites,
        "Lokalizasyon": [CSV_SPELL["lm_location"][x] for x in t["lm_location"]],
        "Patern": [CSV_SPELL["enhancement_pattern"][x] for x in t["enhancement_pattern"]],
        "Subependimal": ["Var" if bool(v) else "Yok" for v in t["subependymal_nodules"]],
        "Hidrosefali": [_yes(v, "Var", "Yok", "?") for v in t["hydrocephalus"]],
        **{f"KS {_roman(n)}": [CSV_SPELL["side"][x] for x in t[f"cn_{n}"]] for n in NERVES},
    })
    path.write_bytes(out.to_csv(sep=";", index=False, lineterminator="\r\n").encode("cp1254"))
    return path


def _roman(n: int) -> str:
    return ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"][n]


# ------------------------------------------------------------------------------ expected numbers

def _count_rows(section: str, item: str, values: pd.Series, levels) -> list[dict]:
    recorded = values.dropna()
    rows = [{"section": section, "item": item, "level": lv, "n": int((recorded == lv).sum()),
             "denominator": len(recorded)} for lv in levels]
    if values.isna().any():
        rows.append({"section": section, "item": item, "level": "missing", "n": int(values.isna().sum()),
                     "denominator": len(values)})
    return rows


def _multi_rows(section: str, item: str, block: pd.DataFrame) -> list[dict]:
    """Option by option among the patients with that option recorded; the missing row counts
    the patients with no option recorded at all."""
    rows = [{"section": section, "item": item, "level": c, "n": int(block[c].dropna().astype(bool).sum()),
             "denominator": int(block[c].notna().sum())} for c in block.columns]
    unanswered = block.isna().all(axis=1)
    if unanswered.any():
        rows.append({"section": section, "item": item, "level": "missing", "n": int(unanswered.sum()),
                     "denominator": len(block)})
    return rows


def _yes_rows(section: str, item: str, values: pd.Series) -> list[dict]:
    recorded = values.dropna()
    rows = [{"section": section, "item": item, "level": "yes", "n": int(recorded.astype(bool).sum()),
             "denominator": len(recorded)}]
    if values.isna().any():
        rows.append({"section": section, "item": item, "level": "missing", "n": int(values.isna().sum()),
                     "denominator": len(values)})
    return rows


def expected_counts(t: pd.DataFrame, export: str) -> pd.DataFrame:
    """Every count row Table 1 and Table 2 must show for ``export`` (``excel``, ``spss``,
    ``csv``), computed with pandas from the truth as that export can write it: the CSV says
    "Bilinmiyor" for a patient's whole symptom list when one symptom is unknown; its
    lost-to-follow-up has no unknown. Columns section, item, level, n, denominator."""
    rows = [{"section": "table1", "item": "n_patients", "level": "", "n": len(t), "denominator": pd.NA}]
    rows += _count_rows("table1", "sex", t["sex"], ["female", "male"])
    site_levels = list(PRIMARIES)
    rows += _count_rows("table1", "primary_site", t["primary_site"], site_levels)
    for site in site_levels:
        within = t.loc[t["primary_site"] == site, "histology"]
        for hist, n in within.value_counts().items():
            rows.append({"section": "table1", "item": "histology", "level": f"{site}:{hist}", "n": int(n),
                         "denominator": len(t)})
    symptoms = t[list(SYMPTOMS)].copy()
    if export == "csv":
        unknown = symptoms.isna().any(axis=1)
        symptoms.loc[unknown, :] = pd.NA
    rows += _multi_rows("table1", "symptoms", symptoms)
    rows += _count_rows("table1", "treatment", t["treatment"], list(TREATMENTS))
    status = t["dead"].map({True: "dead", False: "alive"})
    followed = ~t["lost_to_follow_up"].fillna(False).astype(bool)
    rows += [r for r in _count_rows("table1", "vital_status", status[followed], ["dead", "alive"])]
    rows += _yes_rows("table1", "lost_to_follow_up", t["lost_to_follow_up"])
    rows += _multi_rows("table2", "metastases", t[list(SITES)])
    isolated = ~t[list(SITES)].astype(bool).any(axis=1)
    rows += _yes_rows("table2", "isolated_lm", isolated)
    rows += _count_rows("table2", "lm_location", t["lm_location"], list(LOCATIONS))
    rows += _count_rows("table2", "enhancement_pattern", t["enhancement_pattern"], list(PATTERNS))
    rows += _yes_rows("table2", "subependymal_nodules", t["subependymal_nodules"])
    hydro = t["hydrocephalus"]
    rows += _yes_rows("table2", "hydrocephalus", hydro)
    nerves = pd.DataFrame({f"cn_{n}": (t[f"cn_{n}"] != "none") if n in NERVES else False for n in range(1, 13)})
    rows += _yes_rows("table2", "cn_any", nerves.any(axis=1))
    groups = {"cn_group_4_6": [4, 5, 6], "cn_group_5": [5], "cn_group_7_8": [7, 8], "cn_group_9_10": [9, 10]}
    flags = pd.DataFrame({g: nerves[[f"cn_{n}" for n in m]].all(axis=1) for g, m in groups.items()})
    rows += _multi_rows("table2", "cranial_nerve_groups", flags)
    rows += _multi_rows("table2", "cranial_nerves", nerves)
    return pd.DataFrame(rows)


def expected_continuous(t: pd.DataFrame, column: str) -> dict:
    """n, missing, mean, SD (ddof 1), min and max of a numeric truth column."""
    values = pd.to_numeric(t[column], errors="coerce").astype(float)
    known = values.dropna()
    return {"n": len(known), "missing": int(values.isna().sum()), "mean": known.mean(), "sd": known.std(ddof=1),
            "min": known.min(), "max": known.max()}
