"""Settings from the environment or a `.env` file; the names are public interface (DESIGN.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

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
    # Retention (the daily retention job, bot/retention.py): processed event keys older than
    # this many days are forgotten (a platform retries within minutes); health snapshots
    # older than this many days are deleted, each account keeping its newest older one.
    # 0 keeps them forever.
    # Threads doing the work after a Slack ack, and how many requests may be held (running
    # and waiting) before a new one is answered "busy, try again" at once.
    KAMBOT_WORKERS: int = Field(default=2, ge=1, le=64)
    KAMBOT_WORK_QUEUE: int = Field(default=64, ge=1)
    KAMBOT_EVENT_RETENTION_DAYS: int = Field(default=30, ge=0)
    KAMBOT_SNAPSHOT_RETENTION_DAYS: int = Field(default=730, ge=0)

    PORT: int = 3000

    @field_validator("KAMBOT_ADMINS", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
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
