"""Files sent for a form field (the supporting letter): checked, kept, answered."""

from __future__ import annotations

from dataclasses import dataclass

from db.models import Ticket
from db.models_dialog import Attachment
from db.uow import UnitOfWork
from handlers.filling import next_cursor, set_cursor
from handlers.form.definition import Field, FormDefinition
from handlers.form.validators import Accepted, Rejected, Verdict

MEGABYTE = 1024 * 1024
# What the file must start with, whatever its name or declared type says.
SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
EXTENSIONS = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


@dataclass(frozen=True)
class FileOffer:
    filename: str
    mime_type: str
    size: int


def max_bytes(field: Field) -> int:
    return (field.max if isinstance(field.max, int) else 10) * MEGABYTE


def kind_of(offer: FileOffer) -> str | None:
    if offer.mime_type in SIGNATURES:
        return offer.mime_type
    suffix = offer.filename[offer.filename.rfind(".") :].lower() if "." in offer.filename else ""
    return EXTENSIONS.get(suffix)


def check_offer(offer: FileOffer, field: Field) -> Rejected | None:
    """Before downloading: the declared type and size."""
    if kind_of(offer) is None:
        return Rejected("invalid.file_type")
    if offer.size > max_bytes(field):
        return Rejected("invalid.file_size", {"max": max_bytes(field) // MEGABYTE})
    return None


def sniff(content: bytes) -> str | None:
    """The type the file's own first bytes say it is (a photo's name and type say little)."""
    for kind, signatures in SIGNATURES.items():
        if content.startswith(signatures):
            return kind
    return None


def check_content(content: bytes, field: Field) -> Rejected | None:
    """After downloading: the real size and the file's own signature."""
    if sniff(content) is None:
        return Rejected("invalid.file_type")
    if len(content) > max_bytes(field):
        return Rejected("invalid.file_size", {"max": max_bytes(field) // MEGABYTE})
    return None


def safe_name(filename: str) -> str:
    cleaned = "".join(c for c in filename if c.isprintable() and c not in '/\\:*?"<>|')
    return cleaned.strip()[:120] or "file"


async def save_file(
    uow: UnitOfWork,
    ticket: Ticket,
    form: FormDefinition,
    field: Field,
    offer: FileOffer,
    content: bytes,
) -> Verdict:
    problem = check_content(content, field)
    if problem is not None:
        return problem
    kind = sniff(content)
    assert kind is not None
    name = safe_name(offer.filename)
    await uow.attachments.replace(
        Attachment(
            ticket_id=ticket.id,
            field=field.name,
            filename=name,
            mime_type=kind,
            size=len(content),
            content=content,
            created_at=uow.now,
        )
    )
    await uow.tickets.set_answer(ticket, field.name, name, uow.now)
    await set_cursor(uow, ticket, next_cursor(ticket, form, field.name))
    return Accepted(name)


async def skip(uow: UnitOfWork, ticket: Ticket, form: FormDefinition, field: Field) -> None:
    """An optional file not sent: an empty answer, so the form counts as complete."""
    await uow.attachments.remove(ticket.id, field.name)
    await uow.tickets.set_answer(ticket, field.name, "", uow.now)
    await set_cursor(uow, ticket, next_cursor(ticket, form, field.name))
