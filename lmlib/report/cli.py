"""``python -m lmlib.report``: the commands ``make report`` runs."""
from __future__ import annotations

import argparse
import os
from pathlib import Path
import sys

from .. import config
from ..cli import argument_type
from .common import PARAMETER_NAMES, PROG, ReportError
from .index import build_index
from .section import run_section
from .stamp import validate


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage block
        print(f"{PROG}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _value(text: str):
    """A ``-p name=value`` value: int, then float, else the string (as papermill's -p)."""
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def _pairs(items) -> dict:
    out = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise ReportError(f"{PROG}: error: expected NAME=VALUE, not {item!r}")
        out[name] = _value(value)
    return out


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m lmlib.report", description="Build the HTML reports (see `make report`).")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    def cohort_options(p):
        p.add_argument("--codebook", default="", help="codebook file (default data/codebook.yaml)")
        p.add_argument("--study", default="", metavar="FILE", type=argument_type("STUDY"),
                       help="study file merged into the codebook")
        p.add_argument("--data-cut", default="", metavar="YYYY-MM-DD", type=argument_type("DATA_CUT"),
                       help="data cut-off date")

    p = sub.add_parser("validate", help="load DATA strictly; one message and exit 2 if it cannot be used")
    p.add_argument("data", metavar="DATA", help="the cohort file (.csv, .xlsx or .sav)")
    cohort_options(p)
    p.add_argument("--stamp", default=None, metavar="FILE", help="rewrite FILE when the inputs changed")
    p.add_argument("--param", action="append", metavar="NAME=VALUE", help="a setting recorded in the stamp")
    p.add_argument("--lenient", action="store_true", help="invalid cells become missing instead of an error")
    p.add_argument("--problems", default=None, metavar="CSV", type=argument_type("PROBLEMS"),
                   help="write every problem to this CSV")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("section", help="execute a notebook and write its HTML report")
    p.add_argument("notebook", metavar="NOTEBOOK")
    p.add_argument("output", metavar="OUTPUT.html")
    p.add_argument("--data", default=None, help="cohort file (default: the notebook's: synthetic)")
    p.add_argument("--codebook", default=None)
    p.add_argument("--data-cut", default=None, metavar="YYYY-MM-DD", type=argument_type("DATA_CUT"))
    p.add_argument("--lang", default=None, choices=["en", "tr"])
    p.add_argument("--decimals", default=None, type=argument_type("DECIMALS"))
    p.add_argument("--continuous-summary", default=None, metavar="VAR=mean_sd|median_iqr,...")
    p.add_argument("--output-dir", default=None, help="folder for the notebook's own outputs (tables)")
    p.add_argument("--suppress-below", default=None, type=argument_type("SUPPRESS_BELOW"), metavar="K",
                   help="small-cell rule: counts 1 to K-1 shown as <K (0: off)")
    p.add_argument("--decimal-mark", default=None, type=argument_type("DECIMAL_MARK"),
                   help="decimal mark of the numbers: . or ,")
    p.add_argument("--study", default=None, metavar="FILE", type=argument_type("STUDY"),
                   help="study file merged into the codebook")
    p.add_argument("-p", "--parameter", action="append", metavar="NAME=VALUE", help="any other parameter")
    p.set_defaults(func=_cmd_section)

    p = sub.add_parser("build", help="validate DATA, run the out-of-date sections in parallel, write the index")
    p.add_argument("notebooks", metavar="NOTEBOOK", nargs="*")
    p.add_argument("--from-environment", action="store_true",
                   help="take every setting from the LM_<NAME> environment variables that `make report` "
                        "exports (lmlib.report.settings); the other options are then not used")
    p.add_argument("--output-dir", default="reports", help="folder of the reports (default reports)")
    p.add_argument("--data", default=None, help="the cohort file (.csv, .xlsx or .sav)")
    cohort_options(p)
    p.add_argument("--stamp", default=None, metavar="FILE", help="the data stamp (see validate)")
    p.add_argument("--lang", default="en", choices=["en", "tr"])
    p.add_argument("--decimals", default="1", type=argument_type("DECIMALS"))
    p.add_argument("--suppress-below", default="0", type=argument_type("SUPPRESS_BELOW"), metavar="K",
                   help="small-cell rule: counts 1 to K-1 shown as <K (0: off)")
    p.add_argument("--screening", default="", metavar="FILE", type=argument_type("SCREENING"),
                   help="screening log, for the notebooks with a `screening` parameter")
    p.add_argument("--decimal-mark", default=".", type=argument_type("DECIMAL_MARK"),
                   help="decimal mark of the numbers (. or ,), for the notebooks with a `decimal_mark` parameter")
    p.add_argument("--lenient", action="store_true",
                   help="invalid cells become missing and are listed in each report's appendix")
    p.add_argument("--problems", default=None, metavar="CSV", type=argument_type("PROBLEMS"),
                   help="write every problem of the input to this CSV")
    p.add_argument("--jobs", default=0, type=int, metavar="N", help="sections at once (0: one per CPU)")
    p.add_argument("--setting", action="append", metavar="NAME=VALUE",
                   help="a setting of `make report` for the notebooks that take it (GROUP_BY, COX, TIME_UNIT, ...), "
                        "checked as make report checks it")
    p.add_argument("--depends", nargs="*", default=[], metavar="FILE",
                   help="files every report depends on: a newer one rebuilds them all (as in Make)")
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("index", help="write the index page linking the section reports")
    p.add_argument("output", metavar="OUTPUT.html")
    p.add_argument("notebooks", metavar="NOTEBOOK", nargs="*")
    p.add_argument("--data", default="", help="cohort file (default: the synthetic cohort)")
    cohort_options(p)
    p.add_argument("--lang", default="en", choices=["en", "tr"])
    p.set_defaults(func=_cmd_index)
    return parser


def _cmd_validate(args) -> int:
    validate(args.data, args.codebook or None, args.data_cut or None, args.stamp, _pairs(args.param),
             warnings_to=sys.stderr, study=args.study or None, lenient=args.lenient, problems=args.problems)
    return 0


def _cmd_section(args) -> int:
    parameters = {name: getattr(args, name) for name in PARAMETER_NAMES if getattr(args, name, None) is not None}
    if args.decimal_mark is not None:
        parameters["decimal_mark"] = args.decimal_mark
    parameters.update(_pairs(args.parameter))
    out = run_section(args.notebook, args.output, parameters)
    print(f"wrote {out}")
    return 0


def _cmd_build(args) -> int:
    from .build import build
    from .settings import SettingsError

    if args.from_environment:
        return _build_from_environment()
    if not args.notebooks or not args.data:
        raise ReportError(f"{PROG}: error: build needs NOTEBOOK... and --data (or --from-environment)")
    if args.jobs < 0:
        raise ReportError(f"{PROG}: error: --jobs must be 0 (one per CPU) or more, not {args.jobs}")
    settings = {"lang": args.lang, "decimals": args.decimals, "suppress_below": args.suppress_below}
    if args.study:
        settings["study"] = args.study
    if args.lenient:
        settings["lenient"] = True
    try:
        from .settings import parse_named

        analysis = _analysis_settings(parse_named(_named(args.setting)), args.codebook or None, args.study or None)
    except SettingsError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    result = build(args.notebooks, args.output_dir, args.data, args.codebook or None, args.data_cut or None,
                   settings=settings, extra={"screening": args.screening, "decimal_mark": args.decimal_mark,
                                             **analysis},
                   depends=args.depends, jobs=args.jobs or None, stamp=args.stamp, problems=args.problems,
                   require=_requirements(analysis))
    return _build_status(result)


def _named(items) -> dict[str, str]:
    out = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise ReportError(f"{PROG}: error: expected NAME=VALUE, not {item!r}")
        out[name.strip()] = value
    return out


def _analysis_settings(values: dict, codebook: str | None, study: str | None) -> dict:
    """The notebook parameters of the analysis settings (GROUP_BY, COX, ...; ``values`` parsed),
    GROUP_BY and COX checked against the codebook and the study file first (SettingsError);
    an unusable study file is an InputError, as in the validation."""
    from ..codebook import load_codebook
    from .settings import analysis_parameters, check_codebook

    if values.get("GROUP_BY") or values.get("COX"):
        check_codebook(values, load_codebook(codebook, study=study))
    return analysis_parameters(values)


def _requirements(parameters: dict):
    """The check of GROUP_BY and COX against the cohort (run by the validation, before anything is
    written): an InputError naming each setting the cohort file cannot serve."""
    def require(cohort):
        from ..problems import InputError
        from .settings import cohort_problems

        bad = cohort_problems(parameters, cohort)
        if bad:
            raise InputError("\n".join(["the settings do not fit the cohort file (nothing was built or changed):",
                                         *("  - " + b for b in bad)]))
    return require


def _build_from_environment() -> int:
    """`make report`: every setting from the environment, checked before anything is touched."""
    from .build import build
    from .settings import ANALYSIS, SettingsError, read_settings

    try:
        s = read_settings()
        analysis = _analysis_settings({name: s[name] for name in ANALYSIS}, None, s["STUDY"] or None)
    except SettingsError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    settings = {"lang": s["LANG_REPORT"], "decimals": s["DECIMALS"], "suppress_below": s["SUPPRESS_BELOW"],
                "study": s["STUDY"], "lenient": s["LENIENT"]}
    here = lambda path: Path(os.path.relpath(path))  # noqa: E731 - "reports/01_x.html" in messages
    # to the notebooks that take them (an empty value keeps a notebook's own default)
    extra = {"screening": s["SCREENING"], "decimal_mark": s["DECIMAL_MARK"], **analysis}
    result = build([here(config.NOTEBOOKS_DIR / f"{name}.ipynb") for name in s["SECTIONS"]], here(config.REPORTS_DIR),
                   s["DATA"], None, s["DATA_CUT"] or None, settings=settings, extra=extra,
                   depends=report_depends(s["SCREENING"], s["STUDY"]), jobs=s["REPORT_JOBS"] or None,
                   stamp=here(config.REPORTS_DIR / ".data"), problems=s["PROBLEMS"] or None,
                   require=_requirements(analysis))
    return _build_status(result)


def report_depends(*inputs: str) -> list[Path]:
    """What every section depends on besides its notebook (Make's prerequisites): the codebook,
    the published numbers, the given input files (screening log, study file), lmlib's sources and the
    environment's install stamp."""
    lmlib_dir = Path(__file__).resolve().parents[1]
    sources = sorted(p for p in lmlib_dir.rglob("*") if p.suffix in (".py", ".j2", ".json", ".yaml")
                     and "__pycache__" not in p.parts and p.is_file())
    files = [config.CODEBOOK, config.PUBLISHED, *(Path(i) for i in inputs if i), *sources]
    installed = Path(sys.prefix) / ".installed"
    return [f for f in files if f.exists()] + ([installed] if installed.exists() else [])


def _build_status(result) -> int:
    for message in result.failed.values():
        print(message, file=sys.stderr)
    if result.failed:
        print(f"{PROG}: error: {len(result.failed)} of the sections failed; the index was left as it was",
              file=sys.stderr)
        return 1
    return 0


def _cmd_index(args) -> int:
    from ..cohort import load_cohort

    from ..codebook import load_codebook

    cb = load_codebook(args.codebook or None, study=args.study or None)
    cohort = load_cohort(args.data or None, cb, strict=True, data_cut=args.data_cut or None)
    print(f"wrote {build_index(args.notebooks, cohort, args.output, args.lang)}")
    return 0


def main(argv=None) -> int:
    """Run a command; returns the exit status (0 ok, 1 a report failed, 2 unusable input or usage)."""
    from .. import progress

    args = build_parser().parse_args(argv)
    progress.enable(sys.stderr)  # a long read says how far it is
    try:
        return args.func(args)
    except ReportError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - shown as one message, never a traceback
        from ..problems import InputError, describe_os_error

        if isinstance(exc, InputError):
            print(f"{PROG}: error: {exc}", file=sys.stderr)
            return 2
        if isinstance(exc, OSError):  # a read-only folder, a full disk: the file and the cause
            print(f"{PROG}: error: {describe_os_error(exc)}", file=sys.stderr)
            return 1
        raise
    finally:
        progress.enable(None)
