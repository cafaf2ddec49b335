"""The request form in the chat: one question at a time, the summary, edits, back, files."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.dialog import keyboards, render
from bot.dialog.context import DeskContext
from bot.dialog.events import Keyboard, Outcome, Upload
from bot.texts.catalog import Markup
from db.models import Applicant, Ticket
from db.uow import UnitOfWork
from handlers import attachments, filling
from handlers.actors import Actor
from handlers.form.definition import Field
from handlers.form.validators import Rejected
from handlers.statuses import Role, Status

CATEGORY_ORDER = ("dosen", "mahasiswa", "tendik", "tamu", "mitra", "peserta", "lainnya")


def applicant_actor(applicant: Applicant) -> Actor:
    return Actor(Role.APPLICANT, applicant.external_id, applicant.display_name)


class FormDialog:
    def __init__(self, ctx: DeskContext) -> None:
        self.ctx = ctx
        self.t = ctx.texts.t

    def stale(self, lang: str) -> Outcome:
        return Outcome(toast=self.t(lang, "button.stale"), alert=True)

    # Answers

    async def answer_text(
        self, uow: UnitOfWork, ticket: Ticket, text: str, lang: str, message_id: int | None = None
    ) -> Outcome:
        """`message_id`: the chat message that carries the answer (None: a button)."""
        field = filling.current_field(ticket, self.ctx.form)
        if field is None:
            return self.show_step(Outcome().say(self.t(lang, "input.use_buttons")), ticket, lang)
        verdict = await filling.save_answer(
            uow, ticket, self.ctx.form, text, self.ctx.limits(ticket.category), message_id
        )
        if isinstance(verdict, Rejected):
            return self.refused(ticket, field, verdict, lang)
        return self.show_step(Outcome(), ticket, lang)

    async def answer_edit(
        self, uow: UnitOfWork, ticket: Ticket, message_id: int, text: str, lang: str
    ) -> Outcome:
        """An edited message: it changes the latest answer (or is read as the answer of the
        field still asked, when that message was refused); any other edit gets the note that
        edits are not read and how to change an answer."""
        form = self.ctx.form
        result = await filling.apply_edit(
            uow, ticket, form, message_id, text, self.ctx.limits(ticket.category)
        )
        field, verdict = result.field, result.verdict
        if field is None or result.outcome == "not_read":
            return Outcome().say(self.t(lang, "input.edit_not_read"))
        if result.outcome == "answer":
            if isinstance(verdict, Rejected):
                return self.refused(ticket, field, verdict, lang)
            assert verdict is not None
            return self.show_step(
                Outcome().say(self._changed(field, verdict.value, lang)), ticket, lang
            )
        shown = render.display_value(self.ctx, lang, field, result.value) if result.value else "—"
        if result.outcome == "unchanged":
            return Outcome().say(
                self.t(lang, "input.edit_unchanged", label=field.label[lang], value=shown)
            )
        if isinstance(verdict, Rejected):
            reason = self.t(lang, verdict.reason, **verdict.params)
            note = self.t(
                lang,
                "input.edit_refused",
                label=field.label[lang],
                reason=Markup(reason),
                value=shown,
            )
            return self.show_step(Outcome().say(note), ticket, lang)
        return self.show_step(
            Outcome().say(self._changed(field, result.value or "", lang)), ticket, lang
        )

    def _changed(self, field: Field, value: str, lang: str) -> str:
        shown = render.display_value(self.ctx, lang, field, value)
        return self.t(lang, "input.edit_applied", label=field.label[lang], value=shown)

    async def answer_file(
        self, uow: UnitOfWork, ticket: Ticket, upload: Upload, lang: str
    ) -> Outcome:
        field = filling.current_field(ticket, self.ctx.form)
        if field is None or field.type != "file":
            return self.show_step(
                Outcome().say(self.t(lang, "input.file_unexpected")), ticket, lang
            )
        offer = attachments.FileOffer(upload.filename, upload.mime_type, upload.size)
        problem = attachments.check_offer(offer, field)
        if problem is None:
            content = await upload.fetch()
            verdict = await attachments.save_file(uow, ticket, self.ctx.form, field, offer, content)
            if not isinstance(verdict, Rejected):
                filling.note_source(ticket, field.name, None, accepted=True)
                return self.show_step(
                    Outcome().say(self.t(lang, "form.file_received", name=verdict.value)),
                    ticket,
                    lang,
                )
            problem = verdict
        return self.refused(ticket, field, problem, lang)

    def refused(self, ticket: Ticket, field: Field, verdict: Rejected, lang: str) -> Outcome:
        reason = self.t(lang, verdict.reason, **verdict.params)
        outcome = Outcome().say(
            self.t(lang, "form.invalid", reason=Markup(reason), example=field.example[lang])
        )
        return self.show_step(outcome, ticket, lang)

    # Buttons: (uow, applicant, ticket, arg) -> Outcome

    async def on_option(
        self, uow: UnitOfWork, applicant: Applicant, ticket: Ticket, arg: str
    ) -> Outcome:
        lang = applicant.language
        field_name, _, value = arg.partition(":")
        field = filling.current_field(ticket, self.ctx.form)
        if ticket.status != Status.FORM or field is None or field.name != field_name:
            return self.stale(lang)
        text = self._option_text(field, value)
        if text is None:
            return Outcome(toast=self.t(lang, "button.invalid"))
        outcome = await self.answer_text(uow, ticket, text, lang)
        outcome.toast = text
        return outcome

    def _option_text(self, field: Field, value: str) -> str | None:
        # Button data can be forged: only ASCII digits are an option index.
        if not re.fullmatch(r"[0-9]{1,4}", value):
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

    async def on_skip(
        self, uow: UnitOfWork, applicant: Applicant, ticket: Ticket, name: str
    ) -> Outcome:
        lang = applicant.language
        field = filling.current_field(ticket, self.ctx.form)
        if (
            ticket.status != Status.FORM
            or field is None
            or field.name != name
            or field.required(ticket.category or "")
        ):
            return self.stale(lang)
        await attachments.skip(uow, ticket, self.ctx.form, field)
        filling.note_source(ticket, field.name, None, accepted=True)
        return self.show_step(Outcome(), ticket, lang)

    async def on_submit(
        self, uow: UnitOfWork, applicant: Applicant, ticket: Ticket, _arg: str
    ) -> Outcome:
        lang = applicant.language
        if ticket.status != Status.FORM or ticket.cursor != filling.SUMMARY:
            return self.stale(lang)
        if filling.missing_fields(ticket, self.ctx.form):
            return self.show_step(Outcome(), ticket, lang)
        await filling.submit(uow, ticket, self.ctx.form, applicant_actor(applicant), self.ctx.staff)
        return Outcome(toast=self.t(lang, "form.submitted_toast"), wake_worker=True).say(
            self.t(lang, "form.submitted", number=ticket.number)
        )

    async def on_edit_menu(
        self, uow: UnitOfWork, applicant: Applicant, ticket: Ticket, _arg: str
    ) -> Outcome:
        lang = applicant.language
        if ticket.status != Status.FORM or ticket.cursor != filling.SUMMARY:
            return self.stale(lang)
        fields = self.ctx.form.for_category(ticket.category or "")
        return Outcome().say(
            self.t(lang, "form.edit_which"),
            keyboards.edit_menu(self.ctx.texts, lang, ticket.id, fields),
        )

    async def on_edit_field(
        self, uow: UnitOfWork, applicant: Applicant, ticket: Ticket, name: str
    ) -> Outcome:
        lang = applicant.language
        names = [f.name for f in self.ctx.form.for_category(ticket.category or "")]
        if ticket.status != Status.FORM or ticket.cursor != filling.SUMMARY or name not in names:
            return self.stale(lang)
        await filling.set_cursor(uow, ticket, filling.EDIT_PREFIX + name)
        return self.show_step(Outcome(), ticket, lang)

    async def on_back(
        self, uow: UnitOfWork, applicant: Applicant, ticket: Ticket, arg: str
    ) -> Outcome:
        lang = applicant.language
        if ticket.status != Status.FORM:
            return self.stale(lang)
        if arg == "summary":
            if filling.missing_fields(ticket, self.ctx.form):
                return self.stale(lang)
            await filling.set_cursor(uow, ticket, filling.SUMMARY)
        else:
            previous = filling.previous_cursor(ticket, self.ctx.form)
            if previous is None:
                return Outcome(toast=self.t(lang, "button.stale"))
            await filling.set_cursor(uow, ticket, previous)
        return self.show_step(Outcome(), ticket, lang)

    # What the applicant sees next

    def show_step(self, outcome: Outcome, ticket: Ticket, lang: str) -> Outcome:
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
        return outcome.say(*self._question(ticket, field, lang))

    def _question(self, ticket: Ticket, field: Field, lang: str) -> tuple[str, Keyboard]:
        category = ticket.category or ""
        fields = self.ctx.form.for_category(category)
        position = [f.name for f in fields].index(field.name) + 1
        policy = self.ctx.settings.categories.get(category)
        max_number = (
            policy.max_days
            if field.max == "category" and policy
            else (field.max if isinstance(field.max, int) else None)
        )
        options = keyboards.field_options(
            self.ctx.texts, lang, ticket.id, field, self.ctx.settings.host_units, max_number
        )
        if field.type == "file" and not field.required(category):
            options.append(keyboards.skip(self.ctx.texts, lang, ticket.id, field.name))
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
        return text, buttons
