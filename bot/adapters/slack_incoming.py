"""Slack payloads to neutral Incomings: pure functions, no network, no bolt.

Each function takes the JSON Slack sent (slash command form, event, block action, view
submission) and returns the :class:`~bot.messages.Incoming` the dispatcher runs. The
idempotency key is chosen so that one human act has one effect however Slack delivers
it: a retried event keeps its ``event_id``; a message that arrives both as ``message`` and
as ``app_mention`` collapses on ``channel + ts``; a slash command on its ``trigger_id``; a
button press on ``action_ts + user``; a modal on its view id; a shared file on ``channel +
file id`` (one note per file and channel, however often Slack tells).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from bot.messages import Incoming, IncomingFile, Platform, User, bounded
from bot.seals import BUTTON, MODAL, peek
from commands.parsing import quote_arg

PLATFORM = Platform.SLACK.value
# <@U123>, <@U123|name> (slash commands with escaping on), <@W123> (Enterprise Grid)
# Every repetition is bounded: on text like "<@U1|<@U1|..." with no ">" an unbounded one
# rescans the rest of the text from each "<@", quadratic.
MENTION = re.compile(r"<@([UW][A-Z0-9]{1,32})(?:\|([^<>]{0,200}))?>")

NameLookup = Callable[[str], User]
SLACKBOT = "USLACKBOT"  # Slackbot's system messages in a person's DM with the app
# Slack's markup in what people type: <#C1|general>, <https://x|label>, <mailto:a@b|a@b>, <!here>
_LINK = re.compile(r"<(#C[A-Z0-9]{1,32}|![a-z^A-Z0-9]{1,100}|(?:https?|mailto|tel):[^|<>]{1,2000})"
                   r"(?:\|([^<>]{0,500}))?>")


def unescape(text: str) -> str:
    """What the person wrote, from Slack's escaped markup (mentions are kept as ``<@U1>``).

    Slack sends ``&amp; &lt; &gt;`` for ``& < >`` and wraps channels and links in angle
    brackets; the record should hold the words, so a note reads the same everywhere.
    """

    def plain(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("#"):
            return f"#{label}" if label else target
        if target.startswith("!"):
            return label if label and label.startswith("@") else "@" + (label or target[1:].split("^")[0])
        if target.startswith("mailto:"):
            return label or target[len("mailto:"):]
        return f"{label} ({target})" if label and label != target else target

    text = _LINK.sub(plain, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def normalize_mentions(text: str, lookup: NameLookup | None = None) -> tuple[str, dict[str, User]]:
    """``<@U1|ann>`` -> ``<@U1>`` in the text, plus the mention map the core resolves.

    ``lookup`` fetches a display name for an id (cached by the caller); without it the
    name Slack put in the token, if any, is used.
    """
    mentions: dict[str, User] = {}

    def replace(match: re.Match[str]) -> str:
        user_id, given = match.group(1), match.group(2) or ""
        token = f"<@{user_id}>"
        if token not in mentions:
            user = lookup(user_id) if lookup else User(id=user_id, name=given, username=given)
            if not user.name and given:
                user = User(id=user_id, name=given, username=user.username or given)
            mentions[token] = user
        return token

    return MENTION.sub(replace, unescape(text)), mentions


def strip_bot_mention(text: str, bot_user_id: str) -> str:
    """The question in ``<@BOT> what's open?``, without the address to the bot."""
    return re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^<>]{{0,200}})?>\s*+[:,，]?", " ", text).strip()


def _user(user_id: str, lookup: NameLookup | None, name: str = "") -> User:
    if lookup is not None:
        return lookup(user_id)
    return User(id=user_id, name=name, username=name)


def from_slash_command(form: Mapping[str, Any], lookup: NameLookup | None = None) -> Incoming:
    """``/kam task "Send quote" owner=<@U2>`` -> Incoming("task \"Send quote\" owner=<@U2>")."""
    text, mentions = normalize_mentions(bounded(str(form.get("text", ""))).strip(), lookup)
    channel = str(form["channel_id"])
    return Incoming(
        platform=PLATFORM,
        workspace=installation(form),
        channel=channel,
        user=_user(str(form["user_id"]), lookup, str(form.get("user_name", ""))),
        text=text or "help",
        key=f"cmd:{form.get('trigger_id') or form.get('command_ts') or ''}",
        mentions=mentions,
        is_direct=channel.startswith("D") or form.get("channel_name") == "directmessage",
        channel_name=str(form.get("channel_name", "")),
    )


def message_key(channel: str, ts: str) -> str:
    """One key for one Slack message, however many events tell about it."""
    return f"msg:{channel}:{ts}"


def from_message_event(
    event: Mapping[str, Any],
    *,
    team_id: str,
    bot_user_id: str,
    lookup: NameLookup | None = None,
) -> Incoming | None:
    """An ``app_mention`` or a direct ``message`` -> a question for ``ask``.

    Returns None for what is not a person talking to the bot: edits, deletions, joins,
    bot posts (the bot's own included), Slackbot's system messages, empty text. A question
    with a file attached (``file_share``) or sent to the channel too (``thread_broadcast``)
    is still a question.
    """
    if event.get("subtype") not in (None, "file_share", "thread_broadcast"):
        return None
    if event.get("bot_id") or not event.get("user"):
        return None
    if event.get("user") in (bot_user_id, SLACKBOT):
        return None
    is_direct = event.get("channel_type") == "im"
    if event.get("type") == "message" and not is_direct:
        return None  # channel chatter is not for the bot; mentions come as app_mention
    raw = strip_bot_mention(bounded(str(event.get("text", ""))), bot_user_id)
    text, mentions = normalize_mentions(raw, lookup)
    if not text:
        return None
    channel = str(event["channel"])
    ts = str(event["ts"])
    return Incoming(
        platform=PLATFORM,
        workspace=team_id or str(event.get("team") or ""),
        channel=channel,
        user=_user(str(event["user"]), lookup),
        text=as_question(text),
        key=message_key(channel, ts),
        # In a channel the answer goes in the thread of the question; in a DM, inline.
        thread=str(event.get("thread_ts") or ("" if is_direct else ts)) or None,
        mentions=mentions,
        is_direct=is_direct,
    )


