"""Hotspot user names and passwords that people can read off a phone and type without doubt.

Both leave out the characters that look alike in common fonts (0 O o, 1 l I), and both come
from `secrets`, never `random`.
"""

from __future__ import annotations

import re
import secrets
import string

LOOK_ALIKES = frozenset("0Oo1lI")
# Lower case only in names: people retype them, and RouterOS names are case-sensitive.
USERNAME_ALPHABET = "".join(c for c in string.ascii_lowercase + string.digits if c not in "0o1li")
PASSWORD_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in LOOK_ALIKES)
USERNAME_SUFFIX_LENGTH = 6
MIN_PASSWORD_LENGTH = 6
_PREFIX = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")


def generate_username(prefix: str) -> str:
    """`prefix-xxxxxx`, e.g. "tamu-k7m3q9"; about 10^9 suffixes, so collisions are rare.

    Rare is not never: the router refuses a duplicate, and `accounts.ensure_user` reports it.
    """
    prefix = prefix.strip().lower()
    if not _PREFIX.match(prefix):
        raise ValueError("a user name prefix is letters, digits and inner hyphens")
    suffix = "".join(secrets.choice(USERNAME_ALPHABET) for _ in range(USERNAME_SUFFIX_LENGTH))
    return f"{prefix}-{suffix}"


def generate_password(length: int = 10) -> str:
    """A random password with at least one letter and one digit."""
    if length < MIN_PASSWORD_LENGTH:
        raise ValueError(f"a password has at least {MIN_PASSWORD_LENGTH} characters")
    while True:
        # Drawing again until both kinds appear keeps every valid password equally likely.
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password
