"""Build the API reference of lmlib (``make docs``): HTML from the docstrings with pdoc, into docs/.

The start page is the package's docstring (the short API, :mod:`lmlib.api`); the statistical
conventions have a page of their own (:mod:`lmlib.conventions`). Docstrings are numpydoc.
Any warning (pdoc's, or one raised while importing a module) fails the build with exit status 1
and nothing is replaced: the pages are written into a temporary folder beside ``--out`` and
moved into place only when the build is clean, so docs/ is never half-written.
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path
import shutil
import sys
import tempfile
import warnings

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "lmlib"


def module_names(package: str | None = None) -> list[str]:
    """Every module of ``package`` (but ``__main__``, which runs the command line), the package first."""
    import importlib
    import pkgutil

    package = package or PACKAGE
    root = importlib.import_module(package)
    found = (m.name for m in pkgutil.walk_packages(root.__path__, f"{package}."))
    return [package] + sorted(name for name in found if not name.endswith(".__main__"))


def render(folder: Path, names: list[str]) -> None:
    """One page per module, the index and the search index (as ``pdoc.pdoc`` writes them, but for
    every module: pdoc alone follows ``__all__``, which lists the short API, not the submodules)."""
    from pdoc import doc, render as pages

    modules = {name: doc.Module.from_name(name) for name in names}
    for name, module in modules.items():
        page = folder / f"{name.replace('.', '/')}.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(pages.html_module(module, modules), encoding="utf-8")
    (folder / "index.html").write_text(pages.html_index(modules), encoding="utf-8")
    (folder / "search.js").write_text(pages.search_index(modules), encoding="utf-8")


def build(out: Path) -> list[str]:
    """Write the documentation of :data:`PACKAGE` into ``out`` (replaced only when clean);
    returns the warnings (none: the build succeeded)."""
    import pdoc.render

    out = Path(out).absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    pdoc.render.configure(docformat="numpy", footer_text="lm-analysis", show_source=True, search=True)
    with tempfile.TemporaryDirectory(prefix=f".{out.name}.", dir=out.parent) as tmp:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            render(Path(tmp), module_names())
        found = [f"{w.category.__name__}: {w.message} ({w.filename}:{w.lineno})" for w in caught]
        if found:
            return found
        old = out.with_name(f".{out.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        if out.exists():
            out.rename(old)
        Path(tmp).rename(out)
        shutil.rmtree(old, ignore_errors=True)
        Path(tmp).mkdir()  # for TemporaryDirectory's cleanup
    return []


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs"), help="output folder (default docs/)")
    args = parser.parse_args(argv)
    # make exports the report settings (LM_DATA_CUT=2018-12-31, ...); pdoc hides, with a warning,
    # a default value equal to an environment variable: the docs depend on no setting
    for name in [n for n in os.environ if n.startswith("LM_")]:
        del os.environ[name]
    found = build(Path(args.out))
    if found:
        print(f"make docs: {len(found)} warning(s); {args.out} left as it was:", file=sys.stderr)
        for line in found:
            print(f"  {line}", file=sys.stderr)
        return 1
    print(f"wrote {args.out}/index.html (open it in a browser)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
