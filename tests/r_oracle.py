"""R's results saved in tests/data/r_oracles/ (made by scripts/make_r_oracles.R) and the data
sets they were computed on, read the way the tests need them."""
from __future__ import annotations

from functools import lru_cache
import json
import math
from pathlib import Path

import pandas as pd

DIR = Path(__file__).resolve().parent / "data" / "r_oracles"
STAT_RTOL = 1e-8  # test statistics and p-values
COX_RTOL = 2e-8  # Cox estimates


@lru_cache(maxsize=None)
def oracle(name: str) -> dict:
    """``group_tests``, ``survival`` or ``cox`` (the JSON files)."""
    return json.loads((DIR / f"{name}.json").read_text(encoding="utf-8"))


def dataset(name: str) -> pd.DataFrame:
    """An exported R data set as pandas reads the CSV; ``colon_death`` is colon's death records
    (etype 2, one per patient) and lung gets ``dead`` (R's status 2) as 0/1."""
    if name == "colon_death":
        colon = pd.read_csv(DIR / "colon.csv")
        return colon[colon["etype"] == 2].reset_index(drop=True)
    frame = pd.read_csv(DIR / f"{name}.csv")
    if name == "lung":
        frame["dead"] = (frame["status"] == 2).astype(int)
    return frame


def close(ours: float, r_value, rtol: float = STAT_RTOL, atol: float = 0.0) -> bool:
    """Equal within rtol (relative to R) or atol; R's null (NA) must be NaN here."""
    if r_value is None:
        return ours is None or (isinstance(ours, float) and math.isnan(ours))
    return abs(float(ours) - float(r_value)) <= max(rtol * abs(float(r_value)), atol)


def case_id(case: dict) -> str:
    return "-".join(str(case.get(k)) for k in ("dataset", "variable", "by", "name") if case.get(k) is not None)
