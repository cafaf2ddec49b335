"""The plaintext password lives only until both copies went out; no secret reaches a log."""

from __future__ import annotations

import logging

import pytest

from bot.demo.stage import ADMIN_ID, ROUTER_PASSWORD, LocalStage
from bot.redaction import NOISY_LOGGERS
from db.models_delivery import OutboxAttempt
from tests.delivery.conftest import GUEST
from tests.delivery.support import NIK, account_of, approved, jobs_of, run


async def test_no_password_token_or_identity_number_in_logs_or_job_records(
    stage: LocalStage, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in NOISY_LOGGERS:  # as `hotspot-desk run` sets them
        caplog.set_level(logging.WARNING, logger=name)
    stage.router.faults.drop_mid_reply = 1  # an error path too
    stage.mail.faults.fail_next("DATA", 451, "4.3.0 Try again later")
    request = await approved(stage.runtime.ctx, GUEST)
    await run(stage)
    await stage.say(ADMIN_ID, f"/kirimulang {request.number}")
    await run(stage)

    passwords = {
        line.removeprefix("Kata sandi:").strip()
        for received in stage.mail.messages
        for line in received.message.get_body(("plain",)).get_content().splitlines()  # type: ignore[union-attr]
        if line.startswith("Kata sandi:")
    }
    assert len(passwords) == 2
    secrets = {*passwords, NIK, ROUTER_PASSWORD, stage.emulator.token}
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "job" in logged  # the failures were logged, just without secrets
    assert not [secret for secret in secrets if secret in logged]

    account = await account_of(stage, request.ticket_id)
    assert account.password is None
    jobs = await jobs_of(stage, request.ticket_id)
    async with stage.runtime.ctx.unit() as uow:
        attempts = (await uow.session.execute(OutboxAttempt.__table__.select())).all()
    stored = " ".join(
        [str(job.payload) + str(job.last_error) for job in jobs]
        + [str(row.error) for row in attempts]
    )
    assert not [secret for secret in passwords if secret in stored]
