"""The SLA rules as configured: office hours, holidays and the standard minutes per SOP step."""

from __future__ import annotations

from datetime import timedelta

from bot.config import Settings
from handlers.office_hours import OfficeHours
from handlers.sla import SlaRules


def office_hours(settings: Settings) -> OfficeHours:
    return OfficeHours(
        zone=settings.zone,
        opens=settings.office_hours_start,
        closes=settings.office_hours_end,
        weekdays=frozenset(settings.office_days),
        holidays=frozenset(settings.holidays),
    )


def sla_rules(settings: Settings) -> SlaRules:
    return SlaRules(
        hours=office_hours(settings),
        standards={
            1: timedelta(minutes=settings.sla_answer_minutes),
            2: timedelta(minutes=settings.sla_triage_minutes),
            4: timedelta(minutes=settings.sla_decide_minutes),
            5: timedelta(minutes=settings.sla_create_minutes),
        },
        reminder_share=settings.sla_reminder_percent / 100,
    )
