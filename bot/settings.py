"""Settings from the environment or a `.env` file; the names are public interface (DESIGN.md)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


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

    @property
    def llm_enabled(self) -> bool:
        return self.OPENAI_API_KEY is not None or bool(self.OPENAI_BASE_URL)

    def is_admin(self, platform: str, user_id: str) -> bool:
        """An admin entry is a bare user id or `platform:user_id`."""
        return user_id in self.KAMBOT_ADMINS or f"{platform}:{user_id}" in self.KAMBOT_ADMINS
