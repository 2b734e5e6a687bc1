"""Password hashing (Argon2id) and the rules a new password must meet."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .i18n import N_

_hasher = PasswordHasher()  # argon2-cffi's defaults are Argon2id with RFC 9106 low-memory parameters
# Verified against when the login ID is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

COMMON_PASSWORDS = frozenset(
    {"password", "password1", "12345678", "123456789", "1234567890", "qwertyui", "qwerty123", "11111111",
     "abcd1234", "iloveyou", "00000000", "88888888", "admin123", "welcome1", "toyota123", "passw0rd"}
)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str, login_id: str = "") -> str | None:
    """Why a password is too weak, or None. Messages are msgids for the catalogs."""
    if len(password) < 10:
        return N_("Password must be at least 10 characters.")
    if len(password) > 256:
        return N_("Password must be at most 256 characters.")
    if password.casefold() in COMMON_PASSWORDS or len(set(password)) < 4:
        return N_("This password is too common; choose another.")
    if login_id and login_id.casefold() in password.casefold():
        return N_("Password must not contain your login ID.")
    return None
