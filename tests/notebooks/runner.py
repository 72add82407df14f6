"""Running a notebook top to bottom, as CI does: :func:`run_notebook` and what a notebook needs.

A notebook runs on a fresh kernel of *this* Python (the environment running pytest, where the
``wfm`` package is installed), whatever other kernel specs the machine has, with ``notebooks/``
as its working directory. The first cell that raises (an ``assert`` cell that does not hold,
typically) stops the run, and :class:`NotebookFailed` names that cell, shows its source and the
error.

What a notebook needs is declared in its metadata, so a new notebook is picked up without any
change here::

    "metadata": {"wfm": {"needs": ["shared_data"], "cell_timeout_s": 300}}

``needs`` may list ``"shared_data"``: the real call-centre data in ``../shared/data`` beside the
repository (or ``$WFM_SHARED_DATA``), passed to the notebook as ``WFM_SHARED_DATA``; without it the
notebook is skipped, saying why. ``cell_timeout_s`` bounds each cell (default
:data:`CELL_TIMEOUT_S`).
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO_ROOT / "notebooks"
CELL_TIMEOUT_S = 300
"""No cell of a notebook CI runs may take longer (the whole notebook should take a few minutes)."""
KNOWN_NEEDS = {"shared_data"}

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class NotebookFailed(AssertionError):
    """A cell of a notebook raised: which one, its source and the error."""


def notebook_paths() -> list[Path]:
    """Every notebook in ``notebooks/`` (checkpoints left out), by name."""
    return sorted(p for p in NOTEBOOKS.glob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def shared_data_dir() -> Path:
    """``$WFM_SHARED_DATA``, else ``shared/data`` beside the repository."""
    configured = os.environ.get("WFM_SHARED_DATA")
    return Path(configured).expanduser() if configured else REPO_ROOT.parent / "shared" / "data"


def needs(notebook: nbformat.NotebookNode) -> list[str]:
    """What ``notebook`` declares it needs (``metadata.wfm.needs``); unknown needs are an error."""
    declared = list(notebook.metadata.get("wfm", {}).get("needs", []))
    unknown = sorted(set(declared) - KNOWN_NEEDS)
    if unknown:
        raise ValueError(f"unknown needs {unknown} in the notebook's metadata; known: {sorted(KNOWN_NEEDS)}")
    return declared


def why_not_runnable(notebook: nbformat.NotebookNode, shared_data: Path) -> str | None:
    """Why ``notebook`` cannot run on this machine (a reason to skip it), or ``None`` when it can."""
    if "shared_data" in needs(notebook) and not shared_data.is_dir():
        return (
            f"needs the shared call-centre data, not present at {shared_data} "
            "(only on the team's machines; set WFM_SHARED_DATA to point at a copy)"
        )
    return None


class _ThisPython(KernelSpecManager):
    """Every kernel name resolves to an IPython kernel of the Python running the tests."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        return KernelSpec(
            argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            display_name=f"Python ({sys.executable})",
            language="python",
            resource_dir="",
        )


def run_notebook(
    path: Path, *, shared_data: Path | None = None, cell_timeout_s: int | None = None
) -> nbformat.NotebookNode:
    """Execute the notebook at ``path`` top to bottom on a fresh kernel; return it with its outputs.

    The file itself is not changed. Raises :class:`NotebookFailed` naming the first cell that
    raised (or ran past its timeout).
    """
    notebook = nbformat.read(path, as_version=4)
    settings: dict[str, Any] = notebook.metadata.get("wfm", {})
    timeout = cell_timeout_s or int(settings.get("cell_timeout_s", CELL_TIMEOUT_S))
    environment = dict(os.environ)
    environment["WFM_SHARED_DATA"] = str(shared_data or shared_data_dir())
    environment.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # debugpy's warning on frozen modules
    client = NotebookClient(
        notebook,
        timeout=timeout,
        km=AsyncKernelManager(kernel_name="python3", kernel_spec_manager=_ThisPython()),
        resources={"metadata": {"path": str(path.parent)}},
    )
    started = time.perf_counter()
    try:
        client.execute(env=environment)
    except (CellExecutionError, CellTimeoutError) as error:
        raise NotebookFailed(_describe_failure(path, notebook, error, timeout)) from None
    notebook.metadata.setdefault("wfm", {})["seconds"] = round(time.perf_counter() - started, 1)
    return notebook


def _describe_failure(path: Path, notebook: nbformat.NotebookNode, error: Exception, timeout: int) -> str:
    index, cell = _failed_cell(notebook)
    where = f"{path.name}: cell {index + 1} of {len(notebook.cells)}" if cell else path.name
    what = f"ran longer than {timeout} s" if isinstance(error, CellTimeoutError) else "raised"
    lines = [f"{where} {what}"]
    if cell is not None:
        lines += ["--- cell source ---", cell.source, "--- error ---"]
        errors = [output for output in cell.get("outputs", []) if output.get("output_type") == "error"]
        for output in errors:
            lines += [_ANSI.sub("", line) for line in output.get("traceback", [])]
        if not errors:
            lines.append(_ANSI.sub("", str(error)))
    else:
        lines.append(_ANSI.sub("", str(error)))
    return "\n".join(lines)


def _failed_cell(notebook: nbformat.NotebookNode) -> tuple[int, Any]:
    """The cell with an error output, else the last code cell that started (a timeout)."""
    started = None
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        if any(output.get("output_type") == "error" for output in cell.get("outputs", [])):
            return index, cell
        if cell.get("metadata", {}).get("execution", {}).get("iopub.execute_input"):
            started = (index, cell)
    return started if started is not None else (-1, None)
