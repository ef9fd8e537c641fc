"""``python -m lmlib``: see :mod:`lmlib.cli`."""
from .cli import main

raise SystemExit(main())
