"""One-time recovery codes: issued with the second factor, shown once, stored hashed.

A code is ten characters of an alphabet without look-alikes (no 0/O, 1/I/L), written
``ABCDE-FGHJK``; it is read back ignoring case, spaces and dashes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 10
COUNT = 10


def new_code() -> str:
    letters = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{letters[:5]}-{letters[5:]}"


def normalise(typed: str) -> str:
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def looks_like_code(typed: str) -> bool:
    text = normalise(typed)
    return len(text) == LENGTH and all(ch in ALPHABET for ch in text)


def digest(code: str, salt: str | None = None) -> str:
    salt = salt if salt is not None else secrets.token_hex(8)
    value = hashlib.sha256(f"{salt}:{normalise(code)}".encode()).hexdigest()
    return f"{salt}${value}"


def matches(code: str, stored: str) -> bool:
    salt, _, _value = stored.partition("$")
    return hmac.compare_digest(digest(code, salt), stored)
