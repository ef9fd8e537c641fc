"""The start-here notebook in the real JupyterLab: `make lab` started headless, driven by playwright
with the system Chromium (as tests/test_report_browser.py drives the reports).

The test opens the server's default page, which `make lab` makes notebooks/00_start_here.ipynb;
the notebook names the "Python (lmlib)" kernel, so no
kernel dialog may appear; `make lab` turns JupyterLab's news and update checks off, so no
notification may appear either. It runs all cells from the Run menu and checks in the page's DOM
that the kernel is "Python (lmlib)", that Table 1 rendered as a table with its caption and the
Kaplan–Meier figure as a loaded image, and that no cell printed an error or to stderr. It saves
screenshots (Table 1, Table 1 by group, the curve, the forest plot) in its tmp folder, and
always stops the server it started (its whole process group) and the kernel that server started.

The notebook is opened from a copy in a tmp folder (the server's root), with ``save_to`` set to
that folder, so the run writes nothing into the checkout; every other byte is the committed
notebook's. JupyterLab's user settings and workspaces are tmp folders too: a user's own settings
neither help nor hinder the test, and the test leaves nothing in ~/.jupyter.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
import secrets
import signal
import socket
import subprocess
import time

import pytest

from lmlib import config

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
NOTEBOOK = config.NOTEBOOKS_DIR / "00_start_here.ipynb"
START_SECONDS = 120  # JupyterLab listening
RUN_SECONDS = 300  # every cell run (a cold kernel imports pandas, scipy, matplotlib)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium is not installed at /usr/bin/chromium "
                       "(Debian: apt-get install chromium; .ci/run installs it when it can)"),
]

CELL_PROMPTS = """() => Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputPrompt'))
    .map(e => e.textContent.trim())"""
MIME_TYPES = """() => Array.from(document.querySelectorAll('.jp-OutputArea-output'))
    .map(e => e.getAttribute('data-mime-type') || '')"""
TABLE_CAPTIONS = """() => Array.from(document.querySelectorAll('.jp-OutputArea-output table.lm-table > caption'))
    .map(c => c.textContent.trim())"""
KERNEL_READY = """() => {
  const name = document.querySelector('.jp-NotebookPanel .jp-Toolbar-kernelName');
  const status = document.querySelector('.jp-Notebook-ExecutionIndicator');
  return (name && name.textContent.trim() === 'Python (lmlib)' && status
          && status.getAttribute('data-status') === 'idle') || document.querySelector('.jp-Dialog') !== null;
}"""
FIGURES = """() => Array.from(document.querySelectorAll('.jp-OutputArea-output figure.lm-figure img'))
    .map(i => ({complete: i.complete, width: i.naturalWidth, height: i.naturalHeight, alt: i.alt}))"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def notebook_copy(folder: Path, save_to: Path) -> Path:
    """The committed notebook under ``folder/notebooks/`` with ``save_to`` set (the only change)."""
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    source = "".join(cell["source"])
    old = 'save_to: str = "reports/explore"'
    assert old in source
    cell["source"] = source.replace(old, f"save_to: str = {str(save_to)!r}")
    path = folder / "notebooks" / NOTEBOOK.name
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")
    return path


def kernel_processes(kernel_ids) -> list[int]:
    """Processes whose command line names one of the kernels' connection files."""
    import psutil

    found = []
    for proc in psutil.process_iter(["pid", "cmdline"]):
        line = " ".join(proc.info["cmdline"] or [])
        if any(f"kernel-{k}.json" in line for k in kernel_ids):
            found.append(proc.info["pid"])
    return found


