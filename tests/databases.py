"""Test databases: one migrated template per backend, cloned for tests that must commit."""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from alembic import command
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from app.cli import alembic_config
from app.db import make_engine


def postgres_admin_url() -> str | None:
    return os.environ.get("BAHI_TEST_DATABASE_URL") or None


def _without_autovacuum(url: str) -> None:
    """Tests insert and roll back all the time, which sets autovacuum off to ANALYZE the
    tables as empty; a test that then builds a large ledger inside its transaction (a
    synthetic federation) is planned as if the tables were empty, with nested loops over
    thousands of rows: minutes instead of seconds, depending on when the daemon last ran.
    Without it, the planner reads each table's real size, as the tests were written for.
    Clones of this database keep the setting."""
    engine = make_engine(url, poolclass=NullPool)
    with engine.begin() as conn:
        tables = conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        ).scalars()
        for table in list(tables):
            conn.execute(text(f'ALTER TABLE "{table}" SET (autovacuum_enabled = false)'))
    engine.dispose()


@dataclass
class DatabaseFactory:
    """Creates databases for one backend and drops them all at the end of the session."""

    backend: str
    workdir: Path
    created: list[str] = field(default_factory=list)
    engines: list[Engine] = field(default_factory=list)

    def _admin(self) -> Engine:
        url = postgres_admin_url()
        assert url is not None
        return make_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)

    def empty(self) -> str:
        """The URL of a new, empty database."""
        name = f"bahi_t_{uuid.uuid4().hex[:12]}"
        if self.backend == "sqlite":
            return f"sqlite:///{self.workdir / (name + '.sqlite3')}"
        with self._admin().connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return str(
            make_url(postgres_admin_url() or "")
            .set(database=name)
            .render_as_string(hide_password=False)
        )

    def migrated(self) -> str:
        url = self.empty()
        command.upgrade(alembic_config(url), "head")
        if self.backend == "postgresql":
            _without_autovacuum(url)
        return url

    def clone(self, template_url: str) -> str:
        """A new database with the template's contents (a migrated, empty schema)."""
        name = f"bahi_t_{uuid.uuid4().hex[:12]}"
        if self.backend == "sqlite":
            source = Path(make_url(template_url).database or "")
            target = self.workdir / f"{name}.sqlite3"
            shutil.copyfile(source, target)
            return f"sqlite:///{target}"
        template = make_url(template_url).database
        with self._admin().connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        self.created.append(name)
        return str(make_url(template_url).set(database=name).render_as_string(hide_password=False))

    def engine(self, url: str) -> Engine:
        engine = make_engine(url)
        self.engines.append(engine)
        return engine

    def drop_all(self) -> None:
        for engine in self.engines:
            engine.dispose()
        if self.backend != "postgresql":
            return
        with self._admin().connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
