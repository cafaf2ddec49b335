"""Outbox jobs and their attempts as staff read them (for /tiket and the digest)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.dialog.context import DeskContext
from bot.texts.catalog import Markup
from db.repositories.outbox import JobRecord

MAX_ERROR = 200


def job_lines(
    ctx: DeskContext, language: str, jobs: Sequence[JobRecord], *, tries: bool = True
) -> Markup:
    """One line per job (kind, state, attempts, last error), then one per attempt."""
    t = ctx.texts.t
    zone = ctx.settings.zone

    def error(text: str | None) -> Markup | str:
        return Markup(t(language, "jobs.error", error=text[:MAX_ERROR])) if text else ""

    lines: list[str] = []
    for job in jobs:
        if job.retrying:
            when = ctx.texts.moment(language, job.run_after, zone)
            status = t(language, "jobs.retrying", at=when)
        else:
            status = t(language, f"jobs.{job.status}")
        lines.append(
            t(
                language,
                "jobs.line",
                kind=job.kind,
                status=Markup(status),
                attempts=job.attempts,
                error=error(job.last_error),
            )
        )
        for attempt in job.tries if tries else ():
            lines.append(
                t(
                    language,
                    "jobs.try_line",
                    number=attempt.number,
                    at=ctx.texts.moment(language, attempt.started_at, zone),
                    outcome=t(language, f"jobs.{attempt.outcome}"),
                    error=error(attempt.error),
                )
            )
    return Markup("\n".join(lines))
