"""The source paper's published numbers (``data/published.yaml``): the one loader.

The file is data, read by whoever needs it: the table layout (row order), the synthetic-cohort
generator and the reproduction audit. Parsed once per file version (path, modification time,
size); every call returns a fresh copy, so a caller may change it freely.
"""
from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path

from . import config


def load_published(path: str | Path | None = None) -> dict:
    """The published numbers and row order (default ``data/published.yaml``) as a dict."""
    path = Path(path or config.PUBLISHED)
    stat = path.stat()
    return copy.deepcopy(_published_cached(path.resolve(), stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=8)
def _published_cached(path: Path, mtime_ns: int, size: int) -> dict:
    from .yamlload import load_yaml  # YAML 1.2 booleans: a level "no" stays the string "no"

    return load_yaml(path.read_text(encoding="utf-8"))
