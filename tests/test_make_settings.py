"""`make report` settings reach Python as literal text and are checked before anything is touched.

Make expands `$(...)` in a variable's value and a recipe line goes through the shell, so a
setting pasted into a recipe could run commands. The Makefile exports `$(value NAME)` as
`LM_NAME` instead, and `lmlib.report.settings` reads and checks every setting first.
"""
from __future__ import annotations

import os
from pathlib import Path
import re
import shutil
import subprocess

import pytest

from lmlib.report.settings import BY_NAME, SETTINGS, SettingsError, read_settings

ROOT = Path(__file__).resolve().parents[1]
MAKEFILE = ROOT / "Makefile"


def make_env() -> dict:
    if shutil.which("make") is None:
        pytest.skip("GNU make is not installed")
    return {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}}


def run_make(*args, cwd=ROOT, timeout=600):
    command = ["make", "--no-print-directory", "-o", ".venv/.installed", *args]
    return subprocess.run(command, cwd=cwd, env=make_env(), capture_output=True, text=True, timeout=timeout)


def makefile_defaults() -> dict[str, str]:
    text = MAKEFILE.read_text(encoding="utf-8")
    return {m.group(1): m.group(2).strip() for m in re.finditer(r"^([A-Z_]+) \?=(.*)$", text, flags=re.MULTILINE)}


def test_the_makefile_exports_exactly_the_settings_of_the_registry_with_the_same_defaults():
    text = MAKEFILE.read_text(encoding="utf-8")
    listed = re.search(r"^REPORT_SETTINGS := (.*)$", text, flags=re.MULTILINE).group(1).split()
    assert listed == [s.name for s in SETTINGS]
    defaults = makefile_defaults()
    assert {name: defaults[name] for name in listed} == {s.name: s.default for s in SETTINGS}


def test_every_setting_has_a_help_line_for_make_help():
    text = MAKEFILE.read_text(encoding="utf-8")
    documented = set(re.findall(r"^#= ([A-Z_]+):", text, flags=re.MULTILINE))
    assert {s.name for s in SETTINGS} <= documented


@pytest.mark.parametrize("name, value", [
    ("DECIMALS", "-1"), ("DECIMALS", "abc"), ("DECIMALS", "2.5"), ("DECIMALS", "100"), ("DECIMALS", ""),
    ("LANG_REPORT", "fr"), ("SUPPRESS_BELOW", "1"), ("SUPPRESS_BELOW", "-3"), ("SUPPRESS_BELOW", "x"),
    ("DATA_CUT", "31.12.2018"), ("DATA_CUT", "2018-02-30"), ("SECTIONS", "99_nothing"),
    ("REPORT_JOBS", "0.5"), ("SCREENING", "no/such/file.csv"),
    ("GROUP_BY", "primary site"), ("GROUP_BY", "sex,treatment"), ("GROUP_TESTS", "anova"), ("ADJUST", "bonferroni"),
    ("SMD", "maybe"), ("MISSING_ROWS", "sometimes"), ("COX", "age,,sex;1x"), ("LANDMARKS", "30,x"),
    ("LANDMARKS", "-5"), ("TIME_UNIT", "years"), ("RMST_TAU", "0"), ("RMST_TAU", "six months"), ("LANDMARK", "30,60"),
    ("LANDMARK", "-1"),
])
def test_an_invalid_setting_is_refused_with_its_name_value_and_what_was_expected(name, value):
    with pytest.raises(SettingsError) as caught:
        read_settings({f"LM_{name}": value})
    message = str(caught.value)
    assert f"{name}={value!r}" in message and "expected" in message


def test_every_invalid_setting_is_listed_at_once():
    with pytest.raises(SettingsError) as caught:
        read_settings({"LM_DECIMALS": "abc", "LM_LANG_REPORT": "fr"})
    assert "2 settings are not valid" in str(caught.value)


def test_valid_settings_are_parsed_to_values():
    values = read_settings({"LM_DECIMALS": "2", "LM_SUPPRESS_BELOW": "5", "LM_DATA_CUT": "", "LM_REPORT_JOBS": ""})
    assert values["DECIMALS"] == 2 and values["SUPPRESS_BELOW"] == 5 and values["DATA_CUT"] == ""
    assert values["REPORT_JOBS"] == 0
    assert read_settings({})["DATA"] == BY_NAME["DATA"].default


def test_a_long_value_is_cut_in_the_message():
    with pytest.raises(SettingsError) as caught:
        read_settings({"LM_LANG_REPORT": "x" * 10_000})
    assert len(str(caught.value)) < 400


