"""Privacy: direct identifiers are recognised and dropped, never written anywhere; no full date in
a shared report; patient data and notebook outputs stay out of git."""
from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
import re
import shutil
import subprocess
import zipfile

import nbformat
import pandas as pd
import pytest

from lmlib import config, identifiers
from lmlib.cohort import load_cohort
from lmlib.problems import ValidationError
from test_kill_report import VENV, copy_project, make_env, run_make

ROOT = config.PROJ_ROOT
N = 32
IDENTIFIER_WORDING = "looks like direct identifiers"


def national_id(prefix: str) -> str:
    """A valid Turkish national ID number from 9 digits (the first not 0): the two check digits."""
    d = [int(c) for c in prefix]
    d.append(((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10)
    d.append(sum(d) % 10)
    return "".join(map(str, d))


def synthetic() -> pd.DataFrame:
    return pd.read_csv(config.SYNTHETIC_COHORT, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")


def planted_values() -> dict[str, list[str]]:
    """Identifier columns to plant, by header: four the codebook knows, four it does not."""
    return {
        # headers the codebook knows as identifiers
        "TC Kimlik No": [national_id(f"{31 + i}{i:07d}") for i in range(N)],
        "Ad Soyad": [f"Nurhan Tekinalpoğlu{chr(65 + i % 26)}{i}" for i in range(N)],
        "Telefon": [f"0532 {400 + i} {10 + i:02d} {50 + i:02d}" for i in range(N)],
        "E-posta": [f"nurhan.tekinalp{i}@ornekhastane.org.tr" for i in range(N)],
        # headers the codebook does not know: dropped as unknown, flagged by their values
        "Kimlik": [national_id(f"{71 + i}{i + 5:07d}") for i in range(N)],
        "Yakını": [f"Servet Karadumanlı{i}" for i in range(N)],
        "Cep": [f"+90 (544) {300 + i} {i:02d} {99 - i:02d}" for i in range(N)],
        "İletişim": [f"yakin{i}.karaduman@posta.example.com" for i in range(N)],
    }


def searchable(value: str) -> list[str]:
    """The forms in which a planted value could leak: as typed, and digits only for numbers."""
    forms = [value]
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 10 and "@" not in value:
        forms.append(digits)
    return forms


# ------------------------------------------------------------------------------ recognising identifiers

@pytest.mark.parametrize("prefix", ["100000001", "123456789", "987654321", "555555555", "310000000"])
def test_a_turkish_national_id_is_recognised_by_its_check_digits(prefix):
    number = national_id(prefix)
    assert identifiers.is_national_id(number)
    assert identifiers.identifier_kinds(number) == ["national_id"]
    assert identifiers.identifier_kinds(int(number)) == ["national_id"]  # an Excel number
    assert identifiers.identifier_kinds(float(number)) == ["national_id"]
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert not identifiers.is_national_id(wrong) and identifiers.identifier_kinds(wrong) == []


@pytest.mark.parametrize("text", ["01234567890", "1234567890", "123456789012", "12345678950.5", "0.12345678950", "12345678950123"])
def test_numbers_that_are_not_national_ids_are_not_taken_for_one(text):
    assert "national_id" not in identifiers.identifier_kinds(text)


@pytest.mark.parametrize("text, kind", [
    ("0532 123 45 67", "phone"), ("05321234567", "phone"), ("0532-123-45-67", "phone"), ("+90 532 123 45 67", "phone"),
    ("+905321234567", "phone"), ("0090 532 123 4567", "phone"), ("0 (212) 555 12 34", "phone"),
    ("(0312) 555 12 34", "phone"), ("Tel: 0532 123 45 67", "phone"), (5321234567, "phone"),
    ("ayse.yilmaz@example.com", "email"), ("E-posta: a_b-c@hastane.gov.tr", "email"),
])
def test_phone_numbers_and_e_mail_addresses_are_recognised(text, kind):
    assert kind in identifiers.identifier_kinds(text)
    assert identifiers.candidates(pd.Series([text], dtype=object)).all(), "the fast first pass keeps it"


def test_the_fast_first_pass_keeps_every_national_id_written_as_text_or_number():
    numbers = [national_id(f"{p}{i:07d}") for p in (10, 31, 98) for i in range(0, 10_000_000, 999_983)]
    cells = pd.Series(numbers + [int(n) for n in numbers] + [float(n) for n in numbers], dtype=object)
    assert identifiers.candidates(cells).all()
    assert identifiers.column_kinds(cells) == {"national_id": len(cells)}


def test_no_cell_of_the_synthetic_cohort_or_screening_log_looks_like_an_identifier():
    for path in (config.SYNTHETIC_COHORT, config.SYNTHETIC_SCREENING):
        frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
        for column in frame.columns:
            assert identifiers.column_kinds(frame[column]) == {}, (path.name, column)
    for value in ["31.01.2015", "2015-01-31", "1,5T", "Supra+infra", 42035, 58, 58.0, "LM-001", "KT+RT", "3T"]:
        assert identifiers.identifier_kinds(value) == [], value


# ------------------------------------------------------------------------------ loading

def planted_file(folder: Path, headers=None, name: str = "lm_export.csv") -> Path:
    frame = synthetic()
    for header, values in planted_values().items():
        if headers is None or header in headers:
            frame[header] = values
    path = folder / name
    path.write_bytes(frame.to_csv(sep=";", index=False).encode("utf-8"))
    return path


def test_identifier_columns_are_dropped_at_load_and_unknown_ones_are_named_without_their_values(tmp_path):
    cohort = load_cohort(planted_file(tmp_path), data_cut="2018-12-31")
    assert cohort.n == N and cohort.errors.empty
    warnings = cohort.problems.set_index("column")
    assert set(warnings.loc[["Kimlik", "Cep", "İletişim"], "rule"]) == {"identifier_column"}
    assert "looks like direct identifiers (national ID); dropped" in warnings.loc["Kimlik", "expected"]
    assert "(phone number); dropped" in warnings.loc["Cep", "expected"]
    assert "(e-mail); dropped" in warnings.loc["İletişim", "expected"]
    assert warnings.loc["Yakını", "rule"] == "unknown_column"  # names are caught by the header, or left out unknown
    dumped = cohort.data.to_csv() + cohort.problems.to_csv() + cohort.columns.to_csv() + repr(cohort)
    for values in planted_values().values():
        for value in values:
            for form in searchable(value):
                assert form not in dumped, form


def test_an_unknown_column_whose_header_names_an_identifier_is_flagged(tmp_path):
    frame = synthetic()
    frame["Hasta adı soyadı"] = [f"Kişi {i}" for i in range(N)]
    path = tmp_path / "c.csv"
    path.write_bytes(frame.to_csv(sep=";", index=False).encode("utf-8"))
    problems = load_cohort(path).problems
    row = problems[problems["column"] == "Hasta adı soyadı"].iloc[0]
    assert (row["rule"], row["severity"]) == ("identifier_column", "warning")
    assert f"{IDENTIFIER_WORDING} (identifier header); dropped" in row["expected"]


def test_national_id_numbers_typed_as_patient_ids_are_an_error_that_never_repeats_them(tmp_path):
    frame = synthetic()
    tc = [national_id(f"{41 + i}{i:07d}") for i in range(3)]
    frame.loc[0:2, "Hasta No"] = tc
    frame.loc[5, "Yaş"] = national_id("523456789")  # in a number column: the value is hidden too
    path = tmp_path / "ids.csv"
    path.write_bytes(frame.to_csv(sep=";", index=False).encode("utf-8"))
    with pytest.raises(ValidationError) as info:
        load_cohort(path)
    message = str(info.value)
    assert message.count("Patient ID looks like a national ID number: use a study number") == 1  # one cause
    assert "ids.csv, rows 2, 3, 4 (3 rows), column 'Hasta No': expected a study number" in message
    for value in tc + [national_id("523456789")]:
        assert value not in message
    lenient = load_cohort(path, strict=False)
    assert lenient.data["patient_id"].iloc[:3].isna().all()
    assert not any(v in lenient.problems.to_csv() for v in tc)


def test_validate_warns_about_dropped_identifier_columns_without_their_values(tmp_path):
    path = planted_file(tmp_path, headers=["Kimlik", "Cep"])
    result = subprocess.run([str(VENV / "bin" / "python"), "-m", "lmlib.report", "validate", str(path), "--stamp",
                             str(tmp_path / "reports" / ".data")], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert "lmlib: warning: lm_export.csv, column 'Kimlik': expected a column without direct identifiers" in result.stderr
    assert "(national ID); dropped" in result.stderr and "(phone number); dropped" in result.stderr
    for value in planted_values()["Kimlik"] + planted_values()["Cep"]:
        assert value not in result.stderr


# ------------------------------------------------------------------------------ git

def git(*args) -> subprocess.CompletedProcess:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("path", ["data/raw/lm_export.xlsx", "data/raw/2024/hasta.csv", "data/processed/cohort.parquet",
                                  "data/processed/cohort.json", "reports/01_descriptive.html",
                                  "reports/tables/table1.csv", "reports/.data"])
def test_gitignore_keeps_patient_data_and_reports_out_of_git(path):
    assert git("check-ignore", "-q", "--no-index", path).returncode == 0, path


def test_the_folder_readmes_are_not_ignored():
    for path in ("data/raw/README.md", "data/processed/README.md"):
        assert git("check-ignore", "-q", "--no-index", path).returncode == 1, path


def test_gitattributes_declares_the_nbstripout_filter_for_notebooks():
    out = git("check-attr", "filter", "diff", "--", "notebooks/01_descriptive.ipynb", "any/other.ipynb").stdout
    assert "notebooks/01_descriptive.ipynb: filter: nbstripout" in out
    assert "any/other.ipynb: filter: nbstripout" in out and "any/other.ipynb: diff: ipynb" in out


def test_no_notebook_in_git_holds_outputs():
    files = [f for f in git("ls-files", "-z", "--", "*.ipynb").stdout.split("\0") if f]
    assert files, "the section notebooks are in git"
    for name in files:
        staged = git("show", f":{name}")  # the version git holds (the index), not the working file
        assert staged.returncode == 0, staged.stderr
        nb = nbformat.reads(staged.stdout, as_version=4)
        executed = [i for i, c in enumerate(nb.cells)
                    if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None)]
        assert executed == [], f"{name} is in git with outputs in cells {executed}"
        assert "papermill" not in nb.metadata, name


def test_make_hooks_configures_a_filter_that_strips_outputs_and_keeps_cell_ids(tmp_path):
    if not (VENV / "bin" / "nbstripout").exists():
        pytest.skip("nbstripout is not installed (make venv)")
    repo = tmp_path / "clone"
    repo.mkdir()
    for name in ("Makefile", ".gitattributes", "requirements.lock", "pyproject.toml"):
        shutil.copy2(ROOT / name, repo / name)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    command = ["make", "-s", f"VENV={VENV}", "-o", str(VENV / ".installed"), "hooks"]
    for _ in range(2):  # safe to repeat
        result = subprocess.run(command, cwd=repo, env=make_env(), capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
    config_lines = subprocess.run(["git", "config", "--local", "--list"], cwd=repo, capture_output=True, text=True,
                                  check=True).stdout
    assert config_lines.count("filter.nbstripout.clean=") == 1
    clean = subprocess.run(["git", "config", "filter.nbstripout.clean"], cwd=repo, capture_output=True, text=True,
                           check=True).stdout.strip()
    assert "--keep-id" in clean
    nb = nbformat.read(str(ROOT / "notebooks" / "01_descriptive.ipynb"), as_version=4)
    source = nbformat.writes(nb) + "\n"
    executed = nbformat.reads(source, as_version=4)
    executed.cells[3].outputs = [nbformat.v4.new_output("stream", name="stdout", text="Ayse Yilmaz 61\n")]
    executed.cells[3].execution_count = 7
    stripped = subprocess.run(clean, shell=True, cwd=repo, input=nbformat.writes(executed) + "\n",
                              capture_output=True, text=True, timeout=60, check=True).stdout
    assert "Ayse Yilmaz" not in stripped
    assert stripped == source, "the filter gives the committed notebook back byte for byte (ids kept)"
    outside = subprocess.run(["make", "-s", f"VENV={VENV}", "-o", str(VENV / ".installed"), "hooks"],
                             cwd=tmp_path / "clone", env={**make_env(), "GIT_DIR": str(tmp_path / "none")},
                             capture_output=True, text=True, timeout=120)
    assert outside.returncode == 0 and "configured" not in outside.stdout  # not a checkout: nothing to do


# ------------------------------------------------------------------------------ a full build

DATE_PATTERNS = re.compile(r"(?<![\d.])\d{1,2}[./]\d{1,2}[./]\d{4}(?!\d)|(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)")
DATA_URI = re.compile(r"data:[a-z]+/[a-z0-9.+-]+;base64,[A-Za-z0-9+/=\s]+")


def output_texts(repo: Path) -> dict[str, str]:
    """The text of every output file: reports (HTML, notebooks, CSV, LaTeX, each part of a .docx,
    figures as bytes), the processed cohort (Parquet read back as CSV, and its raw bytes) and JSON."""
    texts = {}
    for folder in ("reports", "data/processed"):
        for path in sorted((repo / folder).rglob("*")):
            if not path.is_file():
                continue
            rel = path.relative_to(repo).as_posix()
            raw = path.read_bytes()
            if path.suffix == ".docx":
                with zipfile.ZipFile(io.BytesIO(raw)) as docx:
                    texts[rel] = "\n".join(docx.read(n).decode("utf-8", "replace") for n in docx.namelist())
            elif path.suffix == ".parquet":
                frame = pd.read_parquet(path)
                texts[rel] = frame.to_csv() + " ".join(map(str, frame.columns)) + raw.decode("latin-1")
            else:
                texts[rel] = raw.decode("utf-8", "replace")
    return texts


@pytest.fixture(scope="module")
def planted_build(tmp_path_factory):
    """The reports built (make report) from the synthetic cohort with identifier columns planted."""
    base = tmp_path_factory.mktemp("privacy")
    repo = copy_project(base / "repo")
    data = planted_file(repo / "data" / "raw")
    before = (hashlib.sha256(data.read_bytes()).hexdigest(), data.stat().st_mtime_ns)
    result = run_make(repo, "DATA=data/raw/lm_export.csv", "DATA_CUT=2018-12-31")
    assert result.returncode == 0, result.stderr
    return {"repo": repo, "stderr": result.stderr, "data": data, "before": before}


@pytest.mark.slow
def test_no_planted_identifier_reaches_any_output_file(planted_build):
    texts = output_texts(planted_build["repo"])
    names = set(texts)
    assert {"reports/01_descriptive.html", "reports/03_survival.ipynb", "reports/tables/table1.csv",
            "reports/tables/table1.tex", "reports/tables/table1.docx", "data/processed/cohort.parquet",
            "data/processed/cohort.json", "reports/index.html"} <= names
    leaks = [(rel, form) for header, values in planted_values().items() for value in values
             for form in searchable(value) for rel, text in texts.items() if form in text]
    assert leaks == []
    for header in planted_values():  # not even the headers of the dropped columns
        assert all(header not in text for rel, text in texts.items() if rel.startswith("data/processed")), header
    frame = pd.read_parquet(planted_build["repo"] / "data" / "processed" / "cohort.parquet")
    assert not {"name", "national_id", "phone", "email", "address", "record_number"} & set(frame.columns)


@pytest.mark.slow
def test_make_report_names_the_dropped_identifier_columns_without_their_values(planted_build):
    stderr = planted_build["stderr"]
    for header, kind in [("Kimlik", "national ID"), ("Cep", "phone number"), ("İletişim", "e-mail")]:
        assert f"column '{header}': expected a column without direct identifiers: it {IDENTIFIER_WORDING} " \
               f"({kind}); dropped" in stderr
    for values in planted_values().values():
        assert not any(form in stderr for value in values for form in searchable(value))


@pytest.mark.slow
def test_no_full_date_appears_in_a_shared_report(planted_build):
    reports = planted_build["repo"] / "reports"
    found = {}
    for path in sorted(reports.rglob("*")):
        if path.suffix in (".html", ".csv", ".tex") and path.is_file():
            text = DATA_URI.sub("", path.read_text(encoding="utf-8"))
            hits = DATE_PATTERNS.findall(text)
            if hits:
                found[path.relative_to(reports).as_posix()] = hits[:5]
    assert found == {}
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert "December 2018" in index
    assert "December 2018" in (reports / "01_descriptive.html").read_text(encoding="utf-8")
    prov = json.loads((planted_build["repo"] / "data" / "processed" / "cohort.json").read_text(encoding="utf-8"))
    assert prov["data_cut"] == "2018-12-31"  # the processed (git-ignored, not shared) file keeps the day


@pytest.mark.slow
def test_the_input_file_is_unchanged_by_the_build(planted_build):
    data = planted_build["data"]
    assert (hashlib.sha256(data.read_bytes()).hexdigest(), data.stat().st_mtime_ns) == planted_build["before"]
