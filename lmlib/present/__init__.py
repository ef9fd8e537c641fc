"""The presentation layer: numbers into text, tables, figures and pages, in English or Turkish.

Statistics modules return numeric frames; everything a reader sees is made here, in one pass
after the numbers (gtsummary's pipeline: numbers -> a display table -> one renderer per format;
lifelines' split of ``summary`` from its printer).

Modules
-------
``numbers``
    the one number formatter (half away from zero in decimal arithmetic; decimal mark;
    p-values) and :class:`~lmlib.present.numbers.Style`, the settings a report prints with.
``catalog`` (+ ``texts.yaml``)
    the text catalog: every word in both languages, one lookup :func:`text`.

Importing this package is cheap (no pandas, no matplotlib).
"""
from .catalog import LANGS, text, translator
from .numbers import Style

__all__ = ["LANGS", "Style", "text", "translator"]
