"""A local Telegram Bot API emulator that the real python-telegram-bot talks to over HTTP.

Used by ``hotspot-desk demo`` and by the tests, so that the whole product runs without a
token or a network. See ``BotApiEmulator`` for the Python API and ``bot.emulator.control``
for the HTTP control endpoints.
"""

from bot.emulator.client import EmulatorClient
from bot.emulator.emulator import DEFAULT_TOKEN, BotApiEmulator
from bot.emulator.errors import ApiError
from bot.emulator.markup import Button
from bot.emulator.records import (
    CallbackAnswer,
    InboundMessage,
    MessageVersion,
    SentFile,
    SentMessage,
)

__all__ = [
    "DEFAULT_TOKEN",
    "ApiError",
    "BotApiEmulator",
    "Button",
    "CallbackAnswer",
    "EmulatorClient",
    "InboundMessage",
    "MessageVersion",
    "SentFile",
    "SentMessage",
]
