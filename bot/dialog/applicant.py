"""The applicant's conversation: open a ticket, triage, the form, follow-up, status, cancel.

Every step reads the ticket from the database and writes it back before answering, so a
restart or a second replica continues exactly where the applicant is.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.dialog import keyboards, render
from bot.dialog.context import DeskContext
from bot.dialog.events import Button, Inbound, Kind, Outcome
from bot.dialog.form_dialog import CATEGORY_ORDER, FormDialog, applicant_actor
from bot.dialog.handoff import HandoffDialog
from bot.dialog.keyboards import Press
from bot.texts.catalog import Markup
from db.models import Applicant, Ticket
from db.uow import UnitOfWork
from handlers import intake, leaving
from handlers.moves import move
from handlers.statuses import Status
from handlers.transitions import TransitionRefused

CANCELLABLE = frozenset({Status.OPEN, Status.FORM, Status.SUBMITTED, Status.VERIFIED})
TIMELINE = ("submitted", "verified", "approved", "rejected", "provisioned", "closed")

TicketButton = Callable[[UnitOfWork, Applicant, Ticket, str], Awaitable[Outcome]]


def _contact(event: Inbound, language: str) -> intake.Contact:
    return intake.Contact(
        external_id=event.person.id,
        chat_id=event.chat_id,
        display_name=event.person.name[:200] or str(event.person.id),
        username=event.person.username,
        language=language,
    )


class ApplicantDialog:
    def __init__(self, ctx: DeskContext) -> None:
        self.ctx = ctx
        self.t = ctx.texts.t
        self.form = FormDialog(ctx)
        self.handoff = HandoffDialog(ctx)
        self.ticket_buttons: dict[str, TicketButton] = {
            "k": self._on_category,
            "o": self.form.on_option,
            "sk": self.form.on_skip,
            "s": self.form.on_submit,
            "e": self.form.on_edit_menu,
            "f": self.form.on_edit_field,
            "b": self.form.on_back,
            "q": self._on_cancel_ask,
            "y": self._on_cancel_yes,
            "n": self._on_cancel_no,
            "ct": self._on_continue,
            "ok": self._on_activation_worked,
            "ko": self._on_activation_failed,
        }

    async def handle(self, event: Inbound) -> Outcome:
        async with self.ctx.unit() as uow:
            existing = await uow.applicants.by_external_id(event.person.id)
            language = existing.language if existing else self.ctx.texts.language(None)
            applicant = await intake.register(uow, _contact(event, language), existing)
            return await self._route(uow, applicant, event)

    async def flood_warning(self, event: Inbound) -> Outcome:
        async with self.ctx.unit() as uow:
            existing = await uow.applicants.by_external_id(event.person.id)
        text = self.t(existing.language if existing else "id", "input.flood")
        outcome = Outcome(toast=text, alert=True)
        return outcome if event.kind is Kind.BUTTON else outcome.say(text)

    async def _route(self, uow: UnitOfWork, applicant: Applicant, event: Inbound) -> Outcome:
        lang = applicant.language
        if event.kind is Kind.COMMAND:
            return await self._command(uow, applicant, event)
        if event.kind is Kind.BUTTON:
            return await self._button(uow, applicant, Press.parse(event.data))
        if event.forwarded:
            return Outcome().say(self.t(lang, "input.forwarded"))
        if event.kind is Kind.TEXT:
            handoff = await uow.handoffs.open_for(applicant.id)
            if handoff is not None:
                return await self.handoff.relay(uow, applicant, handoff, event)
            return await self._text(uow, applicant, event.text, event.message_id)
        if event.kind is Kind.EDIT:
            return await self._edit(uow, applicant, event)
        if event.kind is Kind.FILE and event.upload is not None:
            ticket = await intake.active_ticket(uow, applicant)
            if ticket is not None and ticket.status == Status.FORM:
                return await self.form.answer_file(uow, ticket, event.upload, lang)
            return Outcome().say(self.t(lang, "input.file_unexpected"))
        return Outcome().say(self.t(lang, "input.unsupported"))

    # Commands

    async def _command(self, uow: UnitOfWork, applicant: Applicant, event: Inbound) -> Outcome:
        lang = applicant.language
        match event.command:
            case "start":
                return await self._start(uow, applicant)
            case "status":
                return await self._status(uow, applicant)
            case "cancel" | "batal":
                return await self._ask_cancel(uow, applicant)
            case "bahasa" | "language":
                return Outcome().say(
                    self.t(lang, "lang.choose"), keyboards.language_choice(self.ctx.texts)
                )
            case "help" | "bantuan":
                talk = Button(self.t(lang, "help.talk_to_admin"), "ho")
                return Outcome().say(self.t(lang, "help.text"), ((talk,),))
            case _:
                return Outcome().say(self.t(lang, "input.unknown_command"))

    async def _start(self, uow: UnitOfWork, applicant: Applicant) -> Outcome:
        lang = applicant.language
        ticket = await intake.active_ticket(uow, applicant)
        if ticket is not None:
            # One request at a time: continue it, or see where it stands.
            status = render.status_name(self.ctx, lang, ticket.status)
            choice: list[Button] = [Button(self.t(lang, "start.see_status"), "st")]
            if ticket.status in (Status.OPEN, Status.FORM, Status.SELF_SERVICE):
                choice.insert(0, Button(self.t(lang, "start.continue_button"), f"ct:{ticket.id}"))
            return Outcome().say(
                self.t(lang, "start.active", number=ticket.number, status=status), (tuple(choice),)
            )
        ticket = await intake.open_ticket(uow, applicant)
        other = "en" if lang == "id" else "id"
        outcome = Outcome().say(
            self.t(lang, "start.welcome", name=applicant.display_name, number=ticket.number),
            ((Button(self.t(lang, "lang.switch"), f"l:{other}"),),),
        )
        return self.form.show_step(outcome, ticket, lang)

    async def _status(self, uow: UnitOfWork, applicant: Applicant) -> Outcome:
        lang = applicant.language
        tickets = await uow.tickets.for_applicant(applicant.id, limit=5)
        if not tickets:
            return Outcome().say(self.t(lang, "status.none"))
        blocks = [self._status_block(ticket, lang) for ticket in tickets]
        return Outcome().say(self.t(lang, "status.header") + "\n\n" + "\n\n".join(blocks))

    def _status_block(self, ticket: Ticket, lang: str) -> str:
        zone = self.ctx.settings.zone
        steps = [
            self.t(
                lang,
                "status.timeline_line",
                at=self.ctx.texts.moment(lang, t.at, zone),
                status=render.status_name(self.ctx, lang, t.to_status),
            )
            for t in ticket.transitions
            if t.to_status in TIMELINE
        ]
        return self.t(
            lang,
            "status.item",
            number=ticket.number,
            category=render.category_name(self.ctx, lang, ticket.category),
            status=render.status_name(self.ctx, lang, ticket.status),
            opened=self.ctx.texts.moment(lang, ticket.created_at, zone),
            timeline=Markup("\n".join(steps)),
            next=self.t(lang, f"next.{ticket.status}"),
        )

    async def _ask_cancel(self, uow: UnitOfWork, applicant: Applicant) -> Outcome:
        lang = applicant.language
        ticket = await intake.active_ticket(uow, applicant)
        if ticket is None or ticket.status not in CANCELLABLE:
            return Outcome().say(self.t(lang, "cancel.nothing"))
        return Outcome().say(
            self.t(lang, "cancel.confirm", number=ticket.number),
            keyboards.confirm_cancel(self.ctx.texts, lang, ticket.id),
        )

    # Text

    async def _edit(self, uow: UnitOfWork, applicant: Applicant, event: Inbound) -> Outcome:
        """An edited message changes a form answer only while the form is being filled (and
        the hand-off relays only new messages); anything else gets a note, never silence."""
        lang = applicant.language
        ticket = await intake.active_ticket(uow, applicant)
        handoff = await uow.handoffs.open_for(applicant.id)
        if ticket is None or ticket.status != Status.FORM or handoff is not None:
            return Outcome().say(self.t(lang, "input.edit_not_read_plain"))
        if event.message_id is None:
            return Outcome().say(self.t(lang, "input.edit_not_read"))
        return await self.form.answer_edit(uow, ticket, event.message_id, event.text, lang)

    async def edit_note(self, event: Inbound) -> Outcome:
        """The note for an edit outside the applicant's private chat (staff in a group)."""
        async with self.ctx.unit() as uow:
            existing = await uow.applicants.by_external_id(event.person.id)
        lang = existing.language if existing else self.ctx.texts.language(None)
        return Outcome().say(self.t(lang, "input.edit_not_read_plain"))

    async def _text(
        self, uow: UnitOfWork, applicant: Applicant, text: str, message_id: int | None = None
    ) -> Outcome:
        lang = applicant.language
        ticket = await intake.active_ticket(uow, applicant)
        if ticket is None:
            return Outcome().say(self.t(lang, "input.no_ticket"))
        if ticket.status == Status.OPEN:
            return self.form.show_step(
                Outcome().say(self.t(lang, "input.use_buttons")), ticket, lang
            )
        if ticket.status == Status.SELF_SERVICE:
            return self._follow_up(Outcome(), ticket, lang)
        if ticket.status != Status.FORM:
            status = render.status_name(self.ctx, lang, ticket.status)
            return Outcome().say(self.t(lang, "input.waiting", number=ticket.number, status=status))
        return await self.form.answer_text(uow, ticket, text, lang, message_id)

    # Buttons

    async def _button(self, uow: UnitOfWork, applicant: Applicant, press: Press | None) -> Outcome:
        lang = applicant.language
        if press is None:
            return Outcome(toast=self.t(lang, "button.invalid"))
        if press.verb == "l":
            return await self._set_language(uow, applicant, press.arg)
        if press.verb == "st":
            return await self._status(uow, applicant)
        if press.verb == "ho":
            return await self.handoff.open(
                uow, applicant, await intake.active_ticket(uow, applicant)
            )
        handler = self.ticket_buttons.get(press.verb)
        if handler is None:
            return Outcome(toast=self.t(lang, "button.invalid"))
        ticket = await intake.active_ticket(uow, applicant)
        if ticket is None or ticket.id != press.ticket_id:
            return Outcome(toast=self.t(lang, "button.stale"), alert=True)
        return await handler(uow, applicant, ticket, press.arg)

    async def _set_language(self, uow: UnitOfWork, applicant: Applicant, code: str) -> Outcome:
        if code not in ("id", "en"):
            return Outcome(toast=self.t(applicant.language, "button.invalid"))
        applicant.language = code
        await uow.session.flush()
        outcome = Outcome(toast=self.t(code, "lang.changed")).say(self.t(code, "lang.changed"))
        ticket = await intake.active_ticket(uow, applicant)
        if ticket is not None and ticket.status in (Status.OPEN, Status.FORM):
            self.form.show_step(outcome, ticket, code)
        return outcome

    async def _on_continue(
        self, uow: UnitOfWork, applicant: Applicant, ticket: Ticket, _arg: str
    ) -> Outcome:
        lang = applicant.language
        outcome = Outcome().say(self.t(lang, "start.continue", number=ticket.number))
        if ticket.status == Status.SELF_SERVICE:
            return self._follow_up(outcome, ticket, lang)
        return self.form.show_step(outcome, ticket, lang)

    async def _on_category(
        self, uow: UnitOfWork, applicant: Applicant, ticket: Ticket, code: str
    ) -> Outcome:
        lang = applicant.language
        if ticket.status != Status.OPEN or code not in CATEGORY_ORDER:
            return self.form.stale(lang)
        status = await intake.choose_category(
            uow, ticket, code, applicant_actor(applicant), self.ctx.form, self.ctx.self_service
        )
        chosen = self.t(
            lang, "category.chosen", category=render.category_name(self.ctx, lang, code)
        )
        outcome = Outcome(toast=chosen).say(chosen, edit=True)
        if status == Status.SELF_SERVICE:
            return self._follow_up(outcome, ticket, lang)
        outcome.say(self.t(lang, "form.intro", number=ticket.number))
        return self.form.show_step(outcome, ticket, lang)

    def _follow_up(self, outcome: Outcome, ticket: Ticket, lang: str) -> Outcome:
        """SOP step 2, 'yes': the activation steps, then did it work?"""
        settings = self.ctx.settings
        instructions = settings.activation_text_en if lang == "en" else settings.activation_text_id
        outcome.say(
            self.t(lang, "self_service.text", number=ticket.number, instructions=instructions),
            ((Button(self.t(lang, "self_service.open_app"), url=settings.activation_url),),),
        )
        return outcome.say(
            self.t(lang, "self_service.ask"),
            (
                (
                    Button(self.t(lang, "self_service.worked"), f"ok:{ticket.id}"),
                    Button(self.t(lang, "self_service.failed"), f"ko:{ticket.id}"),
                ),
            ),
        )

    async def _on_activation_worked(
        self, uow: UnitOfWork, applicant: Applicant, ticket: Ticket, _arg: str
    ) -> Outcome:
        lang = applicant.language
        if ticket.status != Status.SELF_SERVICE:
            return self.form.stale(lang)
        await move(uow, ticket, Status.CLOSED, applicant_actor(applicant), note="activated")
        return Outcome().say(self.t(lang, "self_service.thanks", number=ticket.number), edit=True)

    async def _on_activation_failed(
        self, uow: UnitOfWork, applicant: Applicant, ticket: Ticket, _arg: str
    ) -> Outcome:
        if ticket.status != Status.SELF_SERVICE:
            return self.form.stale(applicant.language)
        return await self.handoff.open(uow, applicant, ticket)

    async def _on_cancel_ask(
        self, uow: UnitOfWork, applicant: Applicant, ticket: Ticket, _arg: str
    ) -> Outcome:
        return await self._ask_cancel(uow, applicant)

    async def _on_cancel_yes(
        self, uow: UnitOfWork, applicant: Applicant, ticket: Ticket, _arg: str
    ) -> Outcome:
        lang = applicant.language
        try:
            await leaving.cancel(uow, ticket, applicant_actor(applicant))
        except TransitionRefused:
            return Outcome(toast=self.t(lang, "cancel.too_late"), alert=True)
        return Outcome(wake_worker=True).say(
            self.t(lang, "cancel.done", number=ticket.number), edit=True
        )

    async def _on_cancel_no(
        self, uow: UnitOfWork, applicant: Applicant, ticket: Ticket, _arg: str
    ) -> Outcome:
        lang = applicant.language
        outcome = Outcome().say(self.t(lang, "cancel.kept", number=ticket.number), edit=True)
        if ticket.status in (Status.OPEN, Status.FORM):
            self.form.show_step(outcome, ticket, lang)
        return outcome
