"""Cell constructors shared by the notebook generator scripts (make_notebooks.py,
make_survival_notebook.py): a markdown or code cell with optional tags."""
from __future__ import annotations

import nbformat


def _tagged(cell, tags: list[str] | None):
    if tags:
        cell.metadata["tags"] = tags
    return cell


def md(text: str, tags: list[str] | None = None):
    return _tagged(nbformat.v4.new_markdown_cell(text), tags)


def code(text: str, tags: list[str] | None = None):
    return _tagged(nbformat.v4.new_code_cell(text), tags)
