"""Who holds an outbox lease: the identity of a worker process, and whether it still lives.

A lease alone cannot tell a slow worker from a dead one, so after a crash the restarted
bot would wait out the whole lease (`OUTBOX_LEASE_SECONDS`) before taking the job again.
Each worker process therefore records who it is (host, pid, process start, a random id)
and beats a heartbeat row. A holder on this host is dead as soon as its pid is gone or now
belongs to another process (the start token differs: pids are reused, in a container the
restarted bot often gets the very same pid); a holder anywhere is dead once its heartbeat
is older than a few beats. A living holder's lease is always respected.
"""

from __future__ import annotations

import functools
import os
import secrets
import socket
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from db.models import OutboxWorkerRow

# A holder is dead after this many missed beats: one late beat (a busy database, a pause)
# must not hand its running job to another process.
MISSED_BEATS = 3


@dataclass(frozen=True)
class WorkerIdentity:
    """This process as a lease holder. `id` is 32 hex characters, new at every start."""

    id: str
    host: str
    pid: int
    process_start: str | None

    @classmethod
    def of_this_process(cls) -> WorkerIdentity:
        pid = os.getpid()
        start = process_start(pid) or _first_call_token()
        return cls(secrets.token_hex(16), socket.gethostname()[:255], pid, start)


@functools.cache
def _first_call_token() -> str:
    """Where /proc does not tell a process's start, a token made once per process stands in
    for it: the workers of one process share it, a predecessor with the same pid had another."""
    return f"wall:{time.time_ns()}"


def process_start(pid: int) -> str | None:
    """`<boot id>:<start tick>` of a process on this host, or None where /proc does not tell.

    The start tick is field 22 of /proc/<pid>/stat (clock ticks since boot, proc(5)); with
    the boot id it names one process for the life of the host, so a reused pid differs.
    """
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text("ascii").strip()
        stat = Path(f"/proc/{pid}/stat").read_text("ascii", "replace")
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces: split after it.
    fields = stat.rpartition(")")[2].split()
    if len(fields) < 20:
        return None
    return f"{boot}:{fields[19]}"[:64]


def _pid_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: it exists
    return True


def is_dead(holder: OutboxWorkerRow, me: WorkerIdentity, now: datetime, beat: timedelta) -> bool:
    """Whether `holder` (a heartbeat row) can no longer run the jobs it leased.

    Never true for `me`. On this host, a pid that is gone or started anew says so at once;
    on any host, a heartbeat older than `MISSED_BEATS` beats says so.
    """
    if holder.id == me.id:
        return False
    if now - holder.beat_at > beat * MISSED_BEATS:
        return True
    if holder.host != me.host:
        return False
    if holder.pid == me.pid:
        # Our pid: either another worker of this very process (same start) or a
        # predecessor whose pid we were given.
        return holder.process_start != me.process_start
    if not _pid_running(holder.pid):
        return True
    start = process_start(holder.pid)
    return holder.process_start is not None and start is not None and start != holder.process_start
