"""What the parts of the scan share: names made from text, and cells as spellings."""
from __future__ import annotations

import re

from ..normalize import match_key

PLAIN_UNSAFE = {"yes", "no", "on", "off", "y", "n", "true", "false", "null"}  # quoted even as names


def slug(text) -> str:
    """A variable or level name from a header or value: "KPS" -> "kps", "Taşlı yüzük" -> "tasli_yuzuk"."""
    name = re.sub(r"[^a-z0-9]+", "_", match_key(text)).strip("_") or "x"
    return name if name[0].isalpha() else f"x_{name}"


def as_spelling(value):
    """A cell as a spelling: an SPSS or Excel code 1.0 is written "1" (as it is matched)."""
    text = str(value)
    return text[:-2] if re.fullmatch(r"-?\d+\.0", text) else text


def target_of(used: str) -> tuple:
    parts = str(used).split(":")
    if parts[0].isdigit():
        return ("nerve", int(parts[0]))
    return ("option", *parts) if len(parts) == 2 else ("variable", parts[0])
