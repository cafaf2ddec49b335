"""Throughput and memory of the dialog, printed as figures (`make bench`).

Many applicants fill the whole form at once through `Desk.handle`, the path every Telegram
update takes after python-telegram-bot has parsed it. DESIGN.md asks for ten times
Telegram's own cap of about 30 messages a second per bot on two cores.
"""

from __future__ import annotations

import asyncio
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

from bot.clock import ManualClock
from bot.config import Settings
from bot.dialog.desk import Desk
from bot.dialog.events import Inbound, Kind, Person
from bot.runtime import desk_context
from db.migrate import upgrade
from db.uow import Database

ANSWERS = [
    "Siti Aminah",
    "3507123456780001",
    "Universitas Brawijaya",
    "siti@example.org",
    "081234567890",
    "Narasumber seminar nasional",
    "PTIPD",
    "7/12/2026",
    "3",
    "1",
]


async def applicant(desk: Desk, user_id: int, latencies: list[float]) -> None:
    person = Person(user_id, f"Pemohon {user_id}")

    async def send(event: Inbound) -> list[str]:
        started = time.perf_counter()
        outcome = await desk.handle(event)
        latencies.append(time.perf_counter() - started)
        return [b.data for r in outcome.replies for row in r.buttons for b in row if b.data]

    await send(Inbound(person, user_id, Kind.COMMAND, text="/start", command="start"))
    buttons = await send(Inbound(person, user_id, Kind.COMMAND, text="/start", command="start"))
    tamu = next((b for b in buttons if b.endswith(":tamu")), None)
    if tamu is None:  # the first /start opened the ticket; the second offers to continue
        buttons = await send(Inbound(person, user_id, Kind.BUTTON, data=buttons[0]))
        tamu = next(b for b in buttons if b.endswith(":tamu"))
    buttons = await send(Inbound(person, user_id, Kind.BUTTON, data=tamu))
    for answer in ANSWERS:
        buttons = await send(Inbound(person, user_id, Kind.TEXT, text=answer))
    skip = next(b for b in buttons if b.startswith("sk:"))
    buttons = await send(Inbound(person, user_id, Kind.BUTTON, data=skip))
    submit = next(b for b in buttons if b.startswith("s:"))
    await send(Inbound(person, user_id, Kind.BUTTON, data=submit))


async def run(url: str, applicants: int, label: str, first_user: int = 10_000) -> float:
    await upgrade(url)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=url,
        admin_ids=[1],
        head_ids=[2],
        flood_messages_per_minute=10_000,
    )
    database = Database(url)
    clock = ManualClock(datetime(2026, 12, 7, 2, 0, tzinfo=UTC))
    desk = Desk(desk_context(settings, database, clock))
    latencies: list[float] = []
    if os.environ.get("BENCH_TRACEMALLOC"):
        tracemalloc.start()
    started = time.perf_counter()
    await asyncio.gather(*(applicant(desk, first_user + i, latencies) for i in range(applicants)))
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    await database.dispose()
    ordered = sorted(latencies)
    p95 = ordered[int(len(ordered) * 0.95)]
    print(
        f"{label:10} {applicants} applicants at once, {len(latencies)} events in {elapsed:.2f} s: "
        f"{len(latencies) / elapsed:.0f} events/s; latency median "
        f"{statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"
        + (f"; Python heap peak {peak / 2**20:.1f} MiB" if peak else "")
    )
    return len(latencies) / elapsed


def _replica(url: str, applicants: int, index: int) -> float:
    return asyncio.run(run(url, applicants, f"replica {index}", 100_000 * (index + 1)))


def replicas(url: str, applicants: int, count: int) -> None:
    """Several processes on one PostgreSQL, as replicas behind a load balancer would be."""
    from concurrent.futures import ProcessPoolExecutor

    asyncio.run(upgrade(url))
    with ProcessPoolExecutor(count) as pool:
        rates = list(pool.map(_replica, [url] * count, [applicants] * count, range(count)))
    print(f"PostgreSQL, {count} processes together: {sum(rates):.0f} events/s")


async def main() -> None:
    applicants = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with tempfile.TemporaryDirectory() as folder:
        await run(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}", applicants, "SQLite")
    pg = os.environ.get("HOTSPOT_BENCH_PG_URL")
    if pg:
        await run(pg, applicants, "PostgreSQL")
        await asyncio.to_thread(replicas, pg, applicants, os.cpu_count() or 2)
    else:
        print("PostgreSQL: set HOTSPOT_BENCH_PG_URL to an empty database to measure it too")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS {rss:.0f} MiB, on a machine with {os.cpu_count()} cores")


if __name__ == "__main__":
    asyncio.run(main())
