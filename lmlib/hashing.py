"""SHA-256 of an input: a file's bytes, or a folder of Parquet parts as one digest.

Light on purpose (standard library only): the report build hashes its input on every run,
including the no-op one that must not import pandas.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
import stat

PARQUET_GLOB = "*.parquet"


def sha256_file(path: str | Path) -> str:
    """SHA-256 hex digest of a regular file's bytes (ValueError for a FIFO, a device or a socket,
    which could block or never end: they are never opened)."""
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise ValueError(f"{path}: not a regular file")
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def parquet_parts(folder: str | Path) -> list[Path]:
    """The Parquet files directly in ``folder``, by name (the order their rows are read in)."""
    return sorted(p for p in Path(folder).glob(PARQUET_GLOB) if p.is_file() and not p.name.startswith("."))


def sha256_of(path: str | Path) -> str:
    """SHA-256 of an input: a file's bytes; for a folder of Parquet parts, the digest of each
    part's name and digest in name order (renaming, adding or changing a part changes it)."""
    path = Path(path)
    if not path.is_dir():
        return sha256_file(path)
    digest = hashlib.sha256()
    for part in parquet_parts(path):
        digest.update(f"{part.name}\0{sha256_file(part)}\n".encode())
    return digest.hexdigest()
