"""Build the HTML reports: validate the input, run the section notebooks, write the index.

``make report`` runs one command, ``python -m lmlib.report build``: it validates the input,
runs the out-of-date sections in parallel in one process (:mod:`.build`) and writes the index.
The steps are also commands of their own:

``validate DATA`` (:mod:`.stamp`)
    Load the cohort strictly and stop with one clear message (exit 2) when it cannot be used,
    before any kernel starts. With ``--stamp FILE`` it (re)writes FILE, the prerequisite of
    every report, only when the data file, its SHA-256, the codebook or a report setting
    changed, so switching ``DATA=`` to another file (even an older one) rebuilds the reports and
    an unchanged input rebuilds nothing. An unchanged stamp is not validated again.
``section NOTEBOOK OUTPUT.html`` (:mod:`.section`)
    Execute the notebook with papermill (kernel ``python3``, the environment's own) and convert
    it to self-contained HTML without code (no CDN script, no timestamp). On a failing cell,
    print that cell's error and exit 1.
``index OUTPUT.html NOTEBOOK...`` (:mod:`.index`)
    The page linking the sections, with the cohort's file name, n and data cut-off month.

Every output (the executed ``.ipynb`` beside the HTML, the HTML, the index, the stamp) is
written to a temporary file and moved into place only when complete (:mod:`lmlib.atomic`), so
a failed run leaves the previous reports exactly as they were, and a run killed at any moment
leaves each file either old or new. The temporary files a killed run leaves behind (hidden:
``.<name>.<random>.tmp``) are deleted by the next build, once it holds the build lock
(:mod:`.lock`: one build at a time in a checkout; a second one waits). The input file is only
read, never written over (:mod:`lmlib.guard`), and the executed notebooks record it as
:mod:`lmlib.provenance` names it (no absolute path, no identifier-like name).

Reproducibility: the executed notebook is stripped of papermill's and nbclient's timings,
cell ids are made deterministic, and the kernels get ``SOURCE_DATE_EPOCH`` = the data cut-off,
a fixed hash seed and fixed cell file names, so building twice gives byte-identical outputs;
no date in a report comes from the clock.
"""
from .build import BuildResult, build, default_jobs, index_links, is_stale, run_sections, stale_sections
from .common import (
    KERNEL_NAME, PARAMETER_NAMES, PROG, TEMPLATE, TEMPLATES_DIR, ReportError, display_path, is_synthetic_input,
    parse_data_cut, section_title, sha256_file, source_date_epoch,
)
from .index import build_index, index_html, index_page
from .section import (
    clean_executed, fix_styler_ids, notebook_parameters, prepare_environment, run_section, to_html,
)
from .stamp import remove_stale_temporaries, stamp_text, validate

__all__ = [
    "BuildResult", "KERNEL_NAME", "PARAMETER_NAMES", "PROG", "ReportError", "TEMPLATE", "TEMPLATES_DIR", "build",
    "build_index", "clean_executed", "default_jobs", "display_path", "fix_styler_ids", "index_html", "index_links", "index_page",
    "is_stale", "is_synthetic_input", "notebook_parameters", "parse_data_cut", "prepare_environment",
    "remove_stale_temporaries", "run_section", "run_sections", "section_title", "sha256_file", "source_date_epoch",
    "stale_sections", "stamp_text", "to_html", "validate",
]
