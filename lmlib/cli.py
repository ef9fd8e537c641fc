"""Command line: ``python -m lmlib <command> ...``.

Commands are argparse subcommands; each one is a ``_cmd_<name>(args) -> int`` function and
a ``_add_<name>(subparsers)`` that declares its arguments, so a new command is two functions
and one line in :func:`build_parser`.

Errors are one line on stderr, ``lmlib: error: ...``. Exit status: 0 success, 2 usage error
(bad or missing arguments, a column that is not in the file), 1 an input file or its data
cannot be used (unreadable file, non-numeric times, an event column with unknown codes).
"""
from __future__ import annotations

import argparse
import json
import math
import sys

from .problems import InputError, cut, describe_os_error

PROG = "lmlib"


def argument_type(name: str):
    """An argparse type checking a value as the ``make report`` setting ``name`` does
    (:mod:`lmlib.report.settings`): one rule for the Makefile and every command."""
    from .report.settings import BY_NAME

    setting = BY_NAME[name]

    def parse(text: str):
        try:
            return setting.parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"{setting.name.lower().replace('_', '-')} {cut(text)!r}: expected {exc}")

    parse.__name__ = name.lower()
    return parse


class UsageError(Exception):
    """A command line that cannot be run as given (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage block
        raise UsageError(message)


def _fail(message: str, status: int) -> int:
    text = " ".join(str(message).split())
    print(f"{PROG}: error: {text}", file=sys.stderr)
    return status


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Analysis of case series of leptomeningeal metastases.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    _add_survival(sub)
    _add_clean(sub)
    _add_map(sub)
    _add_synthesize(sub)
    return parser


def main(argv=None) -> int:
    """Run the command line; returns the exit status."""
    from . import progress

    progress.enable(sys.stderr)  # a long read says how far it is
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return args.func(args)
    except UsageError as exc:
        return _fail(str(exc), 2)
    except InputError as exc:
        return _fail(str(exc), 1)
    except OSError as exc:  # a read-only folder, a full disk: one line, never a traceback
        return _fail(describe_os_error(exc), 1)
    finally:
        progress.enable(None)


# ---------------------------------------------------------------------------------- clean

def _add_clean(sub) -> None:
    p = sub.add_parser(
        "clean", help="validate a cohort file and write the cleaned cohort to data/processed/",
        description="Read and clean a cohort file with the codebook. Strict (default): any error "
        "stops with one message listing every problem. The cleaned cohort is written atomically "
        "as Parquet with a JSON file of provenance (input SHA-256).",
    )
    p.add_argument("file", metavar="FILE", help="a .csv, .xlsx or .sav cohort file (never modified)")
    p.add_argument("--out", metavar="PATH", default=None,
                   help="where to write the cleaned cohort (default: data/processed/cohort.parquet)")
    p.add_argument("--codebook", metavar="PATH", default=None, help="codebook (default: data/codebook.yaml)")
    p.add_argument("--study", metavar="PATH", default=None, type=argument_type("STUDY"),
                   help="study file merged into the codebook")
    p.add_argument("--data-cut", metavar="YYYY-MM-DD", default=None, type=argument_type("DATA_CUT"),
                   help="data cut-off; later dates are errors")
    p.add_argument("--lenient", action="store_true", help="keep going on errors and list them (exit 0)")
    p.add_argument("--problems", metavar="CSV", default=None, help="also write every problem to this CSV")
    p.set_defaults(func=_cmd_clean)


def _cmd_clean(args) -> int:
    from pathlib import Path

    from . import config
    from .codebook import load_codebook
    from .cohort import load_cohort, write_processed
    from .export import write_csv
    from .guard import check_input_path, check_outputs
    from .problems import ValidationError, problems_frame

    target = Path(args.out or config.PROCESSED_DIR / "cohort.parquet")
    check_input_path(args.file)
    check_outputs([args.file, args.codebook, args.study], [target, target.with_suffix(".json"), args.problems])
    codebook = load_codebook(args.codebook or None, study=args.study)
    try:
        cohort = load_cohort(args.file, codebook, strict=not args.lenient, data_cut=args.data_cut)
    except ValidationError as exc:
        print(str(exc), file=sys.stderr)  # the full list, one problem a line
        if args.problems:
            write_csv(problems_frame(exc.problems), args.problems)
        return 1
    target = write_processed(cohort, target, codebook=codebook)
    if args.problems:
        write_csv(cohort.problems, args.problems)
    warnings = len(cohort.problems) - len(cohort.errors)
    print(f"{cohort.name}: {cohort.n} patients, {len(cohort.errors)} error(s), {warnings} warning(s) -> {target}")
    from .cohort import _as_problems

    for problem in _as_problems(cohort.problems):  # rows may be missing (<NA>): a column's problem
        print(f"  {problem.severity}: {problem.describe()}", file=sys.stderr)
    return 0


# ---------------------------------------------------------------------------------- map

def _add_map(sub) -> None:
    p = sub.add_parser(
        "map", help="scan an export and draft a study file (closest headers and levels, commented out)",
        description="Read and clean FILE as `make report` would (leniently) and print a draft study file: every "
        "column with the variable it matched, and for what matched nothing the closest known headers and levels "
        "with scores and the study-file lines that would map them, commented out for you to confirm.",
    )
    p.add_argument("file", metavar="FILE", nargs="?", help="the export (.csv, .xlsx, .sav, .parquet); never modified")
    p.add_argument("--from-environment", action="store_true",
                   help="`make study`: FILE from LM_DATA, the study file from LM_STUDY (default "
                        "data/raw/<FILE's name>.study.yaml), written there (--out)")
    p.add_argument("--study", metavar="S", default=None,
                   help="your study file so far: its entries are kept, only what is still unmatched is suggested")
    p.add_argument("--out", metavar="PATH", default=None,
                   help="write the draft here (atomically; may be the --study file, whose previous text is kept "
                        "as PATH.bak) instead of printing it")
    p.add_argument("--codebook", metavar="PATH", default=None, help="codebook (default: data/codebook.yaml)")
    p.set_defaults(func=_cmd_map)


def _cmd_map(args) -> int:
    import os
    from pathlib import Path

    from .mapping import draft, scan

    if args.from_environment:
        _map_settings(args)
    if not args.file:
        raise UsageError("map needs FILE (the export to scan)")
    from .guard import check_input_path, check_outputs

    check_input_path(args.file)  # before a byte is read: a FIFO would block
    if args.out is not None:  # the draft and its .bak may replace the study file, never the export
        check_outputs([args.file, args.codebook], [args.out])
        check_outputs([args.file, args.codebook, args.out], [f"{args.out}.bak"])
    study = Path(args.study) if args.study else None
    if study is not None and study.is_file() and study.stat().st_size == 0 and args.out is None \
            and _same_file(study, sys.stdout):
        raise UsageError(f"{study} is empty: the shell emptied it for '>' before map could read it. Write the draft "
                         f"with --out {study} (your entries are kept, the old text goes to {study}.bak)")
    found = scan(args.file, study, args.codebook)
    command = "python -m lmlib map " + " ".join([args.file] + ([f"--study {args.study}"] if args.study else []))
    text = draft(found, study, command)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    from .atomic import write_text

    out = Path(args.out)
    if out.is_file() and out.read_text(encoding="utf-8") != text:
        write_text(Path(f"{out}.bak"), out.read_text(encoding="utf-8"))
    write_text(out, text)
    print(f"wrote {out}: edit it, then: make report DATA={args.file} STUDY={out}", file=sys.stderr)
    return 0


def _map_settings(args) -> None:
    """`make study`: the export from LM_DATA; the study file from LM_STUDY, else
    data/raw/<export name>.study.yaml; the draft is written to that file (its entries kept)."""
    import os
    from pathlib import Path

    from . import config

    data = os.environ.get("LM_DATA", "")
    if not data or not Path(data).exists():
        raise InputError(f"DATA={data!r}: expected the export to scan (an existing file)")
    study = os.environ.get("LM_STUDY", "") or str(Path(os.path.relpath(config.RAW_DIR)) / f"{Path(data).stem}.study.yaml")
    args.file = data
    args.study = study if Path(study).is_file() else None
    args.out = study


def _same_file(path, stream) -> bool:
    import os

    try:
        return os.path.samestat(os.stat(path), os.fstat(stream.fileno()))
    except (OSError, ValueError, AttributeError):
        return False


# ---------------------------------------------------------------------------------- synthesize

def _add_synthesize(sub) -> None:
    p = sub.add_parser("synthesize", help="regenerate the synthetic cohort and screening log under data/synthetic/",
                       description="Deterministic (seeded) generation from data/published.yaml.")
    p.add_argument("--out-dir", metavar="DIR", default=None, help="default: data/synthetic/")
    p.set_defaults(func=_cmd_synthesize)


def _cmd_synthesize(args) -> int:
    from .synthetic import write_synthetic

    for path in write_synthetic(args.out_dir):
        print(path)
    return 0


# ---------------------------------------------------------------------------------- survival

def _add_survival(sub) -> None:
    p = sub.add_parser(
        "survival", help="Kaplan–Meier summary of any table with a time and an event column",
        description="Median (SPSS and Brookmeyer–Crowley conventions) and mean survival, overall "
        "and by group, with a log-rank test. Reads .csv, .xlsx or .sav.",
    )
    p.add_argument("file", metavar="FILE", help="a .csv, .xlsx or .sav file, one row per patient")
    p.add_argument("--time", required=True, metavar="COL", help="follow-up time column, in days")
    p.add_argument("--event", required=True, metavar="COL", help="event (death) indicator column")
    p.add_argument("--event-value", metavar="V", default=None,
                   help="the value of the event column that means the event (compared as text, "
                   "stripped); default: 1/true/yes are events, 0/false/no censored")
    p.add_argument("--group", metavar="COL", default=None, help="compare the levels of this column")
    p.add_argument("--weight", metavar="COL", default=None, help="frequency weights (patients per row)")
    p.add_argument("--unit", choices=["days", "months"], default="days",
                   help="report times in days (default) or months (days / 30.4375)")
    p.add_argument("--cox", metavar="A,B,C", default=None,
                   help="also fit a multivariable Cox model (Efron ties) on these columns, comma-separated; "
                   "non-numeric columns are factors against their first level (JSON only)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    p.set_defaults(func=_cmd_survival)


def read_frame(path):
    """The file as a DataFrame, through :func:`lmlib.read.read_table`."""
    from .read import read_table

    table = read_table(path)
    return getattr(table, "frame", table)


def _json_number(value):
    if value is None:
        return None
    value = float(value)
    if math.isnan(value) or math.isinf(value):
        return None
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _followup_json(sub) -> dict:
    from .survival.followup import median_followup

    fu = median_followup(sub["duration"], sub["event"], sub["weight"])
    return {"median": _json_number(fu.median), "ci_low": _json_number(fu.lower), "ci_high": _json_number(fu.upper)}


def _cox_json(data, args, cols) -> dict:
    from .survival.cox import cox_model

    covariates = [c.strip() for c in args.cox.split(",") if c.strip()]
    if not covariates:
        raise UsageError("--cox needs at least one column name")
    from .survival.data import check_columns

    try:
        check_columns(data, *covariates)
    except InputError as exc:
        raise UsageError(str(exc)) from None
    fit = cox_model(data, cols["duration_col"], cols["event_col"], covariates, weights_col=cols["weights_col"],
                    event_value=cols["event_value"])
    terms = fit.terms
    terms = terms[~terms["is_reference"]]
    num = _json_number
    return {
        "cox": [{"term": term, "variable": r["variable"], "reference": r["reference"], "hr": num(r["hr"]),
                 "ci_low": num(r["lower"]), "ci_high": num(r["upper"]), "p": num(r["p"]),
                 "estimable": bool(r["estimable"]), "variable_p": num(r["variable_p"])}
                for term, r in terms.iterrows()],
        "cox_global_ph_p": num(fit.ph_global.get("p")),
        "cox_model": {"n": fit.n, "events": fit.events, "events_per_variable": num(fit.events_per_variable),
                      "exploratory": fit.exploratory, "estimable": fit.estimable, "problem": fit.problem,
                      "reason": fit.reason or None, "lr_p": num(fit.lr_test.get("p")),
                      "ph_test": fit.ph_method, "ph_transform": fit.ph_transform},
    }


def _group_json(row) -> dict:
    num = _json_number
    return {
        "n": num(row["n"]),
        "events": num(row["events"]),
        "censored": num(row["censored"]),
        "median": num(row["median"]),
        "median_reached": bool(row["median_reached"]),
        "median_se_spss": num(row["median_se_spss"]),
        "median_ci_spss": [num(row["median_lower_spss"]), num(row["median_upper_spss"])],
        "median_r": num(row["median_r"]),
        "median_ci_loglog": [num(row["median_lower_loglog"]), num(row["median_upper_loglog"])],
        "median_ci_log": [num(row["median_lower_log"]), num(row["median_upper_log"])],
        "mean_spss": num(row["mean_spss"]),
        "mean_se_spss": num(row["mean_se_spss"]),
        "mean_ci_spss": [num(row["mean_lower_spss"]), num(row["mean_upper_spss"])],
    }


def _cmd_survival(args) -> int:
    from .survival.compare import logrank, pairwise_logrank
    from .survival.data import OVERALL, as_text, check_columns, split_groups, survival_frame
    from .survival.summary import survival_summary

    data = read_frame(args.file)
    try:
        check_columns(data, args.time, args.event, args.group, args.weight)
    except InputError as exc:
        raise UsageError(str(exc)) from None
    cols = dict(duration_col=args.time, event_col=args.event, group_col=args.group,
                weights_col=args.weight, event_value=args.event_value)
    frame = survival_frame(data, **cols, unit=args.unit)
    if frame.empty:
        needed = ["time", "event"] + (["group"] if args.group else []) + (["weight"] if args.weight else [])
        raise InputError(f"{args.file}: no row has all of {', '.join(needed)} filled in")
    summary = survival_summary(data, **cols, unit=args.unit)
    test = logrank(data, **cols) if args.group else None
    if args.json:
        parts = dict(split_groups(frame))
        overall = {**_group_json(summary.loc[OVERALL]), "followup": _followup_json(parts[OVERALL])}
        out = {"time": args.time, "event": args.event, "unit": args.unit,
               "n_excluded": len(data) - len(frame), "overall": overall}
        if args.group:
            out["groups"] = {as_text(k): {**_group_json(r), "followup": _followup_json(parts[k])}
                             for k, r in summary.iloc[:-1].iterrows()}
            out["logrank"] = {"chi2": _json_number(test.chi2), "df": test.df, "p": _json_number(test.p)}
            if len(parts) > 3:  # three or more groups, and Overall
                pairs = pairwise_logrank(data, **cols, adjust="holm")
                out["pairwise"] = [{"group_a": as_text(r.group_a), "group_b": as_text(r.group_b),
                                    "chi2": _json_number(r.chi2), "p": _json_number(r.p),
                                    "p_adjusted": _json_number(r.p_adjusted), "adjust": r.adjust}
                                   for r in pairs.itertuples()]
        if args.cox:
            out.update(_cox_json(data, args, cols))
        print(json.dumps(out, ensure_ascii=False, allow_nan=False, indent=2))
        return 0
    _print_survival(args, summary, test, len(data) - len(frame))
    return 0


def _print_survival(args, summary, test, excluded: int) -> None:
    from .present.numbers import fmt_number, p_text
    from .survival.formatting import format_summary

    table = format_summary(summary)
    event = f"'{args.event}' == {args.event_value!r}" if args.event_value is not None else f"'{args.event}' (1/true/yes)"
    print(f"Survival: time '{args.time}' ({args.unit}), event {event}"
          + (f", by '{args.group}'" if args.group else "")
          + (f"; {excluded} row(s) left out for a blank value" if excluded else ""))
    print(table.to_string())
    if test is not None:
        print(f"Log-rank test: chi2 = {fmt_number(test.chi2, 3)}, df = {test.df}, {p_text(test.p)}")
    print("median: smallest event time with S <= 0.5 (SPSS); CI (SPSS): median ± 1.96 SE (Greenwood / "
          "kernel density); CI (log-log), CI (log): Brookmeyer–Crowley, as R survival; "
          "mean: SPSS, restricted to the largest observed time.")
