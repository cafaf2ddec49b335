"""Alerts to the admins about outbox jobs: what failed, what the server said (the error
text keeps the server's own words), and what to do about it.

Three moments: a job failed for good (`failed`), a job still failing after
`OUTBOX_ALERT_AFTER_MINUTES` (`stuck`), and a job that failed in a way no classifier knows
(`unknown`: told at once, while it keeps retrying, since it may never recover by itself).

An alert is itself an outbox job (a chat message per admin chat), queued in the
transaction that records the failure, so it survives a crash and goes out once. An alert
that cannot be delivered is only logged: alerting about alerts would never end.
"""

from __future__ import annotations

from bot.dialog.context import DeskContext
from bot.texts.catalog import Markup
from db.models import OutboxJob
from db.uow import UnitOfWork

LANG = "id"
ALERT_FLAG = "alert"
KNOWN_KINDS = frozenset(
    {
        "provision",
        "email",
        "notify_applicant",
        "disable_account",
        "refresh_account",
        "staff_card",
        "close_cards",
        "chat",
        "relay_to_staff",
        "relay_to_applicant",
        "staff_attachments",
    }
)
# Jobs that write to a staff chat: the admins' advice is about that chat.
STAFF_CHAT_KINDS = frozenset(
    {"staff_card", "close_cards", "relay_to_staff", "staff_attachments", "chat"}
)


def is_alert(job: OutboxJob) -> bool:
    return job.kind == "chat" and bool(job.payload.get(ALERT_FLAG))


def todo_key(job: OutboxJob, error: str) -> str:
    """Which advice fits: our own error texts name the cause."""
    lowered = error.lower()
    if job.kind in ("provision", "refresh_account"):
        if "profile" in lowered:
            return "profile"
        if "login refused" in lowered:
            return "login"
        if "certificate" in lowered or "ca file" in lowered:
            return "tls"
        return "provision" if job.kind == "provision" else "refresh"
    if job.kind == "email":
        return "email"
    if job.kind == "notify_applicant":
        return "chat"
    if job.kind == "relay_to_applicant":
        return "applicant_chat"
    if job.kind in STAFF_CHAT_KINDS:
        return "staff_chat"
    if job.kind == "disable_account":
        return "disable"
    return "other"


async def queue_alert(
    ctx: DeskContext,
    uow: UnitOfWork,
    job: OutboxJob,
    error: str,
    *,
    stuck: bool = False,
    unknown: bool = False,
) -> None:
    """Queues one chat message per admin chat about `job`, in `uow` (the transaction that
    records the failure). `error` is shown as given (at most 500 characters, escaped):
    the transports put the server's own reply in it. An alert about an alert is never
    queued; each moment is queued once per attempt number (the dedupe key)."""
    if is_alert(job):
        return
    t = ctx.texts.t
    number = t(LANG, "alert.no_ticket")
    if job.ticket_id is not None:
        ticket = await uow.tickets.get(job.ticket_id)
        if ticket is not None:
            number = ticket.number
    what = t(LANG, f"alert.what.{job.kind if job.kind in KNOWN_KINDS else 'other'}")
    reason = "unknown" if unknown else "stuck" if stuck else "failed"
    text = t(
        LANG,
        f"alert.{reason}",
        kind=job.kind,
        what=what,
        number=number,
        error=error[:500],
        attempts=job.attempts,
        since=ctx.texts.moment(LANG, job.created_at, ctx.settings.zone),
        hours=f"{ctx.settings.outbox_give_up_hours:g}",
        todo=Markup(t(LANG, f"alert.todo.{todo_key(job, error)}", number=number)),
    )
    for chat_id in ctx.staff.admin_chats():
        await uow.outbox.enqueue(
            "chat",
            f"alert:{job.id}:{reason}:{job.attempts}:{chat_id}",
            {"chat_id": chat_id, "text": text, ALERT_FLAG: True},
            uow.now,
            ticket_id=job.ticket_id,
            # Out of line: an alert about a message stuck in this very chat must not wait
            # behind it.
            ordered=False,
        )
