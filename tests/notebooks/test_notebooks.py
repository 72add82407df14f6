"""Every notebook in ``notebooks/`` runs top to bottom, its own ``assert`` cells holding (issue 8).

A notebook added to the folder is picked up here without any change; what it needs (the shared
real data) is declared in its metadata, see :mod:`tests.notebooks.runner`.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tests.notebooks.runner import (
    NotebookFailed,
    notebook_paths,
    run_notebook,
    shared_data_dir,
    why_not_runnable,
)


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda path: path.name)
def test_notebook_runs_top_to_bottom_and_its_checks_hold(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    reason = why_not_runnable(notebook, shared_data_dir())
    if reason:
        pytest.skip(f"{path.name} {reason}")
    ran = run_notebook(path)
    code = [cell for cell in ran.cells if cell.cell_type == "code"]
    assert code and all(cell.execution_count is not None for cell in code), "a code cell did not run"
    assert any("assert " in cell.source for cell in code), f"{path.name} checks nothing"


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda path: path.name)
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    """Outputs (pictures, timings) would bloat every diff and go stale; CI makes them afresh."""
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: cell {number}"


def _write(tmp_path: Path, cells: list[nbformat.NotebookNode], **wfm: object) -> Path:
    notebook = new_notebook(cells=cells)
    notebook.metadata["wfm"] = wfm
    path = tmp_path / "check.ipynb"
    nbformat.write(notebook, path)
    return path


def test_a_failing_assert_fails_the_run_naming_the_cell_and_the_error(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        [
            new_markdown_cell("# a notebook whose check does not hold"),
            new_code_cell("calls = 41"),
            new_code_cell('assert calls == 42, f"expected 42 calls, got {calls}"'),
            new_code_cell("never = True"),
        ],
    )
    with pytest.raises(NotebookFailed) as failed:
        run_notebook(path)
    message = str(failed.value)
    assert message.startswith("check.ipynb: cell 3 of 4 raised")
    assert 'assert calls == 42, f"expected 42 calls, got {calls}"' in message  # the cell's source
    assert "AssertionError: expected 42 calls, got 41" in message
    assert "\x1b[" not in message  # no terminal colour codes


def test_a_notebook_runs_in_its_folder_with_the_shared_data_path(tmp_path: Path) -> None:
    data = tmp_path / "elsewhere"
    path = _write(
        tmp_path,
        [
            new_code_cell(
                "import os, pathlib\n"
                f"assert pathlib.Path.cwd().resolve() == pathlib.Path({str(tmp_path)!r}).resolve()\n"
                f"assert os.environ['WFM_SHARED_DATA'] == {str(data)!r}"
            )
        ],
    )
    ran = run_notebook(path, shared_data=data)
    assert ran.cells[0].execution_count == 1


def test_a_notebook_needing_the_shared_data_is_skipped_with_the_reason_when_it_is_absent(
    tmp_path: Path,
) -> None:
    needy = new_notebook(metadata={"wfm": {"needs": ["shared_data"]}})
    reason = why_not_runnable(needy, tmp_path / "no-such-folder")
    assert reason is not None and str(tmp_path / "no-such-folder") in reason
    assert "WFM_SHARED_DATA" in reason
    assert why_not_runnable(needy, tmp_path) is None
    assert why_not_runnable(new_notebook(), tmp_path / "no-such-folder") is None
    with pytest.raises(ValueError, match="unknown needs"):
        why_not_runnable(new_notebook(metadata={"wfm": {"needs": ["gpu"]}}), tmp_path)
