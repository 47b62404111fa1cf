"""One-time codes (TOTP, RFC 6238, through pyotp) as a second step of signing in.

The secret is kept only as Fernet ciphertext (`cryptography`) under a key from configuration;
it is shown in clear once, at enrolment, and confirmed with a first code. A code is accepted
within one step either side of now (`WINDOW`, for a phone's clock a little off), and never
twice: the last accepted step is kept, and a code of that step or an earlier one is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

import pyotp
from cryptography.fernet import Fernet, InvalidToken

ISSUER = "Bahi"
WINDOW = 1  # steps of 30 s either side of now


def fernet_for(key_material: str) -> Fernet:
    """The Fernet key made from the configured key (any length: SHA-256 gives 32 bytes)."""
    digest = hashlib.sha256(b"bahi totp secrets\x00" + key_material.encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def new_secret() -> str:
    return pyotp.random_base32()


def encrypt(fernet: Fernet, secret: str) -> str:
    return fernet.encrypt(secret.encode("ascii")).decode("ascii")


def decrypt(fernet: Fernet, ciphertext: str) -> str | None:
    """The secret, or None when the key has changed since it was stored."""
    try:
        return fernet.decrypt(ciphertext.encode("ascii")).decode("ascii")
    except InvalidToken:
        return None


def provisioning_uri(secret: str, mobile: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=mobile, issuer_name=ISSUER)


def accepted_step(
    secret: str, code: str, last_step: int | None, now: float | None = None
) -> int | None:
    """The time step `code` belongs to, when it is right within the window and later than the
    last step accepted; else None."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(time.time() if now is None else now)
    for step in range(current - WINDOW, current + WINDOW + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None
