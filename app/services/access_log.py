"""The access log: every write, and every read of member data by a bank."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.services.principal import Principal
from models.access import AccessLogEntry


def record_access(
    session: Session,
    who: Principal | None,
    *,
    method: str,
    path: str,
    status_code: int,
    idempotency_key: str | None,
    remote_addr: str | None,
) -> None:
    session.add(
        AccessLogEntry(
            token_id=who.token_id if who else None,
            role=who.role.value if who else None,
            method=method,
            path=path[:400],
            status_code=status_code,
            idempotency_key=idempotency_key,
            remote_addr=remote_addr,
        )
    )
