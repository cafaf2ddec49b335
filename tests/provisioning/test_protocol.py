"""The wire format, checked against routeros-api's own encoder and decoder."""

from __future__ import annotations

import asyncio
import io

import pytest
from routeros_api import base_api

from provisioning.simulator import RouterSimulator
from provisioning.simulator.protocol import (
    ProtocolError,
    decode_length,
    decode_sentences,
    encode_length,
    encode_sentence,
    encode_word,
    length_prefix_size,
    parse_command,
    read_sentence,
    read_word,
)
from tests.provisioning.helpers import OpenRaw, with_api

# (length, prefix size): both ends of every size class.
LENGTHS = [
    (0, 1),
    (1, 1),
    (0x7F, 1),
    (0x80, 2),
    (0x3FFF, 2),
    (0x4000, 3),
    (0x1FFFFF, 3),
    (0x200000, 4),
    (0xFFFFFFF, 4),
    (0x10000000, 5),
    (0xFFFFFFFF, 5),
]


@pytest.mark.parametrize(("length", "size"), LENGTHS)
def test_length_prefix_matches_routeros_api(length: int, size: int) -> None:
    prefix = encode_length(length)
    assert len(prefix) == size
    assert length_prefix_size(prefix[0]) == size
    assert prefix == base_api.encode_length(length)
    assert decode_length(prefix) == length
    assert base_api.decode_length(io.BytesIO(prefix).read) == length


def test_five_byte_form_is_f0_and_four_bytes() -> None:
    assert encode_length(0x10000000) == b"\xf0\x10\x00\x00\x00"
    assert decode_length(b"\xf0\x12\x34\x56\x78") == 0x12345678
    # A short length written long is still read right.
    assert decode_length(b"\xf0\x00\x00\x00\x05") == 5


def test_reserved_control_bytes_and_impossible_lengths_are_refused() -> None:
    with pytest.raises(ProtocolError):
        length_prefix_size(0xF8)
    with pytest.raises(ProtocolError):
        decode_length(b"\x80")
    with pytest.raises(ValueError):
        encode_length(0x100000000)
    with pytest.raises(ValueError):
        encode_length(-1)


async def test_sentences_round_trip_through_a_stream() -> None:
    words = [b"/ip/hotspot/user/add", b"a" * 0x80, b"b" * 0x4000, b"c" * 0x200001, b"=x=\xff"]
    data = encode_sentence(words) + encode_sentence([]) + encode_sentence([b"!done"])
    assert decode_sentences(data) == [words, [], [b"!done"]]
    reader = asyncio.StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    assert await read_sentence(reader, 1 << 24) == words
    assert await read_sentence(reader, 1 << 24) == []
    assert await read_sentence(reader, 1 << 24) == [b"!done"]


async def test_a_word_over_the_limit_is_a_protocol_error() -> None:
    reader = asyncio.StreamReader()
    reader.feed_data(encode_word(b"x" * 100))
    with pytest.raises(ProtocolError):
        await read_word(reader, 99)


def test_command_words_are_split_as_the_router_reads_them() -> None:
    command = parse_command(
        [b"/ip/hotspot/user/print", b"=.proplist=name", b"=detail", b"?name=a=b", b".tag=7"]
    )
    assert (command.menu, command.verb, command.tag) == ("/ip/hotspot/user", "print", "7")
    assert command.attributes == {".proplist": "name", "detail": ""}
    assert command.queries == ["name=a=b"]


async def test_four_byte_words_both_ways_with_routeros_api(sim: RouterSimulator) -> None:
    comment = "k" * 0x200001  # past 0x1FFFFF: a 4-byte length, sent and received
    sim.add_user("big", "pw")

    def scenario(api: object) -> str:
        users = api.get_resource("/ip/hotspot/user")  # type: ignore[attr-defined]
        users.call("set", {".id": "big", "comment": comment})
        return str(users.get(name="big")[0]["comment"])

    assert await with_api(sim, scenario) == comment


async def test_simulator_reads_a_five_byte_length(sim: RouterSimulator, open_raw: OpenRaw) -> None:
    raw = await open_raw()
    login = [b"/login", b"=name=admin", b"=password=s3cret-pw"]
    data = b"".join(b"\xf0" + len(word).to_bytes(4, "big") + word for word in login)
    await raw.send_bytes(data + b"\x00")
    assert await raw.receive() == ["!done"]
