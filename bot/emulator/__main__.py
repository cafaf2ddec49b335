"""Run the emulator on its own: ``python -m bot.emulator --port 8081``.

For a bot in another process (or a test that kills the bot): point the bot's base URL at
the printed address and drive users through the ``/_emulator/`` control endpoints.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from bot.emulator.emulator import DEFAULT_TOKEN, BotApiEmulator


async def _serve(args: argparse.Namespace) -> None:
    emulator = BotApiEmulator(
        token=args.token, host=args.host, port=args.port, bot_username=args.username
    )
    await emulator.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        # Event loops without Unix signals (Windows) raise here; Ctrl+C still stops the run.
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    # One line a supervisor can parse; the token stays out of it.
    print(f"bot-api-emulator listening on {emulator.root_url}", flush=True)
    try:
        await stop.wait()
    finally:
        await emulator.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--username", default="hotspot_desk_bot")
    asyncio.run(_serve(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
