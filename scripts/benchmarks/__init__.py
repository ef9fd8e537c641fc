"""The benchmarks of ``scripts/bench.py`` (``make bench``), a module per job:

* :mod:`.registry`: :class:`~.registry.Benchmark`, the :func:`~.registry.benchmark` decorator
  and the measuring (a step in this process, a whole command);
* :mod:`.tables`, :mod:`.km`, :mod:`.comparisons`, :mod:`.report_large`, :mod:`.tables_dask`: the
  benchmarks at registry scale, per cohort size (``report_large``: the whole ``make report`` with a
  grouping and a Cox model, against the paper's layout);
* :mod:`.report`: the report group (the project copy, the trivial notebooks, the floors, ``make
  report`` cold and with nothing changed);
* :mod:`.results`: ratios, goals, the printed table, where the JSON goes, machine and versions.

Importing the package registers every benchmark in :data:`.registry.BENCHMARKS`, in the order
they run and print in (this import order).
"""
from . import tables  # noqa: F401  (isort: skip: the order below is the run order)
from . import km  # noqa: F401
from . import comparisons  # noqa: F401
from . import report_large  # noqa: F401
from . import tables_dask  # noqa: F401
from . import report  # noqa: F401
