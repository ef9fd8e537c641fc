"""Every public function (and class) of lmlib that the README names has a docstring example, and
every such example runs (doctest): the README cannot point a reader at a call without a worked
example in its reference page (``make docs``).

A name counts when the README calls it (``name(``, in code or prose) or spells it out as
``lmlib.<module>.<name>`` (``lmlib.survival``, ``lmlib.crosstab`` and ``lmlib.audit`` are the
API's functions too). Calls on an instance in the README's examples (``t.add_row``, ``style.p``,
``report.with_style``) are methods of their class, whose example or their own must call them.
Names that are not lmlib's (R's ``coxph``, statsmodels' ``PHReg``) are listed here, so that a new
name in the README fails this test until it is mapped.
"""
from __future__ import annotations

import doctest
import importlib
import re
import types

import pytest

from lmlib import config

README = (config.PROJ_ROOT / "README.md").read_text(encoding="utf-8")
NOT_LMLIB = {"wilcox.test", "coxph", "PHReg", "S", "p"}  # R, statsmodels; S(t) and p(...) of formulas
INSTANCES = {"t": "lmlib.present.table:DisplayTable", "style": "lmlib.present.numbers:Style",
             "report": "lmlib.survival_report.section:SurvivalReport", "": "lmlib.results:TableResult",
             "t1": "lmlib.comparisons:TableByGroup", "cox": "lmlib.comparisons:CoxTable"}
BARE = {"load_cohort": "lmlib.cohort:load_cohort", "load_codebook": "lmlib.codebook:load_codebook",
        "survival_summary": "lmlib.survival:survival_summary", "Style": "lmlib.present:Style",
        "DisplayTable": "lmlib.present.table:DisplayTable", "tables": "lmlib.tables", "scale": "lmlib.scale",
        "table_by_group": "lmlib.comparisons:table_by_group", "cox_table": "lmlib.comparisons:cox_table"}


def called_names() -> set[str]:
    """``name(`` and ``a.b(`` anywhere in the README (``.to_docx(`` as ``to_docx``)."""
    return {m.group(1).lstrip(".") for m in re.finditer(r"(?<![\w.])(\.?[A-Za-z_][\w.]*)\(", README)}


def dotted_names() -> set[str]:
    return set(re.findall(r"\blmlib(?:\.[A-Za-z_]\w*)+", README))


def load(spec: str):
    module, _, name = spec.partition(":")
    obj = importlib.import_module(module)
    return getattr(obj, name) if name else obj


def resolve(name: str):
    """(object, method) a README name stands for: a function or class (method None), a class and
    the method called on an instance of it, or (None, None) for a module."""
    head, _, rest = name.partition(".")
    if head == "lmlib":
        obj = importlib.import_module("lmlib")
        for part in name.split(".")[1:]:  # an attribute first (lmlib.survival.rmst_compare: the function)
            try:
                obj = getattr(obj, part)
            except AttributeError:
                obj = importlib.import_module(f"{obj.__name__}.{part}")
        if isinstance(obj, types.ModuleType):
            from lmlib.callable_module import CallableModule, api_function

            return (api_function(obj), None) if isinstance(obj, CallableModule) else (None, None)
        return obj, None
    if head in INSTANCES and rest and "." not in rest:
        return load(INSTANCES[head]), rest
    if not rest and name in BARE:
        return load(BARE[name]), None
    if not rest and name in ("to_docx", "to_latex", "to_csv", "to_html"):
        return load(INSTANCES[""]), name
    if head in BARE and rest:
        return getattr(load(BARE[head]), rest), None
    raise AssertionError(f"the README names {name!r}: map it in tests/test_readme_examples.py")


def named_objects() -> dict[str, tuple]:
    names = (called_names() - NOT_LMLIB) | dotted_names()
    out = {}
    for name in sorted(names):
        obj, method = resolve(name)
        if obj is not None:
            out[name] = (obj, method)
    return out


def examples(obj) -> list[doctest.DocTest]:
    return [t for t in doctest.DocTestFinder(recurse=False).find(obj, getattr(obj, "__qualname__", None) or "obj")
            if t.examples]


def test_the_readme_names_the_short_api_and_the_functions_it_documents():
    named = named_objects()
    assert {"lmlib.load", "lmlib.table1", "lmlib.survival", "lmlib.km_plot", "lmlib.crosstab",
            "lmlib.audit"} <= set(named)
    assert len(named) >= 30  # the README's calls are found (a broken pattern finds none)


@pytest.mark.parametrize("name", sorted(named_objects()))
def test_every_function_the_readme_names_has_a_docstring_example_that_runs(name):
    obj, method = named_objects()[name]
    tests = examples(obj) + (examples(getattr(obj, method)) if method else [])  # the class's or the method's
    assert tests, f"{name}: {obj.__module__}.{obj.__qualname__} has no docstring example (>>>)"
    if method:
        source = "".join(e.source for t in tests for e in t.examples)
        assert f".{method}(" in source, f"{name}: the example of {obj.__qualname__} never calls .{method}()"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in tests:
        runner.run(test)
    assert runner.summarize(verbose=False).failed == 0, f"{name}: its example fails (run pytest -s to see it)"
