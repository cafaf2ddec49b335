"""What staff read about a ticket's background jobs."""

from __future__ import annotations

from bot.demo.stage import LocalStage
from bot.worker.job_report import job_lines
from tests.delivery.conftest import GUEST
from tests.delivery.support import approved, run


async def test_jobs_and_attempts_read_in_both_languages(stage: LocalStage) -> None:
    stage.mail.faults.fail_next("DATA", 451, "4.3.0 <Try> again later")
    request = await approved(stage.runtime.ctx, GUEST)
    await run(stage)
    async with stage.runtime.ctx.unit() as uow:
        history = await uow.outbox.job_history(request.ticket_id)
    text = job_lines(stage.runtime.ctx, "id", history)
    assert "• provision: selesai, 1 percobaan" in text
    assert "• email: selesai, 2 percobaan" in text
    assert "1." in text and "gagal, dicoba lagi" in text and "&lt;Try&gt;" in text
    assert "<Try>" not in text
    english = job_lines(stage.runtime.ctx, "en", history, tries=False)
    assert "• email: done, 2 attempt(s)" in english and "retried" not in english
