"""The key that signs the web session cookie: one per deployment, whatever the worker.

Production takes it from `BAHI_SECRET_KEY` and refuses to start without it. Elsewhere it is
made once and kept in a file (`SECRET_KEY_FILE`, `var/secret_key` by default, mode 0600), so
every gunicorn worker and every restart signs with the same key: with a key per worker, a
sign-in made by one worker was refused by the next, and a restart signed everyone out.

Two workers starting together must agree. Each writes a fresh key to a private temporary file
and links it into place: a link never replaces a file that exists, and the file appears whole,
so the first link wins and every worker then reads the winner's key back.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import tempfile
from pathlib import Path
from typing import Any

MIN_LENGTH = 32  # characters: token_hex(32) makes 64


def secret_key(config: dict[str, Any]) -> str:
    """The configured key; else, outside production, the deployment's kept (or new) key.

    Raises:
        RuntimeError: production without `BAHI_SECRET_KEY`; a key file others may read, or
            one too short to be a key.
    """
    if config.get("SECRET_KEY"):
        return str(config["SECRET_KEY"])
    if config["BAHI_ENV"] == "production":
        raise RuntimeError("set BAHI_SECRET_KEY: it signs the web session cookie")
    if not config.get("SECRET_KEY_FILE"):
        # Only the testing settings have no file: each test app signs with its own key.
        return secrets.token_hex(32)
    return kept_key(Path(config["SECRET_KEY_FILE"]))


def kept_key(path: Path) -> str:
    """The key in `path`, made first if there is none (mode 0600, created exclusively)."""
    if not path.exists():
        _create_exclusively(path, secrets.token_hex(32))
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise RuntimeError(f"{path} may be read by others: chmod 600 it, or delete it")
    key = path.read_text(encoding="ascii").strip()
    if len(key) < MIN_LENGTH:
        raise RuntimeError(f"{path} holds no usable key: delete it and a new one is made")
    return key


def _create_exclusively(path: Path, key: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, draft = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # 0600
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as out:
            out.write(key + "\n")
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(FileExistsError):  # another worker's key is already in place
            os.link(draft, path)
    finally:
        os.unlink(draft)
