"""The checks ``kambot doctor`` runs (bot/doctor.py prints them), one per part.

Each check yields findings; a part that is not configured is one "skip" line saying how to
turn it on. Nothing here prints a token, a key or a database password: errors are named by
their kind or by the service's own error code.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

from bot.doctor import OK, PROBLEM, SKIP, WARN, Check, Finding
from bot.settings import Settings

# What manifest.yml asks for (tests/bot/test_doctor.py keeps the two equal).
SLACK_BOT_SCOPES = ("commands", "chat:write", "files:write", "files:read", "app_mentions:read",
                    "im:history", "users:read", "channels:read", "groups:read")
TIMEOUT = 10.0


def check_database(settings: Settings) -> Iterator[Finding]:
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    from storage.db import current_revision, head_revision, make_engine

    url = make_url(settings.DATABASE_URL)
    shown = url.render_as_string(hide_password=True)
    database = url.database or ""
    if url.get_backend_name() == "sqlite" and database not in ("", ":memory:"):
        from pathlib import Path

        if not Path(database).is_file():  # connecting would create it
            yield Finding(PROBLEM, "db_missing", {"url": shown})
            return
    engine = make_engine(settings.DATABASE_URL)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        current = current_revision(engine)
    except sa.exc.SQLAlchemyError as exc:
        yield Finding(PROBLEM, "db_unreachable", {"url": shown, "error": _db_error(exc)})
        return
    finally:
        engine.dispose()
    head = head_revision(engine)
    if current == head:
        yield Finding(OK, "db_ok", {"url": shown, "revision": current})
    else:
        yield Finding(PROBLEM, "db_behind", {"url": shown, "revision": current or "-",
                                             "head": head})


def _db_error(exc: Exception) -> str:
    """The driver's first line, without the URL (which may carry a password)."""
    orig = getattr(exc, "orig", None) or exc
    first = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    return first[:200]


def check_slack(settings: Settings) -> Iterator[Finding]:
    token = settings.SLACK_BOT_TOKEN
    if token is None:
        if settings.SLACK_APP_TOKEN or settings.SLACK_SIGNING_SECRET:
            yield Finding(PROBLEM, "slack_no_token")
        else:
            yield Finding(SKIP, "slack_off")
        return
    from slack_sdk import WebClient

    base = settings.SLACK_API_URL if settings.SLACK_API_URL.endswith("/") else settings.SLACK_API_URL + "/"
    if not token.get_secret_value().startswith("xoxb-"):
        yield Finding(WARN, "slack_token_kind")
    client = WebClient(token=token.get_secret_value(), base_url=base, timeout=int(TIMEOUT))
    answer, problem = _call_slack(client.auth_test, base, lambda error: "slack_refused")
    if problem is not None:
        yield problem
        return
    assert answer is not None
    yield Finding(OK, "slack_ok", {"user": answer.get("user", "?"), "team": answer.get("team", "?")})
    headers = {k.lower(): v for k, v in (answer.headers or {}).items()}
    granted = headers.get("x-oauth-scopes")
    if isinstance(granted, list):
        granted = ",".join(granted)
    if granted is None:
        yield Finding(WARN, "slack_scopes_unknown")
    else:
        have = {s.strip() for s in granted.split(",") if s.strip()}
        missing = [s for s in SLACK_BOT_SCOPES if s not in have]
        if missing:
            yield Finding(PROBLEM, "slack_scopes_missing", {"scopes": ", ".join(missing)})
        else:
            yield Finding(OK, "slack_scopes_ok", {"count": len(SLACK_BOT_SCOPES)})
    yield from _slack_mode(settings, base)


def _slack_mode(settings: Settings, base: str) -> Iterator[Finding]:
    from slack_sdk import WebClient

    app_token = settings.SLACK_APP_TOKEN
    if app_token is None:
        if settings.SLACK_SIGNING_SECRET is None:
            yield Finding(PROBLEM, "slack_http_no_secret")
        else:
            yield Finding(OK, "slack_http_ok", {"port": settings.PORT})
        return
    if not app_token.get_secret_value().startswith("xapp-"):
        yield Finding(PROBLEM, "slack_app_token_kind")
        return
    # Hands out a websocket URL and opens nothing: proves the token and Socket Mode.
    _, problem = _call_slack(
        lambda: WebClient(base_url=base, timeout=int(TIMEOUT)).apps_connections_open(
            app_token=app_token.get_secret_value()),
        base,
        lambda error: "slack_socket_off" if error == "socket_mode_not_enabled" else "slack_app_refused")
    yield problem or Finding(OK, "slack_socket_ok")


