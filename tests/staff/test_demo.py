"""`make demo` ends with the daily digest as an admin receives it."""

from __future__ import annotations

from pathlib import Path

from bot.demo.play import run_demo


async def test_the_demo_ends_with_the_admins_digest(tmp_path: Path) -> None:
    lines: list[str] = []
    assert await run_demo(tmp_path / "demo", lines.append) == 0
    text = "\n".join(lines)
    last = text.rindex("━━ 4. The next morning")
    ending = text[last:]
    assert "🤖 to Admin helpdesk:" in ending and "Kepala PTIPD" not in ending.split("\n")[1]
    assert "Ringkasan harian Hotspot PTIPD" in ending
    assert "Waktu layanan per langkah SOP" in ending and "Verif.+keputusan" in ending
    assert "⏰ Pengingat" in text[:last]  # the Head was reminded before rejecting
