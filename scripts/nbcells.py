"""What the notebook generator scripts (make_notebooks.py, make_survival_notebook.py,
make_reproduction_notebook.py) share: cell constructors, the notebook around the cells (stable
cell ids, so regenerating gives the same file), and their command line (write, or ``--check``
that the committed file is current).

Prose cells come from the text catalog (:func:`prose`): the notebook holds the English text, for
JupyterLab, and the key in its metadata (``lmlib.text``); a report build puts the text of the
report's language in its place (:func:`lmlib.report.common.translate_prose`)."""
from __future__ import annotations

import argparse
from pathlib import Path
import sys

import nbformat

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _tagged(cell, tags: list[str] | None):
    if tags:
        cell.metadata["tags"] = tags
    return cell


def md(text: str, tags: list[str] | None = None):
    return _tagged(nbformat.v4.new_markdown_cell(text), tags)


def prose(key: str, tags: list[str] | None = None):
    """A Markdown cell of the text catalog's ``key`` (English in the file, the key in its metadata)."""
    from lmlib.present.catalog import text

    cell = md(text(key, "en"), tags)
    cell.metadata["lmlib"] = {"text": key}
    return cell


def code(text: str, tags: list[str] | None = None):
    return _tagged(nbformat.v4.new_code_cell(text), tags)


PYTHON3 = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
# The kernel `make lab` installs into .venv (Makefile: $(KERNEL)); JupyterLab opens a notebook
# that names it without asking which kernel to use.
LMLIB = {"name": "lmlib", "display_name": "Python (lmlib)", "language": "python"}


def notebook(cells: list, kernelspec: dict = PYTHON3) -> nbformat.NotebookNode:
    """A notebook of ``cells`` with ids ``cell-00``, ``cell-01``, ... and the ``kernelspec``
    (the report's sections: python3, the environment's own kernel)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i:02d}"  # stable ids: regenerating gives the same file
    nb.metadata = {"kernelspec": dict(kernelspec), "language_info": {"name": "python"}}
    return nb


def render(cells: list, kernelspec: dict = PYTHON3) -> str:
    """The notebook file's text."""
    return nbformat.writes(notebook(cells, kernelspec)) + "\n"


def main(notebooks: dict, script: str, description: str, argv=None, kernelspec: dict = PYTHON3) -> int:
    """Write each ``{path: cells}`` notebook (atomically), or with ``--check`` exit 1 naming the
    committed ones that differ from what ``script`` would write."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true", help="exit 1 if a committed notebook is out of date")
    args = parser.parse_args(argv)
    stale = []
    for path, cells in notebooks.items():
        text = render(cells, kernelspec)
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
            continue
        from lmlib.atomic import write_text

        write_text(path, text)
        print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print(f"out of date: {', '.join(stale)} (run python scripts/{script})", file=sys.stderr)
        return 1
    return 0
