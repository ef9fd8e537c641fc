"""Modules that are also functions of the public API: ``lmlib.survival``, ``lmlib.crosstab``, ``lmlib.audit``.

The short API (:mod:`lmlib.api`) names three functions after the modules that compute their
numbers: ``lmlib.survival(cohort)``, ``lmlib.crosstab(cohort)``, ``lmlib.audit(cohort)``. A
package attribute cannot be a function and a submodule at once (importing the submodule sets
the attribute to the module), so these three modules are made callable instead: calling one
calls the function of the same name in :mod:`lmlib.api`, and everything else about it stays a
module (``from lmlib.survival import cox_model``, ``import lmlib.audit.reproduce``).

The function is found by name when it is called (a string, not an import), so the statistics
modules never import the presentation code that :mod:`lmlib.api` uses.
"""
from __future__ import annotations

import sys
import types

API_MODULE = "lmlib.api"


def api_function(module: types.ModuleType):
    """The function of :mod:`lmlib.api` that calling ``module`` calls (its last name)."""
    from importlib import import_module

    return getattr(import_module(API_MODULE), module.__name__.rpartition(".")[2])


class CallableModule(types.ModuleType):
    """A module whose call is the :mod:`lmlib.api` function of its name: ``lmlib.survival(cohort,
    by="treatment")`` is ``lmlib.api.survival(cohort, by="treatment")``."""

    def __call__(self, *args, **kwargs):
        return api_function(self)(*args, **kwargs)

    @property
    def __signature__(self):  # what JupyterLab's tooltip and inspect.signature show
        import inspect

        return inspect.signature(api_function(self))


def make_callable(name: str) -> None:
    """Make the imported module ``name`` callable (:class:`CallableModule`)."""
    sys.modules[name].__class__ = CallableModule