def stop(server: subprocess.Popen) -> None:
    """SIGTERM to the server's process group (make and JupyterLab), SIGKILL if it lingers."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)


def wait_for_port(port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"make lab exited with {server.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"JupyterLab did not listen within {START_SECONDS} s:\n{log.read_text(errors='replace')[-3000:]}")


def run_all_cells(page) -> list[str]:
    """Run > Run All Cells, then wait until every code cell has its execution count."""
    page.click("li.lm-MenuBar-item >> text=Run")
    page.click(".lm-Menu-content >> text=Run All Cells")
    deadline = time.monotonic() + RUN_SECONDS
    while time.monotonic() < deadline:
        prompts = page.evaluate(CELL_PROMPTS)
        if prompts and all(p.strip("[]:").isdigit() for p in prompts):
            return prompts
        time.sleep(1)
    pytest.fail(f"the cells did not all run within {RUN_SECONDS} s: {page.evaluate(CELL_PROMPTS)}")


def test_the_start_notebook_runs_in_jupyterlab_with_the_lmlib_kernel_and_renders_table_1_and_the_curve(tmp_path):
    from playwright.sync_api import sync_playwright

    root = tmp_path / "lab"
    notebook_copy(root, tmp_path / "written")
    port, token = free_port(), secrets.token_hex(16)
    log = tmp_path / "lab.log"
    lab_args = (f"--no-browser --port={port} --ServerApp.ip=127.0.0.1 --IdentityProvider.token={token} "
                f"--ServerApp.root_dir={root} --LabApp.user_settings_dir={tmp_path / 'settings'} "
                f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}")  # never the user's own settings
    with open(log, "wb") as out:
        server = subprocess.Popen(["make", "--no-print-directory", "lab", f"LAB_ARGS={lab_args}"],
                                  cwd=config.PROJ_ROOT, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)  # its own process group, stopped as a whole
    kernels = []
    try:
        wait_for_port(port, server, log)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(f"http://127.0.0.1:{port}/?token={token}")  # make lab's default page: the notebook
                page.wait_for_selector(".jp-NotebookPanel", timeout=60_000)
                try:  # the kernel the notebook names starts by itself: no dialog asks which one
                    page.wait_for_function(KERNEL_READY, timeout=120_000)
                except Exception:
                    page.screenshot(path=str(tmp_path / "lab_no_kernel.png"))
                    raise
                assert page.query_selector_all(".jp-Dialog") == [], "a dialog (kernel selection?) opened"
                kernel_name = page.inner_text(".jp-NotebookPanel .jp-Toolbar-kernelName")
                assert kernel_name.strip() == "Python (lmlib)"
                prompts = run_all_cells(page)
                kernels = [k["id"] for k in page.evaluate(
                    f"async () => (await (await fetch('/api/kernels?token={token}')).json())")]

                mimes = page.evaluate(MIME_TYPES)
                captions = page.evaluate(TABLE_CAPTIONS)
                figures = page.evaluate(FIGURES)
                toasts = page.query_selector_all(".Toastify__toast")
                assert [m for m in mimes if m in ("application/vnd.jupyter.stderr",
                                                  "application/vnd.jupyter.error")] == []
                assert "Table 1. Demographic and clinical data of the patients" in captions, captions
                assert any(c.startswith("Table 4.") for c in captions), captions
                assert figures and all(f["complete"] and f["width"] > 0 and f["alt"] for f in figures), figures
                assert toasts == [], [t.inner_text() for t in toasts]  # no news, no update notice
                assert page.query_selector_all(".jp-Dialog") == []

                tables = page.locator(".jp-OutputArea-output table.lm-table")
                figures = page.locator(".jp-OutputArea-output figure.lm-figure")
                for name, target in (("lab_table1.png", tables.filter(has_text="Table 1.").first),
                                     ("lab_table1_by_group.png", tables.filter(has_text="Table 1.").nth(1)),
                                     ("lab_km.png", figures.first), ("lab_forest.png", figures.last)):
                    target.scroll_into_view_if_needed()
                    page.wait_for_timeout(1000)  # JupyterLab paints the cells scrolled to
                    page.screenshot(path=str(tmp_path / name))
            finally:
                browser.close()
        code_cells = [c for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
        assert len(prompts) == len(code_cells) and (tmp_path / "written" / "table1.docx").stat().st_size > 0
        assert kernels, "the server had no kernel running the notebook"
    finally:
        stop(server)
    assert server.poll() is not None
    deadline = time.monotonic() + 30
    while kernel_processes(kernels) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert kernel_processes(kernels) == [], "the kernel outlived the server"
    print(f"screenshots: {sorted(str(p) for p in tmp_path.glob('lab_*.png'))}")
