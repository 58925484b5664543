"""Settings from the environment or a `.env` file; the names are public interface (DESIGN.md)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")

if TYPE_CHECKING:
    from commands.health_config import HealthConfig


class Settings(BaseSettings):
    """Every setting kambot reads. Secrets are SecretStr so they never print by accident."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=True)

    DATABASE_URL: str = "sqlite:///kambot.db"

    SLACK_BOT_TOKEN: SecretStr | None = None
    SLACK_SIGNING_SECRET: SecretStr | None = None
    SLACK_APP_TOKEN: SecretStr | None = None
    SLACK_API_URL: str = "https://slack.com/api/"

    TELEGRAM_BOT_TOKEN: SecretStr | None = None
    TELEGRAM_API_URL: str = "https://api.telegram.org/bot"
    TELEGRAM_WEBHOOK_URL: str | None = None
    TELEGRAM_WEBHOOK_SECRET: SecretStr | None = None

    OPENAI_API_KEY: SecretStr | None = None
    OPENAI_BASE_URL: str | None = None
    KAMBOT_LLM_MODEL: str = "gpt-4o-mini"

    KAMBOT_TIMEZONE: str = "UTC"
    KAMBOT_LANGUAGE: str = "en"
    KAMBOT_ADMINS: Annotated[list[str], NoDecode] = Field(default_factory=list)
    KAMBOT_MANAGEMENT_CHANNEL: str | None = None
    # Signs button values and modal metadata (bot/seals.py); made and kept in the database
    # when unset.
    KAMBOT_SECRET_KEY: SecretStr | None = None
    # The commercial spine: amounts, renewal windows, custom playbooks, stalled stages.
    KAMBOT_CURRENCY: str = "CNY"
    KAMBOT_RENEWAL_WINDOWS: Annotated[tuple[int, ...], NoDecode] = (90, 60, 30)
    KAMBOT_PLAYBOOKS_DIR: str | None = None
    KAMBOT_STAGE_STALE_DAYS: int = Field(default=30, ge=1)
    # How long after a change its author can take it back with `undo`.
    KAMBOT_UNDO_MINUTES: int = Field(default=10, ge=1, le=1440)
    # The health scorecard (commands/health_config.py): JSON overrides of its thresholds and
    # weights (it uses KAMBOT_RENEWAL_WINDOWS above, as the renewal rule and playbooks do),
    # and whose public holidays reminders and escalations skip.
    KAMBOT_HEALTH_THRESHOLDS: str | None = None
    KAMBOT_COUNTRY: str | None = None
    # Where people reach kambot's HTTP listener from outside (https://kambot.example.com):
    # the customer page's links (`share link`) start with it.
    KAMBOT_PUBLIC_URL: str | None = None
    # How many days a `share link` lasts when no number is given, and at most.
    KAMBOT_SHARE_DAYS: int = Field(default=30, ge=1, le=365)
    # Retention (the daily retention job, bot/retention.py): processed event keys older than
    # this many days are forgotten (a platform retries within minutes); health snapshots
    # older than this many days are deleted, each account keeping its newest older one.
    # 0 keeps them forever.
    # Threads doing the work after a Slack ack, and how many requests may be held (running
    # and waiting) before a new one waits its turn with an ack saying so (a slash command,
    # answered later through its response_url; up to KAMBOT_WORK_LATER more) or is
    # answered "busy, try again" at once.
    KAMBOT_WORKERS: int = Field(default=2, ge=1, le=64)
    KAMBOT_WORK_QUEUE: int = Field(default=64, ge=1)
    KAMBOT_WORK_LATER: int = Field(default=256, ge=0)
    KAMBOT_EVENT_RETENTION_DAYS: int = Field(default=30, ge=0)
    KAMBOT_SNAPSHOT_RETENTION_DAYS: int = Field(default=730, ge=0)

    PORT: int = Field(default=3000, ge=1, le=65535)
    # Who runs the scheduled work: `embedded` (APScheduler inside `kambot slack|telegram|
    # run`, one process or a leader among replicas) or `procrastinate` (PostgreSQL only:
    # `kambot worker` processes run it as jobs; the serving processes schedule nothing).
    KAMBOT_JOB_ENGINE: Literal["embedded", "procrastinate"] = "embedded"
    # The address every HTTP listener binds (Slack HTTP mode, the Telegram webhook):
    # loopback unless told otherwise, so a bot behind a proxy on the same host is not
    # reachable around it; `0.0.0.0` (or `::`) in a container or behind a remote balancer.
    KAMBOT_HTTP_HOST: str = "127.0.0.1"

    @field_validator("DATABASE_URL")
    @classmethod
    def _database_url(cls, value: str) -> str:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            make_url(value)
        except ArgumentError:
            # The URL may hold a password: never echo it.
            raise ValueError("DATABASE_URL is not a database URL: use e.g. "
                             "sqlite:///kambot.db or postgresql+psycopg://user@host/db") from None
        return value

    @field_validator("KAMBOT_TIMEZONE")
    @classmethod
    def _timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value.strip())
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"KAMBOT_TIMEZONE: unknown time zone {value!r}: use an IANA name "
                             "such as UTC, Asia/Shanghai or Europe/Berlin") from None
        return value.strip()

    @field_validator("TELEGRAM_WEBHOOK_SECRET")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        """Telegram takes 1-256 characters A-Z a-z 0-9 _ - (and refuses setWebhook else)."""
        if value is not None and not _WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of "
                             "A-Z a-z 0-9 _ - (Telegram refuses any other)")
        return value

    @field_validator("KAMBOT_ADMINS", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
        return value

    @field_validator("KAMBOT_HTTP_HOST")
    @classmethod
    def _host(cls, value: str) -> str:
        value = value.strip()
        # A bare address or name: no scheme, path or port (a single colon is host:port;
        # an IPv6 address has several).
        if not value or "/" in value or value.count(":") == 1 or any(c.isspace() for c in value):
            raise ValueError("KAMBOT_HTTP_HOST must be an address or host name to listen on, "
                             "such as 127.0.0.1, 0.0.0.0 or ::")
        return value

    @field_validator("KAMBOT_LANGUAGE")
    @classmethod
    def _known_language(cls, value: str) -> str:
        value = value.strip().lower()
        if value.startswith("zh"):
            return "zh"
        if value.startswith("en"):
            return "en"
        raise ValueError("KAMBOT_LANGUAGE must be 'en' or 'zh'")

    @field_validator("KAMBOT_CURRENCY")
    @classmethod
    def _currency(cls, value: str) -> str:
        value = value.strip().upper()
        if not value or len(value) > 8 or not value.isalpha():
            raise ValueError("KAMBOT_CURRENCY must be a currency code such as CNY, USD or EUR")
        return value

    @field_validator("KAMBOT_RENEWAL_WINDOWS", mode="before")
    @classmethod
    def _windows(cls, value: object) -> object:
        """``90,60,30`` -> (90, 60, 30): days before a renewal, largest first."""
        if isinstance(value, str | list | tuple):
            from commands.health_config import HealthConfigError, parse_windows

            try:
                return parse_windows(value)  # type: ignore[arg-type]
            except HealthConfigError as exc:
                raise ValueError(str(exc)) from None
        return value

    @field_validator("KAMBOT_HEALTH_THRESHOLDS")
    @classmethod
    def _thresholds(cls, value: str | None) -> str | None:
        """Checked at start-up, so a typo stops the start with one line, not every command."""
        if value:
            from commands.health_config import HealthConfigError, parse_config

            try:
                parse_config(value)
            except HealthConfigError as exc:
                raise ValueError(str(exc)) from None
        return value

    @field_validator("KAMBOT_COUNTRY")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        from commands.workdays import normalize_country

        return normalize_country(value)

    def health_config(self) -> HealthConfig:
        """The scorecard's settings, validated (the composition root keeps one)."""
        from commands.health_config import parse_config

        return parse_config(self.KAMBOT_HEALTH_THRESHOLDS, self.KAMBOT_RENEWAL_WINDOWS)

    @property
    def llm_enabled(self) -> bool:
        return self.OPENAI_API_KEY is not None or bool(self.OPENAI_BASE_URL)

    def is_admin(self, platform: str, user_id: str) -> bool:
        """An admin entry is a bare user id or `platform:user_id`."""
        return user_id in self.KAMBOT_ADMINS or f"{platform}:{user_id}" in self.KAMBOT_ADMINS
