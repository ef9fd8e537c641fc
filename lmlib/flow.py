"""The screening flow (STROBE item 13): screened -> excluded, with reasons -> included.

Numbers only, from a cleaned screening log (:func:`lmlib.cohort.load_screening`): one row
per referred patient with ``included`` (yes/no) and, for the excluded, ``exclusion_reason``
(codebook levels). The diagram is drawn by :func:`lmlib.plots.flow_diagram`.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import config
from .codebook import Codebook, load_codebook
from .describe import MISSING_LEVEL, proportion

STAGES = ("screened", "excluded", "included")
REASON_VARIABLE = "exclusion_reason"
FLOW_COLUMNS = ["section", "item", "level", "label", "n", "denominator", "percent"]
LABEL_KEYS = {"screened": "flow.screened", "excluded": "flow.excluded", "included": "flow.included",
              MISSING_LEVEL: "flow.missing"}  # the text catalog's keys of the stages


def stage_label(stage: str, lang: str = "en") -> str:
    """The label of a flow stage (or of "reason not recorded") in ``lang``, from the text catalog."""
    from .present.catalog import text

    return text(LABEL_KEYS[stage], lang)


class FlowError(ValueError):
    """The screening log contradicts itself or the cohort."""


def _reason_variable(codebook: Codebook):
    for var in codebook.screening:
        if var.name == REASON_VARIABLE:
            return var
    raise KeyError(f"the codebook's screening section has no {REASON_VARIABLE!r}")


def flow_counts(screening: pd.DataFrame, codebook: Codebook | None = None, *, lang: str = "en",
                cohort_n: int | None = None) -> pd.DataFrame:
    """Screened, excluded (total and by reason, codebook order) and included patients.

    Parameters
    ----------
    screening : the cleaned screening log (``load_screening().data``); not modified.
    codebook : default ``data/codebook.yaml``.
    lang : language of the ``label`` column (en or tr).
    cohort_n : the number of patients in the analysed cohort; when given it must equal the
        included count.

    Returns
    -------
    Tidy DataFrame (section "flow", item = stage, level = reason or "", label, n,
    denominator = screened, percent of screened, unrounded). Reasons with no patient are
    left out; excluded patients without a reason appear as level "missing".

    Raises
    ------
    FlowError : a patient without included yes/no, an included patient with an exclusion
        reason, or ``cohort_n`` different from the included count.
    """
    codebook = codebook or load_codebook()
    included = screening["included"]
    if included.isna().any():
        raise FlowError(f"{int(included.isna().sum())} screened patient(s) have no included yes/no")
    if REASON_VARIABLE in screening and screening.loc[included.astype(bool), REASON_VARIABLE].notna().any():
        raise FlowError("included patient(s) with an exclusion reason: the screening log contradicts itself")
    screened = len(screening)
    n_in = int(included.astype(bool).sum())
    out = screening.loc[~included.astype(bool)]
    rows = [("screened", "", stage_label("screened", lang), screened),
            ("excluded", "", stage_label("excluded", lang), len(out))]
    var = _reason_variable(codebook)
    reasons = out[REASON_VARIABLE].astype(object) if REASON_VARIABLE in out else pd.Series(pd.NA, index=out.index)
    for level in var.levels:
        n = int((reasons == level.name).sum())
        if n:
            rows.append(("excluded", level.name, level.label.get(lang, level.name), n))
    if reasons.isna().any():
        rows.append(("excluded", MISSING_LEVEL, stage_label(MISSING_LEVEL, lang), int(reasons.isna().sum())))
    rows.append(("included", "", stage_label("included", lang), n_in))
    if cohort_n is not None and cohort_n != n_in:
        raise FlowError(f"the screening log includes {n_in} patients but the cohort has {cohort_n}")
    frame = pd.DataFrame(rows, columns=["item", "level", "label", "n"])
    frame["denominator"] = screened
    frame["percent"] = [proportion(n, screened)["percent"] for n in frame["n"]]
    frame["section"] = "flow"
    return frame[FLOW_COLUMNS]


def stage_count(flow: pd.DataFrame, stage: str, level: str = "") -> int:
    """The count of one stage (and reason) of a :func:`flow_counts` table."""
    hit = flow[(flow["item"] == stage) & (flow["level"] == level)]
    if hit.empty:
        raise KeyError(f"no flow count for {stage}/{level or '(all)'}")
    return int(hit["n"].iloc[0])


def screening_source(data: str | Path | None = "", screening: str | Path | None = "") -> Path | None:
    """The screening log to draw the flow from: ``screening`` when given; the bundled
    synthetic log when ``data`` is empty or the bundled synthetic cohort (by content, under
    any name); otherwise None (a user's cohort without a screening log has no flow diagram,
    rather than a synthetic one)."""
    if screening:
        return Path(screening)
    from .provenance import is_synthetic

    return config.SYNTHETIC_SCREENING if is_synthetic(data) else None
