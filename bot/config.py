"""Settings from the environment and `.env` (prefix HOTSPOT_), checked at start-up."""

from __future__ import annotations

import json
import re
from datetime import date, time
from email.utils import parseaddr
from pathlib import Path
from typing import Annotated, Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

CATEGORY_CODES = ("dosen", "mahasiswa", "tendik", "tamu", "mitra", "peserta", "lainnya")
SELF_SERVICE_CATEGORIES = frozenset({"dosen", "mahasiswa", "tendik"})


# A RouterOS interval as `limit-uptime` takes it: 8h, 1d12h, 2w, 01:30:00.
ROUTER_INTERVAL = re.compile(r"^(?=.)(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?$|^(\d+d)?\d+:\d\d:\d\d$")


class CategoryPolicy(BaseModel):
    profile: str = "default"
    max_days: int = Field(default=7, ge=1, le=366)
    # Provisioning and delivery: the hotspot server (None: ROUTER_HOTSPOT_SERVER) and an
    # optional total online time for the whole stay (None: unlimited).
    server: str | None = None
    limit_uptime: str | None = None

    @field_validator("limit_uptime")
    @classmethod
    def _router_interval(cls, value: str | None) -> str | None:
        if value is not None and not ROUTER_INTERVAL.match(value):
            raise ValueError("must be a RouterOS interval such as 8h, 1d12h or 01:30:00")
        return value


def _default_categories() -> dict[str, CategoryPolicy]:
    return {
        "tamu": CategoryPolicy(profile="tamu", max_days=7),
        "mitra": CategoryPolicy(profile="mitra", max_days=30),
        "peserta": CategoryPolicy(profile="peserta", max_days=5),
        "lainnya": CategoryPolicy(profile="tamu", max_days=3),
    }


def _id_list(value: Any) -> Any:
    """Accepts "1,2,3", "[1,2,3]" or a list, so ids read naturally in a .env file."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return []
        if text.startswith("["):
            return json.loads(text)
        return [part.strip() for part in text.split(",") if part.strip()]
    return value


def _text_list(value: Any) -> Any:
    """Accepts "a; b; c" (texts may hold commas), "[...]" JSON or a list."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            return json.loads(text)
        return [part.strip() for part in text.split(";") if part.strip()]
    return value


IdList = Annotated[list[int], NoDecode]


class ConfigError(Exception):
    """One clear line naming the setting that stops start-up."""


