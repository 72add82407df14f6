"""`wfm leave check`: a leave request file checked against the manuals' rules, without a server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wfm.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def request(tmp_path: Path, **fields: object) -> str:
    body = {"agent_id": "A001", "leave_type": "personal", "first_day": "2025-11-25", "last_day": "2025-11-25"}
    path = tmp_path / "leave.json"
    path.write_text(json.dumps({**body, **fields}), encoding="utf-8")
    return str(path)


def test_personal_leave_a_day_ahead_passes_and_names_its_approver(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, said, err = run(capsys, "leave", "check", request(tmp_path), "--filed-on", "2025-11-24")
    assert code == 0, err
    assert "ok: A001's personal leave 2025-11-25, asked for by A001 on 2025-11-24" in said
    assert "approved by: the department manager" in said


def test_personal_leave_the_same_day_by_someone_else_is_refused_field_by_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = request(tmp_path)
    code, said, err = run(capsys, "leave", "check", path, "--filed-on", "2025-11-25", "--filed-by", "S01")
    assert code == 2 and said == ""
    assert "field 'first_day'" in err and "at least 1 day ahead" in err
    assert "field 'filed_by'" in err


def test_long_sick_leave_by_phone_passes_with_the_chain_and_the_paperwork_still_needed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = request(tmp_path, leave_type="sick", first_day="2025-11-24", last_day="2025-11-26", by_phone=True)
    code, said, err = run(capsys, "leave", "check", path, "--filed-on", "2025-11-24", "--filed-by", "mother")
    assert code == 0, err
    assert "approved by: the department manager, then HR, then the general manager" in said
    assert "before approval: field 'medical_certificate'" in said
    assert "before approval: field 'written_request'" in said


def test_a_bad_file_is_named(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(
        capsys, "leave", "check", request(tmp_path, last_day="2025-11-20"), "--filed-on", "2025-11-01"
    )
    assert code == 2 and "field 'last_day'" in err
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    code, _, err = run(capsys, "leave", "check", str(broken))
    assert code == 2 and "not valid JSON" in err
    code, _, err = run(capsys, "leave", "check", str(tmp_path / "missing.json"))
    assert code == 2 and "no such file" in err
    code, _, err = run(capsys, "leave", "check", request(tmp_path), "--filed-on", "soon")
    assert code == 2 and "field 'filed_on'" in err
