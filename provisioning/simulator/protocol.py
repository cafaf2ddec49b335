"""The RouterOS API wire format: length-prefixed words, sentences, and command sentences.

A word is its length (1 to 5 bytes, high bits saying how many) followed by its bytes; a
sentence is words ended by an empty word. Text is kept byte-exact with surrogateescape, since
the router treats values as bytes and clients may send any encoding.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# The highest length each prefix size can carry; past the last, the 5-byte 0xF0 form is used.
MAX_1_BYTE = 0x7F
MAX_2_BYTES = 0x3FFF
MAX_3_BYTES = 0x1FFFFF
MAX_4_BYTES = 0xFFFFFFF
MAX_5_BYTES = 0xFFFFFFFF

# First bytes of 0xF8 and above are reserved control bytes that no length starts with.
CONTROL_BYTE_FLOOR = 0xF8

TEXT_ENCODING = "utf-8"
TEXT_ERRORS = "surrogateescape"


class ProtocolError(Exception):
    """The peer sent bytes that are not a valid API word or sentence."""


def encode_length(length: int) -> bytes:
    if length < 0:
        raise ValueError("a word length cannot be negative")
    if length <= MAX_1_BYTE:
        return length.to_bytes(1, "big")
    if length <= MAX_2_BYTES:
        return (length | 0x8000).to_bytes(2, "big")
    if length <= MAX_3_BYTES:
        return (length | 0xC00000).to_bytes(3, "big")
    if length <= MAX_4_BYTES:
        return (length | 0xE0000000).to_bytes(4, "big")
    if length <= MAX_5_BYTES:
        return b"\xf0" + length.to_bytes(4, "big")
    raise ValueError("a word cannot be longer than 0xFFFFFFFF bytes")


def length_prefix_size(first: int) -> int:
    """How many bytes the length prefix starting with `first` has in all."""
    if first < 0x80:
        return 1
    if first < 0xC0:
        return 2
    if first < 0xE0:
        return 3
    if first < 0xF0:
        return 4
    if first < CONTROL_BYTE_FLOOR:
        return 5
    raise ProtocolError(f"reserved control byte 0x{first:02X} where a word length was expected")


def decode_length(prefix: bytes) -> int:
    """The word length carried by a complete length prefix."""
    if not prefix or len(prefix) != length_prefix_size(prefix[0]):
        raise ProtocolError("incomplete word length")
    if len(prefix) == 5:
        return int.from_bytes(prefix[1:], "big")
    # Strip the size marker bits: 0 for 1 byte, 10 for 2, 110 for 3, 1110 for 4.
    mask = (1 << (7 * len(prefix))) - 1
    return int.from_bytes(prefix, "big") & mask


def encode_word(word: bytes) -> bytes:
    return encode_length(len(word)) + word


def encode_sentence(words: Iterable[bytes]) -> bytes:
    return b"".join(encode_word(word) for word in words) + b"\x00"


def decode_sentences(data: bytes) -> list[list[bytes]]:
    """Every complete sentence in `data`; for tests and tools that hold a whole stream."""
    sentences: list[list[bytes]] = []
    current: list[bytes] = []
    offset = 0
    while offset < len(data):
        size = length_prefix_size(data[offset])
        length = decode_length(data[offset : offset + size])
        offset += size
        if offset + length > len(data):
            raise ProtocolError("truncated word")
        word = data[offset : offset + length]
        offset += length
        if word:
            current.append(word)
        else:
            sentences.append(current)
            current = []
    if current:
        raise ProtocolError("truncated sentence")
    return sentences


async def read_word(reader: asyncio.StreamReader, max_length: int) -> bytes:
    first = await reader.readexactly(1)
    size = length_prefix_size(first[0])
    prefix = first + (await reader.readexactly(size - 1) if size > 1 else b"")
    length = decode_length(prefix)
    if length > max_length:
        raise ProtocolError(f"word of {length} bytes is over the limit of {max_length}")
    return await reader.readexactly(length) if length else b""


async def read_sentence(reader: asyncio.StreamReader, max_word_length: int) -> list[bytes]:
    """The next sentence's words (possibly none: empty sentences are legal and ignored)."""
    words: list[bytes] = []
    while word := await read_word(reader, max_word_length):
        words.append(word)
    return words


def to_text(word: bytes) -> str:
    return word.decode(TEXT_ENCODING, TEXT_ERRORS)


def to_bytes(text: str) -> bytes:
    return text.encode(TEXT_ENCODING, TEXT_ERRORS)


@dataclass
class Command:
    """One command sentence, split the way the router reads it."""

    path: str
    attributes: dict[str, str] = field(default_factory=dict)
    queries: list[str] = field(default_factory=list)
    tag: str | None = None
    unknown_words: list[str] = field(default_factory=list)

    @property
    def menu(self) -> str:
        return self.path.rpartition("/")[0]

    @property
    def verb(self) -> str:
        return self.path.rpartition("/")[2]


def parse_command(words: Sequence[bytes]) -> Command:
    if not words:
        raise ValueError("an empty sentence is not a command")
    command = Command(path=to_text(words[0]))
    for raw in words[1:]:
        word = to_text(raw)
        if word.startswith("="):
            # "=key=value"; "=key" alone means an empty value (routeros-api sends it that way).
            key, _, value = word[1:].partition("=")
            command.attributes[key] = value
        elif word.startswith("?"):
            command.queries.append(word[1:])
        elif word.startswith(".tag="):
            command.tag = word[len(".tag=") :]
        else:
            command.unknown_words.append(word)
    return command