def from_file_shared(
    event: Mapping[str, Any],
    *,
    team_id: str,
    file: IncomingFile,
    thread: str | None,
    lookup: NameLookup | None = None,
) -> Incoming:
    """A ``file_shared`` event whose file was fetched: the ``transcript`` verb with the file."""
    channel = str(event.get("channel_id", ""))
    file_id = str(event.get("file_id") or (event.get("file") or {}).get("id") or "")
    return Incoming(
        platform=PLATFORM,
        workspace=team_id,
        channel=channel,
        user=_user(str(event.get("user_id", "")), lookup),
        text="transcript",
        key=f"file:{channel}:{file_id}",
        thread=thread,
        is_direct=channel.startswith("D"),
        file=file,
    )


def as_question(text: str) -> str:
    """What someone says to the bot is a question, unless it already says ``ask`` / ``help``.

    The same rule as the console's direct messages, so both platforms feel alike.
    """
    first = text.split(maxsplit=1)[0].lower()
    return text if first in {"ask", "help", "问"} else f"ask {text}"


def installation(payload: Mapping[str, Any]) -> str:
    """The workspace kambot is installed in that a payload comes through: the Enterprise
    Grid org for an org-wide install, else the installation's team; never the acting
    person's own team (a Slack Connect partner's), which is only the last resort.

    Works on slash command forms, Events API wrappers and interactive payloads alike.
    """
    auth = (payload.get("authorizations") or [{}])[0]
    if not isinstance(auth, Mapping):
        auth = {}
    enterprise_install = str(payload.get("is_enterprise_install", auth.get(
        "is_enterprise_install", ""))).lower() == "true"
    enterprise = payload.get("enterprise")
    enterprise_id = (enterprise.get("id") if isinstance(enterprise, Mapping) else enterprise) \
        or payload.get("enterprise_id") or auth.get("enterprise_id")
    if enterprise_install and enterprise_id:
        return str(enterprise_id)
    team = payload.get("team")
    team_id = (team.get("id") if isinstance(team, Mapping) else None) or auth.get("team_id") \
        or payload.get("team_id")
    if team_id:
        return str(team_id)
    user = payload.get("user")
    event = payload.get("event")
    return str((user.get("team_id") if isinstance(user, Mapping) else None)
               or (event.get("team") if isinstance(event, Mapping) else None) or "")


def _workspace(payload: Mapping[str, Any]) -> str:
    return installation(payload)


def from_action(
    payload: Mapping[str, Any],
    action: Mapping[str, Any],
    command: str,
    *,
    channel: str | None = None,
    lookup: NameLookup | None = None,
    via: str = BUTTON,
) -> Incoming:
    """A pressed button. Its value is a seal; ``command`` is what the seal claims, for the
    adapter's own use: the dispatcher opens the seal and runs what is in it."""
    user = payload["user"]
    channel_id = channel or str((payload.get("channel") or {}).get("id", ""))
    message = payload.get("message") or {}
    text, mentions = normalize_mentions(bounded(command), lookup)
    return Incoming(
        platform=PLATFORM,
        workspace=_workspace(payload),
        channel=channel_id,
        user=_user(str(user["id"]), lookup, str(user.get("name") or user.get("username") or "")),
        text=text,
        key=f"act:{action.get('action_ts', '')}:{user['id']}",
        thread=message.get("thread_ts"),
        mentions=mentions,
        is_direct=channel_id.startswith("D"),
        channel_name=str((payload.get("channel") or {}).get("name", "")),
        via=via,
        seal=str(action.get("value") or (action.get("selected_option") or {}).get("value", "")),
    )


def from_view(
    payload: Mapping[str, Any], text: str, *, lookup: NameLookup | None = None
) -> Incoming:
    """A submitted modal, already turned into command text by :mod:`slack_views`. Its
    private_metadata is a seal naming the channel (and thread); the dispatcher checks it."""
    view = payload["view"]
    metadata = str(view.get("private_metadata", ""))
    meta = peek(metadata)
    user = payload["user"]
    text, mentions = normalize_mentions(bounded(text), lookup)
    channel = meta.channel if meta is not None else ""
    return Incoming(
        platform=PLATFORM,
        workspace=_workspace(payload),
        channel=channel,
        user=_user(str(user["id"]), lookup, str(user.get("name") or user.get("username") or "")),
        text=text,
        key=f"view:{view.get('id', '')}:{view.get('hash', '')}",
        thread=(meta.extra.get("thread") if meta is not None else None) or None,
        mentions=mentions,
        is_direct=channel.startswith("D"),
        via=f"{MODAL}:{view.get('callback_id', '')}",
        seal=metadata,
    )


def quote(text: str) -> str:
    """A value as one quoted argument of the command grammar (see parsing.quote_arg)."""
    return quote_arg(text)
