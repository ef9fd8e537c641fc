"""The keys and labels of the groupings and their levels: from the codebook (en/tr), Yes/No for
booleans, "All patients" for the whole cohort (words from the text catalog); and which levels
the codebook orders."""
from __future__ import annotations

import numpy as np

from ..present.catalog import text
from .params import OVERALL_ITEM


def _is_bool(value) -> bool:
    return isinstance(value, (bool, np.bool_))


def level_key(value) -> str:
    """The ``level`` written to the CSVs: the codebook level name, ``yes``/``no`` for a boolean."""
    if _is_bool(value):
        return "yes" if value else "no"
    return str(value)


def item_label(codebook, item: str, lang: str = "en") -> str:
    """A variable's label from the codebook (derived variables too), else its name."""
    if item == OVERALL_ITEM:
        return text("word.all_patients", lang)
    if codebook is None:
        return item
    from ..tables import item_label as codebook_label

    try:
        return codebook_label(codebook, item, lang)
    except KeyError:
        return item


def level_label(codebook, item: str, value, lang: str = "en") -> str:
    """A level's label: the codebook's (``Codebook[item].level_label``), Yes/No for booleans (the
    value True/False or its key yes/no), "All patients" for the whole cohort, else the value."""
    if item == OVERALL_ITEM:
        return text("word.all_patients", lang)
    if _is_bool(value):
        return text("word.yes" if value else "word.no", lang)
    var = None
    if codebook is not None:
        try:
            var = codebook[item]
        except KeyError:
            var = None
    if var is not None and var.type != "boolean":
        try:
            return var.level_label(str(value), lang)
        except KeyError:
            pass
    if str(value) in ("yes", "no") and (var is None or var.type == "boolean"):
        return text(f"word.{value}", lang)
    return str(value)


def ordered_levels(codebook, item: str) -> list[str] | None:
    """The levels in order when the codebook marks the variable ``ordered: true``, else None."""
    if codebook is None:
        return None
    try:
        var = codebook[item]
    except KeyError:
        return None
    return var.level_names if var.spec.get("ordered") is True else None
