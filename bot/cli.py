"""`hotspot-desk`: migrate, run, demo."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.channels.telegram_start import TelegramStartError
from bot.config import ConfigError, Settings, StartupError, load_settings
from bot.env_file import env_file_problems
from bot.logs import install as install_logging
from handlers.form.definition import FormDefinitionError

log = logging.getLogger("hotspot_desk")


async def _run(settings: Settings) -> None:
    from bot.runtime import Runtime

    runtime = Runtime(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await runtime.start()
    except BaseException:
        await runtime.stop()
        raise
    log.info("Hotspot Desk is running; admins %s, heads %s", settings.admin_ids, settings.head_ids)
    try:
        await stop.wait()
        log.info("Hotspot Desk is stopping")
    finally:
        await runtime.stop()
        log.info("Hotspot Desk stopped")


def _check_env_file() -> None:
    """A secret cut short in .env stops start-up; any other setting read differently from
    what was written gets one warning line."""
    problems = env_file_problems(Path(".env"), Settings.secret_names())
    for problem in problems:
        if problem.fatal:
            raise ConfigError(f"invalid setting {problem.line()}")
        log.warning("setting %s", problem.line())


def cmd_migrate(settings: Settings) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.runtime import database_unreachable
    from db.migrate import upgrade_sync

    try:
        upgrade_sync(settings.database_url)
    except (SQLAlchemyError, OSError) as error:
        raise database_unreachable(error) from None
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
        secrets = settings.secret_values()
        level = "WARNING" if args.command == "demo" else settings.log_level
        install_logging(secrets, level, settings.log_format)
        if args.command != "demo":
            _check_env_file()
        if args.command == "migrate":
            return cmd_migrate(settings)
        if args.command == "run":
            return cmd_run(settings)
        return cmd_demo()
    except (ConfigError, FormDefinitionError) as error:
        print(f"hotspot-desk: {error}", file=sys.stderr)
        return 2
    except (StartupError, TelegramStartError) as error:
        print(f"hotspot-desk: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
