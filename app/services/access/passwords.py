"""Passwords and PINs: what is accepted, and how they are hashed (argon2id, argon2-cffi).

A PIN is at least 6 digits, a password at least 10 characters; the commonest ones are refused
(`COMMONEST`: the top of the published lists of leaked PINs and passwords, and digit runs and
repeats, which every such list is full of), and so is her own mobile number. Only the argon2id
hash is stored; `check_needs_rehash` brings old hashes up to the configured cost at sign-in.
"""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher, Type

MIN_PIN_DIGITS = 6
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200  # argon2 would take more; nobody types more on a phone

COMMONEST = frozenset(
    {
        "123123",
        "121212",
        "112233",
        "123321",
        "147258",
        "159753",
        "520520",
        "786786",
        "1234567890",
        "0987654321",
        "password123",
        "password@123",
        "qwertyuiop",
        "1q2w3e4r5t",
        "iloveyou123",
        "abcdefghij",
        "india@1234",
        "india12345",
    }
)
# Unambiguous letters and digits for temporary passwords (no 0/O, 1/l/I).
_TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass(frozen=True)
class HashCost:
    """argon2id parameters (argon2-cffi's defaults are RFC 9106's low-memory profile)."""

    time_cost: int = 3
    memory_kib: int = 65536
    parallelism: int = 4

    def hasher(self) -> PasswordHasher:
        return PasswordHasher(
            time_cost=self.time_cost,
            memory_cost=self.memory_kib,
            parallelism=self.parallelism,
            type=Type.ID,
        )


def _is_run(digits: str) -> bool:
    """All one digit (111111), or counting up or down by one (123456, 987654, 890123)."""
    steps = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(digits)}
    return steps in ({0}, {1}, {9})


def weakness(secret: str, mobile: str | None = None) -> str | None:
    """Why this password or PIN is refused, in a sentence; None when it is good enough."""
    if len(secret) > MAX_PASSWORD_LENGTH:
        return f"use at most {MAX_PASSWORD_LENGTH} characters"
    if secret.isdigit() and secret.isascii():
        if len(secret) < MIN_PIN_DIGITS:
            return f"a PIN needs at least {MIN_PIN_DIGITS} digits"
        if _is_run(secret) or secret in COMMONEST:
            return "this PIN is one of the first that anyone would guess; choose another"
    elif len(secret) < MIN_PASSWORD_LENGTH:
        return (
            f"a password needs at least {MIN_PASSWORD_LENGTH} characters"
            f" (or use a PIN of at least {MIN_PIN_DIGITS} digits)"
        )
    if secret.lower() in COMMONEST:
        return "this password is one of the first that anyone would guess; choose another"
    if mobile and mobile in secret:
        return "do not use your mobile number in it"
    return None


def temporary_password() -> str:
    """A password for the first sign-in after an admin sets or resets one (12 characters,
    about 59 bits): she must change it then."""
    return "".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(12))
