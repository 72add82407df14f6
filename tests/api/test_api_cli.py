"""``wfm admin create-manager``: the first account, refused in words when it cannot be made."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from api.auth import password_matches
from api.db import make_engine
from api.tables import AuditEntry, Role, User
from wfm.cli import main


def test_create_manager_makes_a_hashed_manager_and_audits_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'wfm.db'}"
    monkeypatch.setenv("WFM_ADMIN_PASSWORD", "a-long-password")
    assert main(["admin", "create-manager", "boss", "--full-name", "Wang Fang", "--database-url", url]) == 0
    engine = make_engine(url)
    with Session(engine) as session:
        user = session.exec(select(User)).one()
        assert (user.username, user.role, user.full_name) == ("boss", Role.MANAGER, "Wang Fang")
        assert user.password_hash != "a-long-password" and password_matches(
            "a-long-password", user.password_hash
        )
        assert session.exec(select(AuditEntry)).one().entity == "user"
    engine.dispose()


def test_a_taken_name_or_a_short_password_is_refused_with_exit_code_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'wfm.db'}"
    monkeypatch.setenv("WFM_ADMIN_PASSWORD", "a-long-password")
    assert main(["admin", "create-manager", "boss", "--database-url", url]) == 0
    assert main(["admin", "create-manager", "boss", "--database-url", url]) == 2
    assert "'boss' is taken" in capsys.readouterr().err
    monkeypatch.setenv("WFM_ADMIN_PASSWORD", "short")
    assert main(["admin", "create-manager", "other", "--database-url", url]) == 2
    assert "password" in capsys.readouterr().err
