"""What people type, made comparable before anything checks it.

Phones send digits of the keyboard's script (Arabic-Indic ٣, Persian ۳, Devanagari ३), fullwidth
forms from CJK keyboards (３, Ａ), invisible marks pasted along with a number (zero-width
spaces, the right-to-left marks of an Arabic or Persian keyboard) and typographic apostrophes.
Every form answer and every command argument goes through `normalise` first; the checks after
it then use ASCII classes only (`[0-9]`, `re.ASCII`), so what is stored is what was checked.
"""

from __future__ import annotations

import re
import unicodedata

# Zero-width characters, the byte-order mark, the soft hyphen and the Unicode bidi controls
# (LRM, RLM, ALM, embeddings, overrides, isolates): invisible, never part of an answer.
_INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
# Apostrophes a phone keyboard puts in O'Brien or Jum'at.
_APOSTROPHES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u2032": "'"})


def _ascii_digit(match: re.Match[str]) -> str:
    return str(unicodedata.decimal(match[0]))


# `\d` without re.ASCII is every Unicode decimal digit (category Nd), of any script.
_ANY_DIGIT = re.compile(r"\d")


def normalise(text: str) -> str:
    """`text` as NFKC with decimal digits of any script as ASCII `0`-`9`, invisible marks
    removed, typographic apostrophes as `'`, and the ends trimmed. Inner spacing is kept
    (NFKC already turns no-break and ideographic spaces into plain ones)."""
    value = unicodedata.normalize("NFKC", text)
    value = _INVISIBLE.sub("", value)
    value = _ANY_DIGIT.sub(_ascii_digit, value)
    return value.translate(_APOSTROPHES).strip()
