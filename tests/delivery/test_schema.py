"""Migration 0004 goes down and up again, keeping the chain."""

from __future__ import annotations

import sqlite3

from alembic import command

from db.migrate import alembic_config, upgrade_sync


def _columns(path: str, table: str) -> set[str]:
    with sqlite3.connect(path) as connection:
        return {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}


def test_0004_downgrades_and_upgrades(sqlite_url: str) -> None:
    path = sqlite_url.removeprefix("sqlite+aiosqlite:///")
    assert {"devices", "delivery_round"} <= _columns(path, "hotspot_accounts")
    command.downgrade(alembic_config(sqlite_url), "0003")
    assert "devices" not in _columns(path, "hotspot_accounts")
    assert "alerted_at" not in _columns(path, "outbox_jobs")
    assert _columns(path, "outbox_attempts") == set()
    upgrade_sync(sqlite_url)
    assert "alerted_at" in _columns(path, "outbox_jobs")
    assert "extends_ticket_id" in _columns(path, "ticket_extensions")
