"""How a message repeats a value or a header from an input: cut to :data:`ECHO_LIMIT` characters,
control characters escaped. Standard library only, and imports nothing of lmlib (both
:mod:`lmlib.problems` and :mod:`lmlib.identifiers` use it)."""
from __future__ import annotations

ECHO_LIMIT = 80  # characters of a value or header repeated in a message
_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7f, 0xa0))} | {9: "\\t", 10: "\\n", 13: "\\r"}


def cut(text: object, limit: int = ECHO_LIMIT) -> str:
    """``text`` as a message repeats it: whole up to ``limit`` characters, else its start, "…" and
    its length (a 500 MB cell must not make a 500 MB message); control characters written as
    escapes (``\\r``, ``\\x1b``), so that a value can neither break a line of a CSV or a
    message nor send commands to a terminal."""
    text = str(text)
    shown = text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"
    return shown.translate(_CONTROL)
