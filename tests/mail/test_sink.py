"""The sink's own promises: files, numbering, waiting, clean shutdown; and the config."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config import Settings, describe
from bot.mail.sender import SmtpConfig, SmtpSender
from bot.mail.sink import SmtpSink
from tests.mail.support import SENDER, ConfigFactory, MessageFactory


async def test_wait_for_times_out(sink: SmtpSink) -> None:
    with pytest.raises(TimeoutError):
        await sink.wait_for(1, timeout=0.05)


async def test_numbering_continues_after_a_restart(
    tmp_path: Path, make_config: ConfigFactory, make_message: MessageFactory
) -> None:
    names: list[str] = []
    for job in ("first", "second"):
        async with SmtpSink(tmp_path) as sink:
            await SmtpSender(make_config(sink.port)).send(make_message(job))
            [received] = await sink.wait_for(1)
            names.append(received.path.name)

    assert names == [
        "000001-hotspot-desk.first@ptipd.example.ac.id.eml",
        "000002-hotspot-desk.second@ptipd.example.ac.id.eml",
    ]
    assert sorted(await asyncio.to_thread(os.listdir, tmp_path)) == names


async def test_stop_closes_an_open_connection(tmp_path: Path) -> None:
    sink = SmtpSink(tmp_path)
    await sink.start()
    reader, writer = await asyncio.open_connection(sink.host, sink.port)
    assert (await reader.readline()).startswith(b"220 ")

    await asyncio.wait_for(sink.stop(), timeout=2)

    assert await asyncio.wait_for(reader.read(), timeout=2) == b""
    writer.close()


def test_fault_replies_are_checked(sink: SmtpSink) -> None:
    with pytest.raises(ValueError):
        sink.faults.fail_next("DATA", 250, "OK")
    with pytest.raises(ValueError):
        sink.faults.fail_next("DATA", 451, "two\r\nlines")
    with pytest.raises(ValueError):
        sink.faults.drop("RCPT", times=0)


def test_tls_modes_need_a_context(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        SmtpSink(tmp_path, security="starttls")


def test_config_repr_hides_the_password() -> None:
    config = SmtpConfig(
        host="smtp.example.ac.id",
        port=587,
        username="helpdesk",
        password="s3cr3t-smtp",
        security="starttls",
        sender=SENDER,
    )

    assert "s3cr3t-smtp" not in repr(config)
    assert "helpdesk" in repr(config)


@pytest.mark.parametrize(
    "overrides",
    [
        {"port": 0},
        {"security": "ssl"},
        {"username": "only-user"},
        {"timeout": 0},
        {"sender": ""},
        # Every message would need SMTPUTF8 at every relay.
        {"sender": "Hotspot <hotspot.ü@ptipd.example.ac.id>"},
    ],
)
def test_config_rejects_nonsense(overrides: dict[str, object]) -> None:
    values: dict[str, object] = {
        "host": "smtp.example.ac.id",
        "port": 587,
        "username": None,
        "password": None,
        "security": "starttls",
        "sender": SENDER,
    }
    values.update(overrides)
    with pytest.raises(ValueError):
        SmtpConfig(**values)  # type: ignore[arg-type]


def test_the_sender_setting_refuses_a_non_ascii_local_part_in_one_line() -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, smtp_sender="Hotspot <hotspot.ü@uin-malang.ac.id>")  # type: ignore[call-arg]

    assert describe(caught.value) == (
        "HOTSPOT_SMTP_SENDER: Value error, the part before @ must be ASCII"
    )
    # An international domain is fine: it goes out in its ASCII form.
    Settings(_env_file=None, smtp_sender="Hotspot <hotspot@ptipd-ü.example>")  # type: ignore[call-arg]