@pytest.mark.slow
def test_a_refused_build_changes_nothing(tmp_path):
    before = {p: p.stat().st_mtime_ns for p in (ROOT / "reports").rglob("*")} if (ROOT / "reports").exists() else {}
    result = run_make("report", "DECIMALS=abc")
    assert result.returncode == 2, result.stderr
    assert "DECIMALS='abc'" in result.stderr and "Traceback" not in result.stderr
    after = {p: p.stat().st_mtime_ns for p in (ROOT / "reports").rglob("*")} if (ROOT / "reports").exists() else {}
    assert after == before


def test_make_functions_in_a_setting_are_never_run(tmp_path):
    marker = tmp_path / "PWNED"
    for name in ("DATA", "LANG_REPORT", "DECIMALS", "DATA_CUT", "SCREENING", "SECTIONS", "SUPPRESS_BELOW"):
        result = run_make("report", f"{name}=x$(shell touch {marker})", "SECTIONS=01_descriptive"
                          if name != "SECTIONS" else "DECIMALS=1", timeout=120)
        assert result.returncode != 0
        assert not marker.exists(), f"{name}: make ran a command from the setting's value"
        assert "$(shell touch" in result.stderr, result.stderr  # named literally in the message
    result = run_make("help", f"DATA=x$(shell touch {marker})", timeout=60)
    assert result.returncode == 0 and not marker.exists()


@pytest.mark.slow
def test_a_file_name_with_quotes_semicolons_dollars_backticks_and_spaces_is_simply_built(tmp_path):
    """The report is built from the file of that name, and no command in the name runs."""
    raw = ROOT / "data" / "raw"
    raw.mkdir(exist_ok=True)
    name = "o'x; touch PWNED #$(shell touch PWNED2) `touch PWNED3` $HOME.csv"
    path = raw / name
    shutil.copyfile(ROOT / "data" / "synthetic" / "synthetic_lm_cohort.csv", path)
    try:
        result = run_make("report", f"DATA=data/raw/{name}", "SECTIONS=01_descriptive")
        assert result.returncode == 0, result.stderr
        assert not any((ROOT / f).exists() for f in ("PWNED", "PWNED2", "PWNED3"))
        stamp = (ROOT / "reports" / ".data").read_text(encoding="utf-8")
        assert f"data=data/raw/{name}\n" in stamp
    finally:
        path.unlink()
        for f in ("PWNED", "PWNED2", "PWNED3"):
            (ROOT / f).unlink(missing_ok=True)


PROBE = 'probe: ; @printf "%s|%s\\n" "$$LANG" "$$LM_LANG_REPORT"'


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_lang_on_the_command_line_is_the_report_language_and_the_recipes_keep_a_sane_locale(lang):
    result = run_make("--eval", PROBE, "probe", f"LANG={lang}", timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"C.UTF-8|{lang}"
    shown = run_make("help", f"LANG={lang}", timeout=60).stdout
    assert re.search(rf"^  LANG_REPORT .*\[{lang}\]$", shown, flags=re.MULTILINE)


@pytest.mark.parametrize("value", ["fr", "en_US.UTF-8", "C", "en tr", "tr$(shell touch PWNED_LANG)"])
def test_any_other_lang_on_the_command_line_stops_make_before_anything_is_written(value):
    before = {p: p.stat().st_mtime_ns for p in (ROOT / "reports").rglob("*")} if (ROOT / "reports").exists() else {}
    try:
        result = run_make("report", f"LANG={value}", timeout=60)
        assert result.returncode == 2
        assert f"LANG='{value}'" in result.stderr and "use LANG_REPORT=en or LANG_REPORT=tr" in result.stderr
        assert not (ROOT / "PWNED_LANG").exists()
    finally:
        (ROOT / "PWNED_LANG").unlink(missing_ok=True)
    after = {p: p.stat().st_mtime_ns for p in (ROOT / "reports").rglob("*")} if (ROOT / "reports").exists() else {}
    assert after == before


def test_lang_and_lang_report_that_disagree_on_the_command_line_are_refused():
    result = run_make("report", "LANG=tr", "LANG_REPORT=en", timeout=60)
    assert result.returncode == 2 and "disagree" in result.stderr


def test_lang_from_the_environment_is_the_locale_and_left_alone():
    env = {**make_env(), "LANG": "C.UTF-8"}
    result = subprocess.run(["make", "--no-print-directory", "--eval", PROBE, "probe"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == "C.UTF-8|en"
