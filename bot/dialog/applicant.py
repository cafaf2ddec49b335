"""The applicant's conversation: open a ticket, triage, fill the form, submit, follow it.

Every step reads the ticket from the database and writes it back before answering, so a
restart or a second replica continues exactly where the applicant is.
"""

from __future__ import annotations

from datetime import timedelta

from bot.dialog import keyboards, render
from bot.dialog.context import DeskContext
from bot.dialog.events import Button, Inbound, Kind, Outcome
from bot.dialog.keyboards import Press
from bot.texts.catalog import Markup
from db.models import Applicant, Ticket
from db.uow import UnitOfWork
from handlers import filling, intake, leaving
from handlers.actors import Actor
from handlers.form.definition import Field
from handlers.form.validators import Rejected
from handlers.statuses import Role, Status
from handlers.transitions import TransitionRefused

CATEGORY_ORDER = ("dosen", "mahasiswa", "tendik", "tamu", "mitra", "peserta", "lainnya")
CANCELLABLE = frozenset({Status.OPEN, Status.FORM, Status.SUBMITTED, Status.VERIFIED})


def _contact(event: Inbound, language: str) -> intake.Contact:
    return intake.Contact(
        external_id=event.person.id,
        chat_id=event.chat_id,
        display_name=event.person.name[:200] or str(event.person.id),
        username=event.person.username,
        language=language,
    )


def _actor(applicant: Applicant) -> Actor:
    return Actor(Role.APPLICANT, applicant.external_id, applicant.display_name)


