"""What python-dotenv reads differently from what an operator wrote in `.env`.

python-dotenv (through pydantic-settings) ends an unquoted value at " #", taking the rest
for a comment, so `HOTSPOT_ROUTER_PASSWORD=Rahasia #2026!` is read as `Rahasia`; and it
expands `${NAME}` in unquoted and double-quoted values. Both happen silently. Each raw line
is read again here and compared: a secret cut short stops start-up, any other setting gets
one warning line. Values are never printed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from dotenv.parser import parse_stream

COMMENT_START = re.compile(r"\s#")


@dataclass(frozen=True)
class EnvProblem:
    setting: str
    message: str
    fatal: bool

    def line(self) -> str:
        return f"{self.setting}: {self.message}"


def _raw_value(original: str) -> str:
    _, _, value = original.partition("=")
    return value.strip()


def env_file_problems(
    path: Path, secrets: Collection[str], environ: Mapping[str, str] | None = None
) -> list[EnvProblem]:
    """The HOTSPOT_ lines of the `.env` at `path` that are not read as written (a setting
    also set in `environ`, default os.environ, is read from there and skipped). A line of
    one of the `secrets` (upper-case names) cut short is fatal."""
    if not path.is_file():
        return []
    environ = os.environ if environ is None else environ
    problems: list[EnvProblem] = []
    with path.open(encoding="utf-8") as stream:
        for binding in parse_stream(stream):
            key = binding.key
            if key is None or not key.upper().startswith("HOTSPOT_") or key in environ:
                continue
            raw = _raw_value(binding.original.string.split("\n", 1)[0])
            quoted = raw[:1] in ("'", '"')
            if not quoted and COMMENT_START.search(raw):
                secret = key.upper() in secrets
                problems.append(
                    EnvProblem(
                        key,
                        "the value in .env stops before ' #' (an unquoted ' #' starts a "
                        "comment); put the value in single quotes if the '#' belongs to it",
                        fatal=secret,
                    )
                )
            if "${" in raw and not raw.startswith("'"):
                problems.append(
                    EnvProblem(
                        key,
                        "'${…}' in .env is replaced by another variable's value; put the "
                        "value in single quotes to keep it as written",
                        fatal=False,
                    )
                )
    return problems
