from __future__ import annotations

import re

import pytest

from provisioning.credentials import (
    LOOK_ALIKES,
    PASSWORD_ALPHABET,
    USERNAME_ALPHABET,
    generate_password,
    generate_username,
)


def test_usernames_are_prefix_and_six_readable_characters() -> None:
    names = {generate_username("tamu") for _ in range(500)}
    assert len(names) == 500
    for name in names:
        assert re.fullmatch(rf"tamu-[{USERNAME_ALPHABET}]{{6}}", name)
        assert not set(name[5:]) & set("0Oo1lI")
    assert generate_username(" Staf-IT ").startswith("staf-it-")


@pytest.mark.parametrize("prefix", ["", "-x", "tamu!", "ta mu"])
def test_bad_prefixes_are_refused(prefix: str) -> None:
    with pytest.raises(ValueError):
        generate_username(prefix)


@pytest.mark.parametrize("length", [6, 10, 16])
def test_passwords(length: int) -> None:
    for _ in range(300):
        password = generate_password(length)
        assert len(password) == length
        assert set(password) <= set(PASSWORD_ALPHABET)
        assert any(c.isdigit() for c in password) and any(c.isalpha() for c in password)
    assert not LOOK_ALIKES & set(PASSWORD_ALPHABET)
    assert len({generate_password() for _ in range(200)}) == 200


def test_short_passwords_are_refused() -> None:
    with pytest.raises(ValueError):
        generate_password(5)
