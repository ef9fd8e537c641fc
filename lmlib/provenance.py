"""How an input is named in what the pipeline writes, and whether it is the bundled synthetic cohort.

File and folder names can identify a patient (``Ayse_Yilmaz_12345678950.csv``,
``data/raw/Mehmet Demir/export.xlsx``), and an absolute path names the user's machine and home
folder. So every report, executed notebook, processed file and stamp names an input through
:func:`shown_name` or :func:`shown_path`: the name only when it passes the identifier checks of
:mod:`lmlib.identifiers`, a path only relative to the project and only when each of its folders
passes them too, and never an absolute path. The input's SHA-256 identifies it exactly.

Whether an input is the bundled synthetic cohort is decided by its content (its SHA-256 among
:data:`SYNTHETIC_SHA256`, the files :mod:`lmlib.synthetic` writes; a test keeps the two in
agreement), never by its name: the bundled file copied to ``cohort.csv`` is still synthetic, and a
patient export named ``nonsynthetic_export.csv`` is not.

Standard library only: the report build names its input on every run, without pandas.
"""
from __future__ import annotations

from functools import lru_cache
import os
from pathlib import Path, PurePosixPath, PureWindowsPath

from . import config
from .identifiers import name_is_identifier

WITHHELD = "(withheld: the name looks like a direct identifier)"
# SHA-256 of the files lmlib.synthetic writes to data/synthetic/ (byte for byte: .gitattributes
# keeps git from changing their line ends)
SYNTHETIC_SHA256 = frozenset({
    "cc4575b074aae01a4b7303d0936e0cd26a053ae67d32a619d7f2f6dc566de14c",  # synthetic_lm_cohort.csv
    "2f9c38b7dd82611c457805cab788dea25b043db6e1651f6fa27ba96e9d8ab8f3",  # synthetic_screening_log.csv
})


def _last_part(path: str | Path) -> str:
    """The last component of a path written with / or \\ (a Windows path on any system)."""
    text = str(path).rstrip("/\\")
    return PureWindowsPath(PurePosixPath(text).name).name if text else ""


def shown_name(path: str | Path | None) -> str | None:
    """The file or folder name of ``path`` as outputs may show it; None when it looks like a
    direct identifier (the caller says "withheld", :data:`WITHHELD`). "" for no path."""
    if path is None or str(path) == "":
        return ""
    name = _last_part(path)
    return None if name_is_identifier(name) else name


def shown_path(path: str | Path | None) -> str:
    """``path`` as an output may record it: relative to the project (``data/raw/export.csv``)
    when it is inside it and no folder or file name on the way looks like an identifier; else
    the file name alone if it passes; else :data:`WITHHELD`. Never an absolute path."""
    if path is None or str(path) == "":
        return ""
    relative = None
    if not PureWindowsPath(str(path)).drive and "\\" not in str(path):  # a Windows path is never the project's
        try:
            relative = Path(os.path.abspath(path)).relative_to(Path(os.path.abspath(config.PROJ_ROOT)))
        except ValueError:
            pass
    if relative is not None and relative.parts and not any(name_is_identifier(p) for p in relative.parts):
        return relative.as_posix()
    name = shown_name(path)
    return WITHHELD if name is None else name


def shown_text(text: str, paths) -> str:
    """``text`` with every one of ``paths`` (as given, absolute and relative to the project)
    replaced by its :func:`shown_path`, longest first; for text that may hold an input's path
    (a papermill parameters cell, an error message)."""
    pairs = {}
    for path in paths:
        if not path:
            continue
        shown = shown_path(path)
        full = os.path.abspath(path)
        for form in {str(path), full, full.replace("\\", "\\\\"), str(path).replace("\\", "\\\\")}:
            if form and form != shown:
                pairs[form] = shown
    for form in sorted(pairs, key=len, reverse=True):
        text = text.replace(form, pairs[form])
    return text


@lru_cache(maxsize=32)
def _synthetic_digest(path: str, size: int, mtime: int) -> bool:
    from .hashing import sha256_file

    return sha256_file(path) in SYNTHETIC_SHA256


def is_synthetic(path: str | Path | None = None, sha256: str | None = None) -> bool:
    """True for the bundled synthetic cohort or screening log, by content: ``sha256`` (when the
    caller has it) or the digest of the file at ``path``; no path at all means the bundled
    cohort (the notebooks' default). A folder (Parquet parts) is never the bundled file."""
    if sha256 is not None:
        return sha256 in SYNTHETIC_SHA256
    if path is None or str(path) == "":
        return True
    try:
        info = os.stat(path)
    except OSError:
        return False
    import stat

    if not stat.S_ISREG(info.st_mode):
        return False
    return _synthetic_digest(os.path.abspath(path), info.st_size, info.st_mtime_ns)
