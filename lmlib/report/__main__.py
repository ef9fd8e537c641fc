"""``python -m lmlib.report``: see :mod:`lmlib.report.cli`."""
from .cli import main

raise SystemExit(main())
