"""The reproduction audit: the published numbers checked against themselves (``consistency``)
and against a cohort (``reproduce``). Calling this package, ``lmlib.audit(cohort)``, is
:func:`lmlib.api.audit`: the audit as the report shows it."""

from ..callable_module import make_callable  # noqa: E402

make_callable(__name__)  # calling this module is lmlib.api.audit (see lmlib.callable_module)
