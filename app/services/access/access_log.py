"""The access log: every write, and every read of member data by a bank.

It keeps the method, the path with its query string, the status and who: never a body. A
12-digit number in the path or query string is kept masked but its last four digits, so a
full Aadhaar number sent there (where no endpoint reads one) never reaches the log.
"""

from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.services.shared.aadhaar import mask_aadhaar
from app.services.shared.principal import Principal
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
    # A Core INSERT built once, not the unit of work: every write and every bank read comes
    # here.
    session.connection().execute(
        _RECORD,
        {
            "token_id": who.token_id if who else None,
            "person_id": who.person_id if who else None,
            "role": who.role.value if who else None,
            "method": method,
            "path": mask_aadhaar(path)[:400],
            "status_code": status_code,
            "idempotency_key": idempotency_key,
            "remote_addr": remote_addr,
        },
    )


_RECORD = insert(AccessLogEntry.__table__)
