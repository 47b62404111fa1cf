"""One key signs the web session cookie across a deployment's workers: outside production it is
made once and kept in var/secret_key (mode 0600); production must be given BAHI_SECRET_KEY.

With a random key per worker, a sign-in answered by one gunicorn worker was refused by the
next: the first test is that failure, two apps standing for two workers."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

import config
from app import create_app
from app.web.secret_key import kept_key
from models import Role
from tests.conftest import make_test_app
from tests.factories import make_federation
from tests.web_support import WebUser, person


def _worker(connection, key_file: Path):
    return make_test_app(
        DATABASE_CONNECTION=connection, BAHI_ENV="development", SECRET_KEY_FILE=str(key_file)
    )


def test_two_workers_sign_with_one_kept_key(session, connection, tmp_path):
    key_file = tmp_path / "var" / "secret_key"
    first, second = _worker(connection, key_file), _worker(connection, key_file)
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert key_file.read_text().strip() == first.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) == 64
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [p.name for p in key_file.parent.iterdir()] == ["secret_key"]  # no drafts left

    # Signed in by the first worker, her next page is drawn by the second.
    fed = make_federation(session)
    on_first, on_second = first.test_client(), second.test_client()
    WebUser(on_first, person(session, Role.BOOKKEEPER, fed.clf))
    on_second.set_cookie("bahi_session", on_first.get_cookie("bahi_session").value)
    page = on_second.get("/federation")
    assert page.status_code == 200, page.location


def test_workers_starting_together_agree(tmp_path):
    key_file = tmp_path / "secret_key"
    start = threading.Barrier(8)
    keys: list[str] = []

    def start_worker() -> None:
        start.wait()
        keys.append(kept_key(key_file))

    workers = [threading.Thread(target=start_worker) for _ in range(8)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert len(keys) == 8 and len(set(keys)) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]


def test_a_key_file_others_may_read_or_that_holds_no_key_is_refused(tmp_path):
    loose = tmp_path / "loose"
    loose.write_text("a" * 64)
    os.chmod(loose, 0o644)
    with pytest.raises(RuntimeError, match="may be read by others"):
        kept_key(loose)
    empty = tmp_path / "empty"
    empty.write_text("\n")
    os.chmod(empty, 0o600)
    with pytest.raises(RuntimeError, match="holds no usable key"):
        kept_key(empty)


def test_production_refuses_to_start_without_bahi_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("BAHI_SECRET_KEY", raising=False)
    key_file = tmp_path / "secret_key"
    production = {"BAHI_ENV": "production", "DATABASE_URL": "sqlite://"}
    with pytest.raises(RuntimeError, match="set BAHI_SECRET_KEY"):
        create_app({**production, "SECRET_KEY_FILE": str(key_file)})
    assert not key_file.exists()  # a file never stands in for the variable

    monkeypatch.setenv("BAHI_SECRET_KEY", "k" * 64)
    monkeypatch.setenv("BAHI_TOTP_KEY", "t" * 64)
    app = create_app({**production, "SECRET_KEY_FILE": str(key_file)})
    assert app.config["SECRET_KEY"] == "k" * 64 and not key_file.exists()


def test_the_testing_settings_write_no_key_into_the_repository():
    kept = Path(config.load("development")["SECRET_KEY_FILE"])
    assert kept == config.ROOT / "var" / "secret_key"
    assert config.load("testing")["SECRET_KEY_FILE"] == ""
    existed = kept.exists()
    one, other = make_test_app(), make_test_app()
    assert one.config["SECRET_KEY"] != other.config["SECRET_KEY"]  # each its own, in memory
    assert kept.exists() == existed