class StartupError(Exception):
    """A part the settings name cannot be reached at start (the database); one line."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="HOTSPOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        env_nested_delimiter="__",
        # An empty line in .env means "not set", as in .env.example.
        env_ignore_empty=True,
        extra="ignore",
    )

    # Telegram
    telegram_token: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_base_file_url: str = "https://api.telegram.org/file/bot"
    admin_ids: IdList = Field(default_factory=list)
    head_ids: IdList = Field(default_factory=list)
    admin_chat_id: int | None = None
    # How long start-up keeps trying to reach Telegram (a network blip) before it gives up.
    telegram_start_retry_seconds: float = Field(default=300.0, ge=0, le=3600)

    # Database
    database_url: str = "sqlite+aiosqlite:///./var/hotspot-desk.db"
    # SQLite: how long one statement waits for another program's write lock (a backup).
    database_busy_seconds: float = Field(default=5.0, gt=0, le=60)
    # How long an update is tried again while the database is locked or unreachable.
    database_retry_seconds: float = Field(default=30.0, ge=0, le=600)

    # Router (MikroTik RouterOS API)
    router_host: str = "127.0.0.1"
    # None: 8728, or 8729 with ROUTER_TLS.
    router_port: int | None = Field(default=None, ge=1, le=65535)
    router_user: str = "admin"
    router_password: SecretStr = SecretStr("")
    router_tls: bool = False
    router_tls_verify: bool = True
    router_ca_file: str | None = None
    router_timeout: float = Field(default=10.0, gt=0)
    router_hotspot_server: str = "all"

    # Email
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_sender: str = "Hotspot PTIPD <hotspot@uin-malang.ac.id>"
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    smtp_ca_file: str | None = None

    # Logs: our loggers' level (the libraries stay at WARNING) and text or JSON lines.
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"

    # Time
    timezone: str = "Asia/Jakarta"
    digest_time: time = time(7, 0)

    # The service
    activation_url: str = "https://simak.uin-malang.ac.id"
    activation_text_id: str = (
        "Masuk ke aplikasi kampus dengan akun SIMAK Anda, buka menu Layanan → Hotspot, "
        "lalu tekan Aktifkan. Akun hotspot memakai NIP/NIM dan kata sandi SIMAK Anda."
    )
    activation_text_en: str = (
        "Sign in to the campus app with your SIMAK account, open Services → Hotspot and tap "
        "Activate. The hotspot account uses your staff/student number and SIMAK password."
    )
    categories: dict[str, CategoryPolicy] = Field(default_factory=_default_categories)
    form_file: Path | None = None
    host_units: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: [
            "Rektorat",
            "PTIPD",
            "Fakultas Sains dan Teknologi",
            "Fakultas Ekonomi",
            "Fakultas Syariah",
            "Fakultas Humaniora",
            "Fakultas Psikologi",
            "Fakultas Ilmu Tarbiyah dan Keguruan",
            "Fakultas Kedokteran dan Ilmu Kesehatan",
            "Pascasarjana",
            "Perpustakaan",
        ]
    )

    # Applicant dialog
    flood_messages_per_minute: int = Field(default=20, ge=1)
    form_reminder_minutes: float = Field(default=30, gt=0)
    form_expiry_hours: float = Field(default=24, gt=0)

    # Workers
    outbox_interval_seconds: float = Field(default=5.0, gt=0)
    outbox_retry_seconds: float = Field(default=5.0, gt=0)
    expiry_interval_minutes: float = Field(default=5.0, gt=0)

    # Provisioning and delivery
    outbox_retry_cap_seconds: float = Field(default=300.0, gt=0)
    outbox_lease_seconds: float = Field(default=60.0, ge=0.5)
    outbox_alert_after_minutes: float = Field(default=30.0, gt=0)
    outbox_give_up_hours: float = Field(default=72.0, gt=0)
    expiry_action: Literal["disable", "remove"] = "disable"
    expiry_notice_hours: float = Field(default=24.0, ge=0)
    password_length: int = Field(default=10, ge=8, le=32)

    # Staff side
    # The SOP has an admin verify each form before the head decides; false: the head decides.
    verification_required: bool = True
    # Office hours: SLA clocks run only inside them (ISO weekdays, 1 = Monday).
    office_hours_start: time = time(7, 30)
    office_hours_end: time = time(16, 0)
    office_days: Annotated[list[int], NoDecode] = Field(default_factory=lambda: [1, 2, 3, 4, 5])
    holidays: Annotated[list[date], NoDecode] = Field(default_factory=list)
    # The SOP's standard times in office minutes; reminders at this share of a standard.
    sla_answer_minutes: int = Field(default=5, ge=1)
    sla_triage_minutes: int = Field(default=5, ge=1)
    sla_decide_minutes: int = Field(default=30, ge=1)
    sla_create_minutes: int = Field(default=30, ge=1)
    sla_reminder_percent: int = Field(default=80, ge=1, le=99)
    # Ready-made rejection reasons offered as buttons (the head may always type another).
    reject_reasons: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: [
            "Surat pengantar/surat tugas belum dilampirkan atau tidak sesuai.",
            "Data identitas tidak lengkap atau tidak sesuai.",
            "Keperluan dapat dilayani jaringan tamu tanpa akun hotspot.",
        ]
    )

    @field_validator("log_level", "log_format", mode="before")
    @classmethod
    def _any_case(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str):
            value = value.strip()
            return value.upper() if info.field_name == "log_level" else value.lower()
        return value

    @field_validator("admin_ids", "head_ids", mode="before")
    @classmethod
    def _parse_ids(cls, value: Any) -> Any:
        return _id_list(value)

    @field_validator("host_units", "reject_reasons", mode="before")
    @classmethod
    def _parse_texts(cls, value: Any) -> Any:
        return _text_list(value)

    @field_validator("office_days", mode="before")
    @classmethod
    def _parse_days(cls, value: Any) -> Any:
        """ "1-5", "1,2,3,4,6" or a list."""
        if isinstance(value, str):
            text = value.strip()
            if re.fullmatch(r"\d-\d", text):
                low, high = int(text[0]), int(text[2])
                return list(range(low, high + 1))
            return _id_list(text)
        return value

    @field_validator("office_days")
    @classmethod
    def _weekdays(cls, value: list[int]) -> list[int]:
        if not value or not set(value) <= set(range(1, 8)):
            raise ValueError("must be weekday numbers from 1 (Monday) to 7 (Sunday)")
        return sorted(set(value))

    @field_validator("office_hours_end")
    @classmethod
    def _closes_after_opening(cls, value: time, info: ValidationInfo) -> time:
        opens = info.data.get("office_hours_start")
        if opens is not None and value <= opens:
            raise ValueError("must be later than HOTSPOT_OFFICE_HOURS_START")
        return value

    @field_validator("holidays", mode="before")
    @classmethod
    def _parse_holidays(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in re.split(r"[,;\s]+", value) if part.strip()]
        return value

    @field_validator("reject_reasons")
    @classmethod
    def _reasons_fit(cls, value: list[str]) -> list[str]:
        if len(value) > 8:
            raise ValueError("at most 8 reasons (they are buttons)")
        for reason in value:
            if not 3 <= len(reason) <= 500:
                raise ValueError(f"each reason must be 3 to 500 characters: {reason[:40]!r}")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @field_validator("categories", mode="before")
    @classmethod
    def _merge_categories(cls, value: Any) -> Any:
        """Overrides one attribute of one category without restating the rest."""
        if isinstance(value, str):
            value = json.loads(value)
        if not isinstance(value, dict):
            return value
        form_categories = set(CATEGORY_CODES) - SELF_SERVICE_CATEGORIES
        unknown = set(value) - form_categories
        if unknown:
            raise ValueError(f"unknown categories {sorted(unknown)}")
        merged: dict[str, Any] = {
            code: policy.model_dump() for code, policy in _default_categories().items()
        }
        for code, override in value.items():
            if isinstance(override, CategoryPolicy):
                override = override.model_dump()
            merged[code] = {**merged[code], **override}
        return merged

    @field_validator("smtp_sender")
    @classmethod
    def _sender_has_address(cls, value: str) -> str:
        if not re.search(r"[^@\s<]+@[^@\s>]+", value):
            raise ValueError("must contain an email address")
        if not parseaddr(value)[1].rpartition("@")[0].isascii():
            # Every email would need SMTPUTF8 at every relay; the domain may be
            # international (it is sent in its ASCII form), the local part may not.
            raise ValueError("the part before @ must be ASCII")
        return value

    @field_validator("admin_ids", "head_ids")
    @classmethod
    def _people_not_groups(cls, value: list[int]) -> list[int]:
        # Telegram group and channel ids are negative; staff act as people, in private chats.
        if any(person <= 0 for person in value):
            raise ValueError("must be Telegram user ids (positive); a group goes in ADMIN_CHAT_ID")
        return value

    @field_validator("router_ca_file", "smtp_ca_file")
    @classmethod
    def _file_exists(cls, value: str | None) -> str | None:
        if value is not None and not Path(value).is_file():
            raise ValueError(f"no such file: {value}")
        return value

    @field_validator("activation_url")
    @classmethod
    def _button_url(cls, value: str) -> str:
        # Telegram refuses a URL button that is not http(s) (or tg://), failing the reply.
        if not re.match(r"^(https?|tg)://\S+$", value):
            raise ValueError("must be an http:// or https:// address (it is a button)")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_reachable_path(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError as error:
            raise ValueError("not a database URL") from error
        if url.drivername not in ("sqlite+aiosqlite", "postgresql+asyncpg"):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        if url.drivername.startswith("sqlite") and url.database not in (None, "", ":memory:"):
            folder = Path(url.database).parent
            # One missing level is made (./var by default); more is likely a typo, or three
            # slashes (relative) meant as four (absolute).
            if not folder.is_dir() and not folder.parent.is_dir():
                raise ValueError(
                    f"the directory {folder} does not exist (three slashes: relative to the "
                    "working directory; four: an absolute path)"
                )
        return value

    @model_validator(mode="after")
    def _intervals_fit_together(self) -> Settings:
        if self.outbox_retry_cap_seconds < self.outbox_retry_seconds:
            raise ValueError(
                "HOTSPOT_OUTBOX_RETRY_CAP_SECONDS is below HOTSPOT_OUTBOX_RETRY_SECONDS"
            )
        if self.form_reminder_minutes >= self.form_expiry_hours * 60:
            raise ValueError(
                "HOTSPOT_FORM_REMINDER_MINUTES comes after HOTSPOT_FORM_EXPIRY_HOURS: the "
                "reminder would never be sent"
            )
        if self.outbox_give_up_hours * 60 < self.outbox_alert_after_minutes:
            raise ValueError(
                "HOTSPOT_OUTBOX_GIVE_UP_HOURS is before HOTSPOT_OUTBOX_ALERT_AFTER_MINUTES"
            )
        if (self.smtp_user is None) != (self.smtp_password is None):
            raise ValueError(
                "HOTSPOT_SMTP_USER and HOTSPOT_SMTP_PASSWORD go together: set both (SMTP "
                "AUTH) or neither"
            )
        return self

    @classmethod
    def secret_names(cls) -> frozenset[str]:
        """The environment names of the secret settings (every `SecretStr` field), in upper
        case: what must never be printed, and what a cut-short `.env` value stops."""
        prefix = cls.model_config.get("env_prefix", "")
        return frozenset(
            f"{prefix}{name}".upper()
            for name, field in cls.model_fields.items()
            if SecretStr in (field.annotation, *get_args(field.annotation))
        )

    def secret_values(self) -> list[str]:
        """The secrets' values that are set, for the log redaction."""
        values = (getattr(self, name) for name in type(self).model_fields)
        return [
            value.get_secret_value()
            for value in values
            if isinstance(value, SecretStr) and value.get_secret_value()
        ]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def require_production(self) -> None:
        """What `run` needs beyond the embedded defaults."""
        if self.telegram_token is None or not self.telegram_token.get_secret_value().strip():
            raise ConfigError(
                "HOTSPOT_TELEGRAM_TOKEN is missing: set the bot token from @BotFather"
            )
        if not self.admin_ids:
            raise ConfigError("HOTSPOT_ADMIN_IDS is empty: name at least one admin's Telegram id")
        if not self.head_ids:
            raise ConfigError("HOTSPOT_HEAD_IDS is empty: name at least one head's Telegram id")


def describe(error: ValidationError) -> str:
    """The first problem, as one line naming the environment variable."""
    first = error.errors()[0]
    location = "__".join(str(part) for part in first["loc"]).upper()
    if not location:  # a check across settings names them in its message
        return str(first["msg"]).removeprefix("Value error, ")
    return f"HOTSPOT_{location}: {first['msg']}"


def load_settings(**overrides: Any) -> Settings:
    try:
        return Settings(**overrides)
    except ValidationError as error:
        raise ConfigError(f"invalid setting {describe(error)}") from None
