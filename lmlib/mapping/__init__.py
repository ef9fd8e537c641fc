"""``python -m lmlib map FILE [--study S]``: a scan of an export and a draft study file.

The export is read and cleaned as ``make report`` would (leniently, with the study file ``S``
when given); what did not fit becomes suggestions, commented out, for a person to confirm
(OHDSI WhiteRabbit and Usagi do the same for a source database):

* every column, with the variable it was matched to;
* a column that matched nothing: the closest known headers with scores (the study-file line
  that maps it), and a new variable of its own with a guessed type (KPS: integer);
* a value that matched no level: its count, its closest levels with scores, the line that
  makes it a spelling of one of them and the line that makes it a new level (a new histology
  ``within:`` the primary sites it occurs with);
* yes/no spellings no yes/no list knows, cells that are no number or date, required columns
  not found, and the variables the file does not have.

The draft is valid YAML as it is (the entries of ``S`` active, every suggestion a comment).
Nothing here is ever applied by itself.
"""
from __future__ import annotations

from .columns import guess_variable
from .common import slug
from .draft import draft
from .scan import Scan, scan

__all__ = ["Scan", "draft", "guess_variable", "scan", "slug"]
