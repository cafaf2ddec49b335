"""`hotspot-desk`: migrate, run, demo."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence

from bot.channels.redact import install as install_logging
from bot.config import ConfigError, Settings, load_settings
from handlers.form.definition import FormDefinitionError

log = logging.getLogger("hotspot_desk")


def _secrets(settings: Settings) -> list[str]:
    values = [settings.router_password.get_secret_value()]
    if settings.telegram_token:
        values.append(settings.telegram_token.get_secret_value())
    if settings.smtp_password:
        values.append(settings.smtp_password.get_secret_value())
    return values


async def _run(settings: Settings) -> None:
    from bot.runtime import Runtime

    runtime = Runtime(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await runtime.start()
    log.info("Hotspot Desk is running; admins %s, heads %s", settings.admin_ids, settings.head_ids)
    try:
        await stop.wait()
    finally:
        await runtime.stop()


def cmd_migrate(settings: Settings) -> int:
    from db.migrate import upgrade_sync

    upgrade_sync(settings.database_url)
    print("database is at the latest schema")
    return 0


def cmd_run(settings: Settings) -> int:
    settings.require_production()
    asyncio.run(_run(settings))
    return 0


def cmd_demo() -> int:
    from bot.demo.play import run_demo

    return asyncio.run(run_demo())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="hotspot-desk",
        description="PTIPD UIN Malang hotspot account helpdesk bot",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply database migrations")
    commands.add_parser("run", help="run the bot with the configured Telegram, router and SMTP")
    commands.add_parser("demo", help="play the whole SOP on local stand-ins (files in ./var/demo)")
    args = parser.parse_args(argv)

    try:
        settings = load_settings()
        secrets = _secrets(settings)
        install_logging(secrets, logging.WARNING if args.command == "demo" else logging.INFO)
        if args.command == "migrate":
            return cmd_migrate(settings)
        if args.command == "run":
            return cmd_run(settings)
        return cmd_demo()
    except (ConfigError, FormDefinitionError) as error:
        print(f"hotspot-desk: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
