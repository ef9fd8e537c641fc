"""The draft study file's text: a header of what was recognised and what is not in the file, the
study file's own entries (kept), then every suggestion block, commented out."""
from __future__ import annotations

import json
from pathlib import Path
import re

from ..clean import UNUSED_COLUMN
from ..codebook import Codebook
from ..suggest import target_label, yaml_text
from .common import PLAIN_UNSAFE, target_of
from .scan import Scan


def _entries(study: Path | None) -> dict:
    if study is None:
        return {}
    from ..study import load_study

    document, _ = load_study(study)
    return document


def _dump(value) -> str:
    """One YAML flow value (strings JSON-quoted, so "no" stays a string)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_dump(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_dump(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    plain = re.fullmatch(r"[a-z][a-z0-9_]*", str(value)) and str(value) not in PLAIN_UNSAFE
    return str(value) if plain else yaml_text(value)


def draft(found: Scan, study: str | Path | None = None, command: str = "python -m lmlib map") -> str:
    """The draft study file's text (see the module docstring)."""
    document = _entries(Path(study) if study else None)
    cb = found.codebook
    lines = [f"# Study file for lm-analysis, drafted by `{command}` from {found.source.name}",
             f"# ({found.n} rows, {len(found.columns)} columns). The format is the codebook's own: README, "
             "'Your own cohort'.",
             "#",
             "# Every suggestion below is commented out. Uncomment the lines you agree with (delete '# ' at the",
             "# start and keep the two spaces before '- '), change names and labels as you like, and delete the",
             "# rest. Then: make report DATA=... STUDY=<this file>. `make study` again shows what is still",
             "# unmatched; your entries are kept (comments are not).",
             "#", "# Columns recognised (header -> variable):"]
    identifiers = {v.name for v in cb.variables if v.identifier}
    for header, used in zip(found.columns["input"], found.columns["used_as"]):
        if used in identifiers:
            lines.append(f"#   {yaml_text(header)} -> {_describe(cb, used)}: a direct identifier, dropped when read")
        elif used != UNUSED_COLUMN:
            lines.append(f"#   {yaml_text(header)} -> {_describe(cb, used)}")
    absent = set(_absent(found))
    missing = [f"{v.label()} ({v.name}" + (f"; options {', '.join(o.name for o in v.options)})" if v.options else ")")
               for v in cb.variables if v.name in absent and v.spec.get("section") in ("table1", "table2")]
    options = [f"{o.label.get('en', o.name)} ({v.name}, option {o.name})" for v in cb.variables
               for o in v.options if v.option_column(o.name) in absent and v.name not in absent]
    if missing or options:
        lines.append("# Not in this file (left out of the tables, with a footnote), with the names a study-file line "
                     "uses: " + "; ".join(missing + options))
        lines.append("#   If your file has one under another header: - {name: <name>, aliases: [\"<your header>\"]}, "
                     "or for an option: - {name: <variable>, options: [{name: <option>, aliases: [\"<your header>\"]}]}")
    lines += ["", "study_file: 1"]
    missing = document.get("missing_values")
    lines.append(f"missing_values: {_dump(missing)}" if missing else
                 '# missing_values: ["9"]   # codes meaning "unknown" in every column (Bilinmiyor, ?, NA, - already are)')
    nerves = document.get("cranial_nerves")
    lines.append(f"cranial_nerves: {_dump(nerves)}" if nerves else
                 "# cranial_nerves: {rule: any}   # count a patient in a nerve group (CN 4-6) when ANY of its nerves "
                 "is involved; the paper's rule is all")
    lines.append("variables:")
    for entry in document.get("variables", []):
        lines.append(f"  - {_dump(entry)}")
    for block in found.blocks:
        lines.append("")
        lines += [f"  {line}" for line in block]
    if not document.get("variables") and not found.blocks:
        lines.append("  # nothing to add: every column and value is known")
    return "\n".join(lines) + "\n"


def _absent(found: Scan) -> list[str]:
    from ..coverage import not_in_file

    return not_in_file(found.columns, found.codebook)


def _describe(cb: Codebook, used: str) -> str:
    try:
        return target_label(cb, target_of(used))
    except (KeyError, StopIteration):
        return str(used)