class ApplicantDialog:
    def __init__(self, ctx: DeskContext) -> None:
        self.ctx = ctx
        self.t = ctx.texts.t

    async def handle(self, event: Inbound) -> Outcome:
        async with self.ctx.unit() as uow:
            existing = await uow.applicants.by_external_id(event.person.id)
            language = existing.language if existing else self.ctx.texts.language(None)
            applicant = await intake.register(uow, _contact(event, language))
            return await self._route(uow, applicant, event)

    async def _route(self, uow: UnitOfWork, applicant: Applicant, event: Inbound) -> Outcome:
        if event.kind is Kind.COMMAND:
            return await self._command(uow, applicant, event)
        if event.kind is Kind.BUTTON:
            return await self._button(uow, applicant, Press.parse(event.data))
        if event.kind is Kind.TEXT:
            return await self._text(uow, applicant, event.text)
        return Outcome().say(self.t(applicant.language, "input.unsupported"))

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
                return Outcome().say(self.t(lang, "help.text"))
            case _:
                return Outcome().say(self.t(lang, "input.unknown_command"))

    async def _start(self, uow: UnitOfWork, applicant: Applicant) -> Outcome:
        lang = applicant.language
        ticket = await intake.active_ticket(uow, applicant)
        if ticket is not None and ticket.status in (Status.OPEN, Status.FORM):
            outcome = Outcome().say(self.t(lang, "start.continue", number=ticket.number))
            return self._show_step(outcome, ticket, lang)
        if ticket is not None:
            return Outcome().say(
                self.t(
                    lang,
                    "start.in_progress",
                    number=ticket.number,
                    status=render.status_name(self.ctx, lang, ticket.status),
                )
            )
        ticket = await intake.open_ticket(uow, applicant)
        outcome = Outcome().say(
            self.t(lang, "start.welcome", name=applicant.display_name, number=ticket.number),
            ((Button(self.t(lang, "lang.switch"), f"l:{'en' if lang == 'id' else 'id'}"),),),
        )
        return self._show_step(outcome, ticket, lang)

    async def _status(self, uow: UnitOfWork, applicant: Applicant) -> Outcome:
        lang = applicant.language
        tickets = await uow.tickets.for_applicant(applicant.id, limit=5)
        if not tickets:
            return Outcome().say(self.t(lang, "status.none"))
        zone = self.ctx.settings.zone
        blocks = []
        for ticket in tickets:
            blocks.append(
                self.t(
                    lang,
                    "status.item",
                    number=ticket.number,
                    category=render.category_name(self.ctx, lang, ticket.category),
                    status=render.status_name(self.ctx, lang, ticket.status),
                    opened=self.ctx.texts.moment(lang, ticket.created_at, zone),
                    next=self.t(lang, f"next.{ticket.status}"),
                )
            )
        return Outcome().say(self.t(lang, "status.header") + "\n\n" + "\n\n".join(blocks))

    async def _ask_cancel(self, uow: UnitOfWork, applicant: Applicant) -> Outcome:
        lang = applicant.language
        ticket = await intake.active_ticket(uow, applicant)
        if ticket is None or ticket.status not in CANCELLABLE:
            return Outcome().say(self.t(lang, "cancel.nothing"))
        return Outcome().say(
            self.t(lang, "cancel.confirm", number=ticket.number),
            keyboards.confirm_cancel(self.ctx.texts, lang, ticket.id),
        )

    # Text answers

    async def _text(self, uow: UnitOfWork, applicant: Applicant, text: str) -> Outcome:
        lang = applicant.language
        ticket = await intake.active_ticket(uow, applicant)
        if ticket is None:
            return Outcome().say(self.t(lang, "input.no_ticket"))
        if ticket.status == Status.OPEN:
            return self._show_step(Outcome().say(self.t(lang, "input.use_buttons")), ticket, lang)
        if ticket.status != Status.FORM:
            return Outcome().say(
                self.t(
                    lang,
                    "input.waiting",
                    number=ticket.number,
                    status=render.status_name(self.ctx, lang, ticket.status),
                )
            )
        field = filling.current_field(ticket, self.ctx.form)
        if field is None:
            return self._show_step(Outcome().say(self.t(lang, "input.use_buttons")), ticket, lang)
        return await self._answer(uow, ticket, field, text, lang)

    async def _answer(
        self, uow: UnitOfWork, ticket: Ticket, field: Field, text: str, lang: str
    ) -> Outcome:
        verdict = await filling.save_answer(
            uow, ticket, self.ctx.form, text, self.ctx.limits(ticket.category)
        )
        if isinstance(verdict, Rejected):
            reason = self.t(lang, verdict.reason, **verdict.params)
            outcome = Outcome().say(
                self.t(lang, "form.invalid", reason=Markup(reason), example=field.example[lang])
            )
            return self._show_step(outcome, ticket, lang)
        return self._show_step(Outcome(), ticket, lang)

    # Buttons

    async def _button(self, uow: UnitOfWork, applicant: Applicant, press: Press | None) -> Outcome:
        lang = applicant.language
        if press is None:
            return Outcome(toast=self.t(lang, "button.invalid"))
        if press.verb == "l":
            return await self._set_language(uow, applicant, press.arg)
        ticket = await intake.active_ticket(uow, applicant)
        if ticket is None or ticket.id != press.ticket_id:
            return Outcome(toast=self.t(lang, "button.stale"), alert=True)
        handler = {
            "k": self._on_category,
            "o": self._on_option,
            "s": self._on_submit,
            "e": self._on_edit_menu,
            "f": self._on_edit_field,
            "b": self._on_back,
            "q": self._on_cancel_ask,
            "y": self._on_cancel_yes,
            "n": self._on_cancel_no,
        }.get(press.verb)
        if handler is None:
            return Outcome(toast=self.t(lang, "button.invalid"))
        return await handler(uow, applicant, ticket, press.arg)

    async def _set_language(self, uow: UnitOfWork, applicant: Applicant, code: str) -> Outcome:
        if code not in ("id", "en"):
            return Outcome(toast=self.t(applicant.language, "button.invalid"))
        applicant.language = code
        await uow.session.flush()
        outcome = Outcome(toast=self.t(code, "lang.changed"))
        outcome.say(self.t(code, "lang.changed"))
        ticket = await intake.active_ticket(uow, applicant)
        if ticket is not None and ticket.status in (Status.OPEN, Status.FORM):
            self._show_step(outcome, ticket, code)
        return outcome

    async def _on_category(
        self, uow: UnitOfWork, applicant: Applicant, ticket: Ticket, code: str
    ) -> Outcome:
        lang = applicant.language
        if ticket.status != Status.OPEN or code not in CATEGORY_ORDER:
            return Outcome(toast=self.t(lang, "button.stale"), alert=True)
        status = await intake.choose_category(
            uow, ticket, code, _actor(applicant), self.ctx.form, self.ctx.self_service
        )
        chosen = self.t(
            lang, "category.chosen", category=render.category_name(self.ctx, lang, code)
        )
        outcome = Outcome(toast=chosen).say(chosen, edit=True)
        if status == Status.CLOSED:
            settings = self.ctx.settings
            instructions = (
                settings.activation_text_en if lang == "en" else settings.activation_text_id
            )
            outcome.say(
                self.t(lang, "self_service.text", number=ticket.number, instructions=instructions),
                ((Button(self.t(lang, "self_service.open_app"), url=settings.activation_url),),),
            )
            return outcome
        outcome.say(self.t(lang, "form.intro", number=ticket.number))
        return self._show_step(outcome, ticket, lang)

    async def _on_option(
        self, uow: UnitOfWork, applicant: Applicant, ticket: Ticket, arg: str
    ) -> Outcome:
        lang = applicant.language
        field_name, _, value = arg.partition(":")
        field = filling.current_field(ticket, self.ctx.form)
        if ticket.status != Status.FORM or field is None or field.name != field_name:
            return Outcome(toast=self.t(lang, "button.stale"), alert=True)
        text = self._option_text(field, value)
        if text is None:
            return Outcome(toast=self.t(lang, "button.invalid"))
        outcome = await self._answer(uow, ticket, field, text, lang)
        outcome.toast = text
        return outcome

    def _option_text(self, field: Field, value: str) -> str | None:
        if not value.isdigit():
            return None
        number = int(value)
        if field.type == "choice":
            units = self.ctx.settings.host_units
            return units[number] if number < len(units) else None
        if field.type == "date":
            if number > 1:
                return None
            chosen = self.ctx.today() + timedelta(days=number)
            return f"{chosen.day}/{chosen.month}/{chosen.year}"
        return value

    async def _on_submit(
        self, uow: UnitOfWork, applicant: Applicant, ticket: Ticket, _arg: str
    ) -> Outcome:
        lang = applicant.language
        if ticket.status != Status.FORM or ticket.cursor != filling.SUMMARY:
            return Outcome(toast=self.t(lang, "button.stale"), alert=True)
        if filling.missing_fields(ticket, self.ctx.form):
            return self._show_step(Outcome(), ticket, lang)
        await filling.submit(uow, ticket, self.ctx.form, _actor(applicant), self.ctx.staff)
        return Outcome(toast=self.t(lang, "form.submitted_toast"), wake_worker=True).say(
            self.t(lang, "form.submitted", number=ticket.number)
        )

    async def _on_edit_menu(
        self, uow: UnitOfWork, applicant: Applicant, ticket: Ticket, _arg: str
    ) -> Outcome:
        lang = applicant.language
        if ticket.status != Status.FORM or ticket.cursor != filling.SUMMARY:
            return Outcome(toast=self.t(lang, "button.stale"), alert=True)
        fields = self.ctx.form.for_category(ticket.category or "")
        return Outcome().say(
            self.t(lang, "form.edit_which"),
            keyboards.edit_menu(self.ctx.texts, lang, ticket.id, fields),
        )

    async def _on_edit_field(
        self, uow: UnitOfWork, applicant: Applicant, ticket: Ticket, name: str
    ) -> Outcome:
        lang = applicant.language
        names = [f.name for f in self.ctx.form.for_category(ticket.category or "")]
        if ticket.status != Status.FORM or ticket.cursor != filling.SUMMARY or name not in names:
            return Outcome(toast=self.t(lang, "button.stale"), alert=True)
        await filling.set_cursor(uow, ticket, filling.EDIT_PREFIX + name)
        return self._show_step(Outcome(), ticket, lang)

    async def _on_back(
        self, uow: UnitOfWork, applicant: Applicant, ticket: Ticket, arg: str
    ) -> Outcome:
        lang = applicant.language
        if ticket.status != Status.FORM:
            return Outcome(toast=self.t(lang, "button.stale"), alert=True)
        if arg == "summary":
            if filling.missing_fields(ticket, self.ctx.form):
                return Outcome(toast=self.t(lang, "button.stale"), alert=True)
            await filling.set_cursor(uow, ticket, filling.SUMMARY)
        else:
            previous = filling.previous_cursor(ticket, self.ctx.form)
            if previous is None:
                return Outcome(toast=self.t(lang, "button.stale"))
            await filling.set_cursor(uow, ticket, previous)
        return self._show_step(Outcome(), ticket, lang)

    async def _on_cancel_ask(
        self, uow: UnitOfWork, applicant: Applicant, ticket: Ticket, _arg: str
    ) -> Outcome:
        lang = applicant.language
        return Outcome().say(
            self.t(lang, "cancel.confirm", number=ticket.number),
            keyboards.confirm_cancel(self.ctx.texts, lang, ticket.id),
        )

    async def _on_cancel_yes(
        self, uow: UnitOfWork, applicant: Applicant, ticket: Ticket, _arg: str
    ) -> Outcome:
        lang = applicant.language
        try:
            await leaving.cancel(uow, ticket, _actor(applicant))
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
            self._show_step(outcome, ticket, lang)
        return outcome

    # What the applicant sees next

    def _show_step(self, outcome: Outcome, ticket: Ticket, lang: str) -> Outcome:
        if ticket.status == Status.OPEN:
            return outcome.say(
                self.t(lang, "start.choose_category"),
                keyboards.categories(self.ctx.texts, lang, ticket.id, CATEGORY_ORDER),
            )
        if ticket.status != Status.FORM:
            return outcome
        if ticket.cursor == filling.SUMMARY:
            text = render.summary(self.ctx, ticket, lang)
            if ticket.return_note:
                text = self.t(lang, "form.returned_note", note=ticket.return_note) + "\n\n" + text
            return outcome.say(text, keyboards.summary(self.ctx.texts, lang, ticket.id))
        field = filling.current_field(ticket, self.ctx.form)
        if field is None:
            return outcome
        fields = self.ctx.form.for_category(ticket.category or "")
        position = [f.name for f in fields].index(field.name) + 1
        policy = self.ctx.settings.categories.get(ticket.category or "")
        max_number = (
            policy.max_days
            if field.max == "category" and policy
            else (field.max if isinstance(field.max, int) else None)
        )
        options = keyboards.field_options(
            self.ctx.texts, lang, ticket.id, field, self.ctx.settings.host_units, max_number
        )
        editing = filling.editing(ticket.cursor) is not None
        navigation = keyboards.navigation(
            self.ctx.texts, lang, ticket.id, editing=editing, first=position == 1
        )
        buttons = (
            *keyboards.rows(options, 2 if field.type == "choice" else 4),
            *keyboards.rows(navigation, 1),
        )
        text = self.t(
            lang,
            "form.question",
            position=position,
            total=len(fields),
            prompt=Markup(field.prompt[lang]),
            example=field.example[lang],
        )
        return outcome.say(text, buttons)
