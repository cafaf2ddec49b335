"""/perpanjang, /cabut and /kirimulang: admins only, arguments checked, the router follows."""

from __future__ import annotations

import pytest

from bot.demo.stage import ADMIN_ID, HEAD_ID, LocalStage
from bot.dialog.events import Inbound, Kind, Person
from tests.delivery.conftest import GUEST
from tests.delivery.support import (
    Request,
    account_of,
    approved,
    emails_of,
    run,
    submitted,
    ticket_of,
    users_of,
)

MAC = "AA:BB:CC:DD:EE:01"


async def _delivered(stage: LocalStage) -> Request:
    request = await approved(stage.runtime.ctx, GUEST)
    await run(stage)
    assert (await ticket_of(stage, request.ticket_id)).status == "closed"
    return request


async def _admin(stage: LocalStage, text: str, user_id: int = ADMIN_ID) -> str:
    """Everything the bot wrote to `user_id` after `text` (cards may arrive meanwhile)."""
    seen = len(stage.emulator.messages_to(user_id))
    await stage.say(user_id, text)
    return "\n".join(m.plain for m in stage.emulator.messages_to(user_id)[seen:])


@pytest.mark.parametrize(
    "text",
    [
        "/perpanjang",
        "/perpanjang HS-2026-000001",
        "/perpanjang HS-2026-000001 tujuh",
        "/perpanjang HS-2026-000001 0",
        "/perpanjang HS-2026-000001 400",
        "/extend 7 HS-2026-000001",
        "/cabut",
        "/revoke HS-26-1",
        "/cabut HS-2026-000001 sekarang",
        "/kirimulang",
        "/resend semua",
    ],
)
async def test_a_wrong_argument_gets_the_usage(stage: LocalStage, text: str) -> None:
    assert "Cara pakai" in await _admin(stage, text)


async def test_only_admins_may(stage: LocalStage) -> None:
    request = await _delivered(stage)
    for user_id in (HEAD_ID, GUEST):
        reply = await _admin(stage, f"/cabut {request.number}", user_id)
        assert "hanya untuk petugas" in reply
    assert (await account_of(stage, request.ticket_id)).status == "active"


async def test_an_unknown_ticket_or_one_without_an_account(stage: LocalStage) -> None:
    assert "Tidak ada tiket HS-2026-009999" in await _admin(stage, "/cabut hs-2026-009999")
    request = await submitted(stage.runtime.ctx, GUEST)  # not approved, so no account
    assert "belum memiliki akun" in await _admin(stage, f"/perpanjang {request.number} 3")


async def test_revoke_stops_the_account_and_logs_it_out(stage: LocalStage) -> None:
    request = await _delivered(stage)
    username = (await account_of(stage, request.ticket_id)).username
    stage.router.add_active_session(username, "10.5.50.10", MAC)
    stage.router.add_cookie(username, MAC)
    assert "dihentikan" in await _admin(stage, f"/cabut {request.number}")
    await run(stage)
    [user] = users_of(stage, request.number)
    assert user["disabled"] == "true"
    assert stage.router.active_sessions == [] and stage.router.cookies == []
    assert "dihentikan oleh admin" in stage.emulator.messages_to(GUEST)[-1].plain
    assert (await account_of(stage, request.ticket_id)).status == "revoked"
    assert "sudah dihentikan" in await _admin(stage, f"/revoke {request.number}")
    assert "tidak dapat diperpanjang" in await _admin(stage, f"/extend {request.number} 3")
    # An old expiry notice's button cannot bring a stopped account back either.
    press = Inbound(Person(GUEST, "Siti"), GUEST, Kind.BUTTON, data=f"xt:{request.ticket_id}")
    outcome = await stage.runtime.handle(press)
    assert outcome.toast and "tidak memiliki akun" in outcome.toast


async def test_extend_moves_the_end_and_tells_the_applicant(stage: LocalStage) -> None:
    request = await _delivered(stage)
    before = (await account_of(stage, request.ticket_id)).valid_until
    reply = await _admin(stage, f"/perpanjang {request.number} 4")
    assert "berlaku sampai" in reply
    await run(stage)
    after = (await account_of(stage, request.ticket_id)).valid_until
    assert (after - before).days == 4
    [user] = users_of(stage, request.number)
    assert after.isoformat() in user["comment"]
    assert "diperpanjang" in stage.emulator.messages_to(GUEST)[-1].plain


async def test_resend_sets_a_new_password_then_sends_it_by_email_and_chat(
    stage: LocalStage,
) -> None:
    request = await _delivered(stage)
    old_password = users_of(stage, request.number)[0]["password"]
    assert "kata sandi baru" in await _admin(stage, f"/kirimulang {request.number}")
    await run(stage)
    new_password = users_of(stage, request.number)[0]["password"]
    assert new_password != old_password
    assert len(emails_of(stage, request.ticket_id)) == 2
    body = stage.mail.messages[-1].message.get_body(("plain",))
    assert body is not None and new_password in body.get_content()
    assert "Kata sandi baru dibuat" in body.get_content()
    notice = stage.emulator.messages_to(GUEST)[-1].plain
    assert new_password in notice and old_password not in notice
    account = await account_of(stage, request.ticket_id)
    assert account.password is None and account.delivery_round == 1
