"""Report pieces shared by the daily digest, /antrian and /statistik: counts by category and
outcome, what waits, and the SOP table of service times."""

from __future__ import annotations

import html
from datetime import timedelta

from babel.numbers import format_decimal

from bot.dialog import render
from bot.dialog.context import DeskContext
from bot.texts.catalog import Markup
from handlers import reports, sla

# Column widths of the SOP table: it is read on phones, so it stays under 45 characters.
WIDTHS = (2, 16, 4, 3, 3, 5, 5)


def minutes(language: str, value: timedelta | None) -> str:
    if value is None:
        return "–"
    return format_decimal(value.total_seconds() / 60, "0.#", locale=language)


def whole_minutes(value: timedelta | None) -> str:
    return "–" if value is None else str(int(value.total_seconds() // 60))


def created_lines(ctx: DeskContext, language: str, lines: list[reports.CategoryLine]) -> list[str]:
    t = ctx.texts.t
    total = sum(line.total for line in lines)
    out = [t(language, "digest.created_header", total=total)]
    for line in lines:
        outcomes = ", ".join(
            t(language, "digest.outcome_line", outcome=t(language, f"outcome.{name}"), count=n)
            for name, n in line.outcomes.items()
        )
        out.append(
            t(
                language,
                "digest.created_line",
                category=render.category_name(ctx, language, line.category),
                total=line.total,
                outcomes=Markup(outcomes),
            )
        )
    if not lines:
        out.append(t(language, "digest.none"))
    return out


def rest(ctx: DeskContext, language: str, total: int, shown: int) -> list[str]:
    """The end of a list: "none", "and N more", or nothing."""
    if total == 0:
        return [ctx.texts.t(language, "digest.none")]
    if total > shown:
        return [ctx.texts.t(language, "digest.more", count=total - shown)]
    return []


def waiting_lines(
    ctx: DeskContext,
    language: str,
    waiting: list[reports.Waiting],
    with_applicants: int,
    longest: int | None = None,
) -> list[str]:
    t = ctx.texts.t
    out = [t(language, "digest.pending_header", total=len(waiting))]
    shown = waiting if longest is None else waiting[:longest]
    for item in shown:
        clock = ""
        if item.used is not None and item.standard is not None:
            clock = t(
                language,
                "digest.pending_clock",
                used=whole_minutes(item.used),
                standard=whole_minutes(item.standard),
            )
        out.append(
            t(
                language,
                "digest.pending_line",
                number=item.ticket.number,
                applicant=item.ticket.applicant.display_name,
                who=t(language, f"digest.who_{item.waiting_for}"),
                since=ctx.texts.moment(language, item.since, ctx.settings.zone),
                clock=Markup(clock),
            )
        )
    out += rest(ctx, language, len(waiting), len(shown))
    if with_applicants:
        out.append(t(language, "digest.with_applicants", count=with_applicants))
    return out


def _row(cells: tuple[str, ...]) -> str:
    number, name, *figures = cells
    head = f"{number:<{WIDTHS[0]}} {name[: WIDTHS[1]]:<{WIDTHS[1]}}"
    tail = " ".join(f"{cell:>{width}}" for cell, width in zip(figures, WIDTHS[2:], strict=True))
    return html.escape(f"{head} {tail}", quote=False)


def sla_table(ctx: DeskContext, language: str, figures: list[sla.StepFigures]) -> list[str]:
    """The SOP's own table (No, activity, standard time), with the measured columns added."""
    t = ctx.texts.t
    header = tuple(
        t(language, f"digest.table_{name}")
        for name in ("number", "step", "standard", "count", "within", "median", "p90")
    )
    rows = [_row(header)]
    for f in figures:
        rows.append(
            _row(
                (
                    str(f.step.number),
                    t(language, f"step_short.{f.step.key}"),
                    whole_minutes(f.standard),
                    str(f.count),
                    str(f.within) if f.standard is not None else "–",
                    minutes(language, f.median),
                    minutes(language, f.p90),
                )
            )
        )
    table = Markup("<pre>" + "\n".join(rows) + "</pre>")
    return [t(language, "digest.steps_header"), table, t(language, "digest.table_note")]
