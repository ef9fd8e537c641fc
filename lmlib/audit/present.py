"""Presentation of the audit (kept importable here): see :mod:`lmlib.present.audit`."""
from __future__ import annotations

from ..present.audit import (STATUS_ORDER, consistency_table, compare_table, counts_table, csv_frame,  # noqa: F401
                             legend, side_by_side_table, status_counts, status_text, summary_sentence, words)

STATUS_TEXT = {status: status_text(status) for status in STATUS_ORDER}


def styler(frame, columns: list[str], caption: str = ""):
    """The findings (``columns`` of them) as a display table: the comparison table when the
    frame has a ``computed`` column, else the consistency findings."""
    return compare_table(frame) if "computed" in frame else consistency_table(frame)


def side_by_side_styler(frame, lang: str = "en"):
    """A user's series beside the published one (:func:`lmlib.audit.reproduce.side_by_side`)
    as a display table (:func:`lmlib.present.audit.side_by_side_table`)."""
    from ..codebook import load_codebook
    from ..present import Style

    return side_by_side_table(frame, Style(lang), load_codebook())
