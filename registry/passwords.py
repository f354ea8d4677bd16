"""Password hashing with argon2 (argon2-cffi), tuned by settings so tests can run cheaply."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg.get("ARGON2_TIME_COST", 3),
        memory_cost=cfg.get("ARGON2_MEMORY_COST", 65536),
        parallelism=cfg.get("ARGON2_PARALLELISM", 4),
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def burn_time(password: str) -> None:
    """Spend what a real check would, so a wrong email answers as slowly as a wrong password."""
    _hasher().hash(password)


# zxcvbn's estimate of guesses, on its 0-4 scale: 3 is "safely unguessable" against an online
# attack with rate limits, and what a person can still remember as a phrase.
MIN_STRENGTH = 3
# zxcvbn's matching grows quickly with length; a password longer than this is judged by its start
# (which then has to be strong on its own).
CHECKED_LENGTH = 64


def too_weak(password: str, *personal: str) -> bool:
    """Whether ``password`` is easy to guess: a common password, a keyboard or number run, or
    built from the person's own name or address (``personal``)."""
    from zxcvbn import zxcvbn

    words = [p for p in personal if p]
    for value in list(words):
        parts = value.replace("@", " ").replace(".", " ").replace("-", " ").split()
        words.extend(parts)
        words.append("".join(parts))  # "kofimensah" from "Kofi Mensah"
        words.append("".join(value.split("@")[0].split(".")))  # "kofimensah" from kofi.mensah@
    folded = password.strip().casefold()
    if any(folded == w.casefold() for w in words):
        return True
    return zxcvbn(password[:CHECKED_LENGTH], user_inputs=words)["score"] < MIN_STRENGTH