def _call_slack(call: Callable[[], Any], base: str,
                refused: Callable[[str], str]) -> tuple[Any, Finding | None]:
    """Call the Slack Web API once: its answer, or the finding that says why there is none
    (refused, under the key ``refused`` gives for Slack's error, or unreachable)."""
    from slack_sdk.errors import SlackApiError, SlackClientError

    try:
        return call(), None
    except SlackApiError as exc:
        error = exc.response.get("error", "?")
        return None, Finding(PROBLEM, refused(error), {"error": error})
    except (SlackClientError, OSError) as exc:
        return None, Finding(PROBLEM, "slack_unreachable", {"url": base, "error": type(exc).__name__})


def check_telegram(settings: Settings) -> Iterator[Finding]:
    token = settings.TELEGRAM_BOT_TOKEN
    if token is None:
        if settings.TELEGRAM_WEBHOOK_URL or settings.TELEGRAM_WEBHOOK_SECRET:
            yield Finding(PROBLEM, "telegram_no_token")
        else:
            yield Finding(SKIP, "telegram_off")
        return
    base = settings.TELEGRAM_API_URL
    # The token is part of the URL: the URL is never shown, an error only by its status.
    request = urllib.request.Request(f"{base}{token.get_secret_value()}/getMe", method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            answer = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 404):
            yield Finding(PROBLEM, "telegram_refused", {"status": exc.code})
        else:
            yield Finding(PROBLEM, "telegram_unreachable", {"url": base, "error": f"HTTP {exc.code}"})
        return
    except (OSError, ValueError) as exc:
        yield Finding(PROBLEM, "telegram_unreachable", {"url": base, "error": type(exc).__name__})
        return
    me = answer.get("result") or {}
    yield Finding(OK, "telegram_ok", {"username": me.get("username", "?")})
    if settings.TELEGRAM_WEBHOOK_URL:
        if settings.TELEGRAM_WEBHOOK_SECRET is None:
            yield Finding(PROBLEM, "telegram_webhook_no_secret")
        elif not settings.TELEGRAM_WEBHOOK_URL.startswith("https://"):
            yield Finding(WARN, "telegram_webhook_not_https")
        else:
            yield Finding(OK, "telegram_webhook_ok", {"port": settings.PORT})
    else:
        yield Finding(OK, "telegram_polling")


def check_llm(settings: Settings) -> Iterator[Finding]:
    if not settings.llm_enabled:
        yield Finding(SKIP, "llm_off")
        return
    from bot.llm import probe

    where = settings.OPENAI_BASE_URL or "https://api.openai.com/v1"
    outcome, detail = probe(settings, timeout=TIMEOUT)
    values: dict[str, object] = {"url": where, "model": settings.KAMBOT_LLM_MODEL, "detail": detail}
    status = {"ok": OK, "no_list": WARN}.get(outcome, PROBLEM)
    if outcome == "model_missing":
        status = WARN if not detail else PROBLEM
    yield Finding(status, f"llm_{outcome}", values)


def check_admins(settings: Settings) -> Iterator[Finding]:
    if settings.KAMBOT_ADMINS:
        yield Finding(OK, "admins_ok", {"count": len(settings.KAMBOT_ADMINS)})
    else:
        yield Finding(WARN, "admins_none")


def check_management(settings: Settings) -> Iterator[Finding]:
    """Where portfolio digests and red alerts go, on a platform this deployment runs."""
    from bot.health_posts import management_target

    platforms = [name for name, token in (("slack", settings.SLACK_BOT_TOKEN),
                                          ("telegram", settings.TELEGRAM_BOT_TOKEN)) if token]
    target = management_target(settings.KAMBOT_MANAGEMENT_CHANNEL, platforms)
    if target is None:
        yield Finding(WARN, "management_none")
    elif target[0] != "console" and target[0] not in platforms:
        yield Finding(PROBLEM, "management_off", {"platform": target[0], "channel": target[1]})
    else:
        yield Finding(OK, "management_ok", {"platform": target[0], "channel": target[1]})


CHECKS: tuple[Check, ...] = (check_database, check_slack, check_telegram, check_llm,
                             check_admins, check_management)
