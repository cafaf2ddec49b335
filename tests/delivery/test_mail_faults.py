"""The credentials email against the SMTP sink's faults, and over STARTTLS and TLS."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.demo.stage import ADMIN_ID, LocalStage
from bot.mail.message import make_message_id
from bot.mail.sink import SmtpSink
from tests.delivery.conftest import GUEST, QUICK, Certificate
from tests.delivery.support import (
    account_of,
    alerts_to,
    approved,
    emails_of,
    run,
    ticket_of,
    users_of,
)

DOMAIN = "uin-malang.ac.id"


def _password_in(stage: LocalStage, index: int = -1) -> str:
    body = stage.mail.messages[index].message.get_body(("plain",))
    assert body is not None
    line = next(x for x in body.get_content().splitlines() if x.startswith("Kata sandi:"))
    return line.removeprefix("Kata sandi:").strip()


async def test_a_4xx_is_retried_and_the_email_carries_its_jobs_message_id(
    stage: LocalStage,
) -> None:
    stage.mail.faults.fail_next("DATA", 451, "4.3.0 Try again later", times=2)
    request = await approved(stage.runtime.ctx, GUEST)
    await run(stage)
    key = f"email:{request.ticket_id}:credentials"
    assert emails_of(stage, request.ticket_id) == [make_message_id(key, DOMAIN)]
    async with stage.runtime.ctx.unit() as uow:
        history = await uow.outbox.job_history(request.ticket_id)
    email = next(job for job in history if job.dedupe_key == key)
    assert [t.outcome for t in email.tries] == ["retry", "retry", "done"]
    assert "451" in (email.tries[0].error or "")
    assert (await ticket_of(stage, request.ticket_id)).status == "closed"
    assert alerts_to(stage) == []


async def test_a_dropped_connection_is_retried(stage: LocalStage) -> None:
    stage.mail.faults.drop("DATA")
    request = await approved(stage.runtime.ctx, GUEST)
    await run(stage)
    assert len(emails_of(stage, request.ticket_id)) == 1
    assert (await ticket_of(stage, request.ticket_id)).status == "closed"


async def test_a_5xx_is_permanent_alerts_and_a_resend_sends_a_new_password(
    stage: LocalStage,
) -> None:
    stage.mail.faults.fail_next("DATA", 550, "5.1.1 Mailbox unavailable")
    request = await approved(stage.runtime.ctx, GUEST)
    await run(stage)
    [alert] = alerts_to(stage)
    assert "550" in alert and request.number in alert and "/kirimulang" in alert
    assert (await ticket_of(stage, request.ticket_id)).status == "provisioned"
    # The chat copy went out, the email never will: the password is not kept for nothing.
    account = await account_of(stage, request.ticket_id)
    assert account.chat_sent_at is not None and account.password is None
    first_password = users_of(stage, request.number)[0]["password"]

    await stage.say(ADMIN_ID, f"/kirimulang {request.number}")
    await run(stage)
    [email] = emails_of(stage, request.ticket_id)
    assert email == make_message_id(f"email:{request.ticket_id}:credentials:r1", DOMAIN)
    new_password = _password_in(stage)
    assert new_password != first_password
    assert users_of(stage, request.number)[0]["password"] == new_password
    assert new_password in stage.emulator.messages_to(GUEST)[-1].plain
    assert (await ticket_of(stage, request.ticket_id)).status == "closed"
    assert (await account_of(stage, request.ticket_id)).password is None


async def test_a_refused_recipient_is_permanent_and_alerts(stage: LocalStage) -> None:
    stage.mail.faults.refuse_recipient("*@example.org")
    request = await approved(stage.runtime.ctx, GUEST)
    await run(stage)
    assert stage.mail.messages == []
    [alert] = alerts_to(stage)
    assert "refused" in alert and "550" in alert and request.number in alert


@pytest.mark.parametrize("security", ["starttls", "tls"])
async def test_starttls_and_tls_by_configuration(
    tmp_path: Path, sqlite_url: str, certificate: Certificate, security: str
) -> None:
    stage = LocalStage(
        tmp_path,
        database_url=sqlite_url,
        smtp_security=security,
        smtp_ca_file=str(certificate.cert),
        **QUICK,
    )
    stage.mail = SmtpSink(
        tmp_path / "mail",
        security=security,  # type: ignore[arg-type]
        ssl_context=certificate.server_context(),
    )
    async with stage:
        stage.emulator.add_user(GUEST, "Siti", "Aminah")
        request = await approved(stage.runtime.ctx, GUEST)
        await run(stage)
        assert len(emails_of(stage, request.ticket_id)) == 1
        assert (await ticket_of(stage, request.ticket_id)).status == "closed"
