"""A month's tickets as CSV: one row per ticket opened in the month, for the centre's records
("Pencatatan dan Pendataan" in the SOP's header).

Columns are stable machine names; the form's own fields follow the form definition, so a field
added to the form file appears in the export. Identity numbers are masked to their last four
characters. Times are local. The file is UTF-8 with a byte-order mark so that spreadsheet
programs read the Indonesian names correctly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime, tzinfo

from db.uow import UnitOfWork
from handlers import reports, sla
from handlers.filling import answers_of
from handlers.form.definition import Field
from handlers.lookup import Period

LEADING = (
    "number",
    "created_at",
    "category",
    "status",
    "outcome",
    "applicant",
    "telegram_username",
)
TRAILING = (
    "verified_by",
    "verified_at",
    "decided_by",
    "decided_at",
    "decision",
    "reason",
    "account",
    "valid_from",
    "valid_until",
    "account_status",
    *(f"step{step.number}_minutes" for step in sla.STEPS),
)
MASKED_TYPES = frozenset({"identity"})
# A cell a spreadsheet would run as a formula. "+62..." and "-5" stay as they are: numbers.
FORMULA_START = ("=", "@", "\t", "\r")


def columns(fields: Sequence[Field]) -> list[str]:
    return [*LEADING, *(field.name for field in fields), *TRAILING]


def mask(value: str) -> str:
    return "*" * max(0, len(value) - 4) + value[-4:]


def safe_cell(value: str) -> str:
    """Neutralises a formula typed by an applicant (CSV injection) with a leading quote."""
    if value.startswith(FORMULA_START) or (
        value[:1] in ("+", "-") and len(value) > 1 and value[1] not in "0123456789"
    ):
        return "'" + value
    return value


def _local(value: datetime | None, zone: tzinfo) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else ""


async def month_rows(
    uow: UnitOfWork,
    period: Period,
    fields: Sequence[Field],
    rules: sla.SlaRules,
    zone: tzinfo,
) -> list[dict[str, str]]:
    tickets = list(await uow.records.tickets_created_between(period.start, period.end))
    ids = [t.id for t in tickets]
    histories = await uow.records.transitions_of(ids)
    decisions = await uow.records.decisions_of(ids)
    accounts = await uow.records.accounts_of(ids)
    rows = []
    for ticket in tickets:
        history = histories.get(ticket.id, [])
        answers = answers_of(ticket)
        row = {
            "number": ticket.number,
            "created_at": _local(ticket.created_at, zone),
            "category": ticket.category or "",
            "status": ticket.status,
            "outcome": reports.outcome(ticket, history),
            "applicant": ticket.applicant.display_name,
            "telegram_username": ticket.applicant.username or "",
        }
        for field in fields:
            value = answers.get(field.name, "")
            row[field.name] = mask(value) if field.type in MASKED_TYPES and value else value
        verified = [d for d in decisions.get(ticket.id, []) if d.kind == "verify"]
        decided = [d for d in decisions.get(ticket.id, []) if d.kind in ("approve", "reject")]
        row["verified_by"] = verified[-1].staff_name if verified else ""
        row["verified_at"] = _local(verified[-1].at, zone) if verified else ""
        row["decided_by"] = decided[-1].staff_name if decided else ""
        row["decided_at"] = _local(decided[-1].at, zone) if decided else ""
        row["decision"] = decided[-1].kind if decided else ""
        row["reason"] = (decided[-1].reason or "") if decided else ""
        account = accounts.get(ticket.id)
        row["account"] = account.username if account else ""
        row["valid_from"] = account.valid_from.isoformat() if account else ""
        row["valid_until"] = account.valid_until.isoformat() if account else ""
        row["account_status"] = account.status if account else ""
        measures = sla.measure(ticket, history, rules)
        for step in sla.STEPS:
            mine = [m.duration.total_seconds() for m in measures if m.step == step]
            row[f"step{step.number}_minutes"] = f"{sum(mine) / 60:.1f}" if mine else ""
        rows.append(row)
    return rows


def to_csv(names: Sequence[str], rows: Sequence[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(names), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: safe_cell(row.get(name, "")) for name in names})
    return out.getvalue().encode("utf-8-sig")
