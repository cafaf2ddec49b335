"""Mail faults as the applicant and the admins meet them: the real bot on the local stage
(Bot API emulator, RouterOS simulator, SMTP sink), the real aiosmtplib underneath."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from bot.demo.stage import ADMIN_ID, HEAD_ID, LocalStage
from db.models import FormAnswer, Ticket
from tests.e2e import flows
from tests.e2e.conftest import GUEST
from tests.e2e.flows import latest_ticket, submit, texts_to


async def _stage(tmp_path: Path, sqlite_url: str, **overrides: Any) -> LocalStage:
    settings: dict[str, Any] = {"outbox_retry_seconds": 0.05, "outbox_max_attempts": 4}
    stage = LocalStage(tmp_path, database_url=sqlite_url, **(settings | overrides))
    await stage.start()
    stage.emulator.add_user(GUEST, "Siti", "Aminah", username="siti")
    return stage


@pytest.fixture
async def quick_stage(tmp_path: Path, sqlite_url: str) -> AsyncIterator[LocalStage]:
    stage = await _stage(tmp_path, sqlite_url)
    try:
        yield stage
    finally:
        await stage.stop()


async def _approve(stage: LocalStage) -> Ticket:
    await stage.tap(ADMIN_ID, "Verifikasi")
    await stage.tap(HEAD_ID, "Setujui")
    await stage.settle()
    return await latest_ticket(stage)


async def _email_attempts(stage: LocalStage, ticket: Ticket) -> list[int]:
    runtime = stage.runtime
    async with runtime.db.unit(runtime.clock.now()) as uow:
        jobs = await uow.outbox.for_ticket(ticket.id)
    return [job.attempts for job in jobs if job.kind == "email"]


async def _submit_with_email(
    stage: LocalStage, email: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = list(flows.GUEST_ANSWERS)
    answers[answers.index("siti@example.org")] = email
    monkeypatch.setattr(flows, "GUEST_ANSWERS", tuple(answers))
    await submit(stage, GUEST)


async def test_relay_access_denied_reaches_the_admins_in_the_servers_words(
    quick_stage: LocalStage,
) -> None:
    stage = quick_stage
    await submit(stage, GUEST)
    stage.mail.faults.deny_relay("*@example.org")

    ticket = await _approve(stage)

    assert ticket.status == "provisioned"  # the chat copy went out; the email did not
    assert await _email_attempts(stage, ticket) == [1]
    alert = texts_to(stage, ADMIN_ID)[-1]
    assert ticket.number in alert
    assert "siti@example.org: 554 5.7.1 <siti@example.org>: Relay access denied" in alert


async def test_implicit_tls_against_a_plain_server_fails_once_and_says_why(
    tmp_path: Path, sqlite_url: str
) -> None:
    stage = await _stage(tmp_path, sqlite_url, smtp_security="tls")
    try:
        await submit(stage, GUEST)
        ticket = await _approve(stage)

        assert await _email_attempts(stage, ticket) == [1]
        alert = texts_to(stage, ADMIN_ID)[-1]
        assert ticket.number in alert
        assert "WRONG_VERSION_NUMBER" in alert and "HOTSPOT_SMTP_SECURITY=starttls" in alert
        assert stage.mail.messages == []
    finally:
        await stage.stop()


@pytest.mark.parametrize(
    ("typed", "shown", "on_the_wire"),
    [
        ("siti@bücherei-contoh.de", "siti@bücherei-contoh.de", "siti@xn--bcherei-contoh-gsb.de"),
        ("jurgen@xn--bcher-kva.example", "jurgen@bücher.example", "jurgen@xn--bcher-kva.example"),
    ],
)
async def test_an_international_domain_is_delivered_through_a_relay_without_smtputf8(
    typed: str,
    shown: str,
    on_the_wire: str,
    quick_stage: LocalStage,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stage = quick_stage
    stage.mail.smtputf8 = False  # Postfix with smtputf8_enable = no
    await _submit_with_email(stage, typed, monkeypatch)

    ticket = await _approve(stage)

    assert ticket.status == "closed"
    assert flows.GUEST_ANSWERS[3] == typed
    assert {a.field: a.value for a in ticket.answers}["email"] == shown
    [received] = stage.mail.messages
    assert received.rcpt_tos == [on_the_wire]
    assert received.message["To"].addresses[0].addr_spec == on_the_wire


async def test_a_non_ascii_local_part_is_refused_at_the_form(quick_stage: LocalStage) -> None:
    stage = quick_stage
    await stage.say(GUEST, "/start")
    await stage.tap(GUEST, "Tamu")
    for answer in flows.GUEST_ANSWERS[:3]:
        await stage.say(GUEST, answer)

    await stage.say(GUEST, "siti.ü@contoh.id")

    # The reason, then the same question again.
    assert "sebelum tanda @" in texts_to(stage, GUEST)[-2]
    assert "alamat email" in texts_to(stage, GUEST)[-1]
    await stage.say(GUEST, "siti@contoh.id")
    ticket = await latest_ticket(stage)
    assert {a.field: a.value for a in ticket.answers}["email"] == "siti@contoh.id"


async def test_a_stored_non_ascii_local_part_fails_at_once_with_a_clear_alert(
    quick_stage: LocalStage,
) -> None:
    stage = quick_stage
    stage.mail.smtputf8 = False
    await submit(stage, GUEST)
    ticket = await latest_ticket(stage)
    # As kept by an earlier version, which accepted any address email-validator took.
    runtime = stage.runtime
    async with runtime.db.unit(runtime.clock.now()) as uow:
        await uow.session.execute(
            update(FormAnswer)
            .where(FormAnswer.ticket_id == ticket.id, FormAnswer.field == "email")
            .values(value="siti.ü@contoh.id")
        )

    ticket = await _approve(stage)

    assert ticket.status == "provisioned"
    assert await _email_attempts(stage, ticket) == [1]
    alert = texts_to(stage, ADMIN_ID)[-1]
    assert "siti.ü@contoh.id" in alert and "SMTPUTF8" in alert and "another address" in alert


async def test_an_unknown_mail_failure_is_told_to_the_admins_at_once(
    tmp_path: Path, sqlite_url: str, web_server: int
) -> None:
    # HOTSPOT_SMTP_PORT aimed at something that is not SMTP: no entry in the table.
    stage = await _stage(tmp_path, sqlite_url, smtp_port=web_server, outbox_retry_seconds=60)
    try:
        await submit(stage, GUEST)
        ticket = await _approve(stage)

        assert await _email_attempts(stage, ticket) == [1]
        alert = texts_to(stage, ADMIN_ID)[-1]
        assert ticket.number in alert and "Malformed SMTP response" in alert
    finally:
        await stage.stop()
