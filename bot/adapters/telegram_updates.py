"""Telegram updates translated into what the core understands: a pure function.

:func:`translate` looks at one ptb ``Update`` and says what it means for kambot: a command
or question for the dispatcher (:class:`Dispatch`), a pressed button whose command this
process no longer knows (:class:`ExpiredButton`), a group upgraded to a supergroup
(:class:`Migrate`), the bot added to a group (:class:`Welcome`), or nothing. The only
outside knowledge it needs, who an ``@username`` is, comes in as a function, so tests can
hit the parsing directly (ptb's ``check_update`` / ``handle_update`` split).

Grammar: ``/<verb> args``, ``/<verb>@thisbot args`` and ``/kam <verb> args`` are commands;
in a group, a message that mentions the bot is a question (``ask``); in a direct message,
anything that is not a command is a question. A document is a transcript (the
``transcript`` verb, the file to fetch named in :attr:`Dispatch.document`) when its caption
is ``/transcript`` or ``/note`` (all a bot in privacy mode sees), or, with no command in
its caption, when it is a .vtt, .srt, .txt or .docx file (privacy mode off, or a DM).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from telegram import Chat, ChatMember, ChatMemberUpdated, Message, MessageEntity, Update

from bot.messages import Incoming, Platform, User, bounded
from bot.render.markup import scrub
from bot.render.telegram import CallbackStore
from bot.seals import BUTTON, peek
from commands.transcripts import is_supported

WORKSPACE = "telegram"
_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{3,64}))?(?=\s|$)")
_UNSAFE = re.compile(r"[^\w]+")

FindUsername = Callable[[str], User | None]
# A caption command that makes the document a transcript: /transcript, /note (and /kam ...).
FILE_VERBS = {"transcript", "note", "notes", "minutes", "转写", "会议转写", "笔记", "纪要", "会议纪要"}


@dataclass(frozen=True, slots=True)
class BotIdentity:
    id: int
    username: str


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """A file sent as a document, still at Telegram: fetched by the handler, not here."""

    file_id: str
    name: str
    size: int


@dataclass(frozen=True, slots=True)
class Dispatch:
    """Hand ``incoming`` to the dispatcher; answer in ``chat_id``, replying to ``reply_to``."""

    incoming: Incoming
    chat_id: int
    reply_to: int | None
    callback_query_id: str | None = None
    # False for a bare ``/verb`` in a group: it may be meant for another bot there, so an
    # unknown verb is ignored rather than answered.
    addressed: bool = True
    document: DocumentRef | None = None


@dataclass(frozen=True, slots=True)
class ExpiredButton:
    chat_id: int
    callback_query_id: str
    language: str | None


@dataclass(frozen=True, slots=True)
class Migrate:
    """Group ``old_chat`` became supergroup ``new_chat``: its binding moves along."""

    old_chat: str
    new_chat: str
    title: str


@dataclass(frozen=True, slots=True)
class Hint:
    """A command kambot cannot attribute to a person (an anonymous group admin, someone
    posting as a channel): it says how to be recognised instead of staying silent."""

    chat_id: int
    key: str
    reply_to: int
    kind: str  # "anonymous_admin" or "as_channel"
    verb: str = ""
    addressed: bool = True  # False for a bare /verb that may be another bot's


@dataclass(frozen=True, slots=True)
class Welcome:
    chat_id: int
    key: str
    language: str | None


@dataclass(frozen=True, slots=True)
class Membership:
    """People joined or left a group: they become, or stop being, members of its account
    (commands/authz.py)."""

    chat_id: int
    joined: tuple[User, ...] = ()
    left: tuple[User, ...] = ()


Action = Dispatch | ExpiredButton | Migrate | Welcome | Membership | Hint

# ChatMember statuses of someone in the group, and of someone who is not.
_IN = {ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER}
_OUT = {ChatMember.LEFT, ChatMember.BANNED}

# Telegram's own account that auto-forwards a linked channel's posts into its group.
TELEGRAM_SERVICE_USER = 777000


def event_key(bot: BotIdentity, update_id: int) -> str:
    """The idempotency key: update ids are per bot, so the bot id is part of it."""
    return f"{bot.id}:{update_id}"


def user_of(tg_user: object) -> User:
    return User(
        id=str(tg_user.id),  # type: ignore[attr-defined]
        name=tg_user.full_name,  # type: ignore[attr-defined]
        username=tg_user.username or "",  # type: ignore[attr-defined]
    )


def _language(tg_user: object) -> str | None:
    code = getattr(tg_user, "language_code", None) or ""
    return "zh" if code.lower().startswith("zh") else None


def _slice(units: bytes, offset: int, length: int) -> str:
    return units[2 * offset : 2 * (offset + length)].decode("utf-16-le")


@dataclass
class _Text:
    text: str
    mentions: dict[str, User] = field(default_factory=dict)
    mentions_bot: bool = False


def _token_for(name: str, user_id: int, taken: dict[str, User]) -> str:
    token = "@" + (_UNSAFE.sub("_", name).strip("_") or f"user{user_id}")
    if token in taken and taken[token].id != str(user_id):
        token = f"{token}_{user_id}"
    return token


def rewrite_entities(
    text: str, entities: tuple[MessageEntity, ...], bot: BotIdentity, find: FindUsername
) -> _Text:
    """Resolve mentions; a text_mention (a user without a username) becomes an ``@token``.

    Offsets are in UTF-16 code units, as Telegram counts them. The bot's own @mention is
    taken out of the text and noted.
    """
    units = text.encode("utf-16-le")
    out: list[str] = []
    result = _Text("")
    cursor = 0
    for entity in sorted(entities, key=lambda e: e.offset):
        if entity.offset < cursor:
            continue  # nested entity (bold inside a mention, say): already copied
        if entity.type == MessageEntity.MENTION:
            token = _slice(units, entity.offset, entity.length)
            out.append(_slice(units, cursor, entity.offset - cursor))
            cursor = entity.offset + entity.length
            if token[1:].lower() == bot.username.lower():
                result.mentions_bot = True
                continue
            out.append(token)
            found = find(token[1:])
            if found is not None:
                result.mentions[token] = found
        elif entity.type == MessageEntity.TEXT_MENTION and entity.user is not None:
            out.append(_slice(units, cursor, entity.offset - cursor))
            cursor = entity.offset + entity.length
            mentioned = user_of(entity.user)
            if entity.user.id == bot.id:
                result.mentions_bot = True
                continue
            token = _token_for(mentioned.name, entity.user.id, result.mentions)
            result.mentions[token] = mentioned
            out.append(token)
    out.append(units[2 * cursor :].decode("utf-16-le"))
    result.text = re.sub(r"[ \t]{2,}", " ", "".join(out)).strip()
    return result


def command_text(text: str, bot: BotIdentity) -> str | None:
    """``/verb@bot args`` -> ``verb args``; ``/kam verb args`` -> ``verb args``.

    None when the text is not a command, or is a command for another bot.
    """
    match = _COMMAND.match(text)
    if match is None:
        return None
    verb, addressee = match[1].lower(), match[2]
    if addressee and addressee.lower() != bot.username.lower():
        return None
    rest = text[match.end() :].strip()
    if verb == "kam":
        return rest or "help"
    if verb == "start":
        return "help"
    return f"{verb} {rest}".strip()


def _document_of(message: Message) -> DocumentRef | None:
    doc = message.document
    if doc is None:
        return None
    return DocumentRef(doc.file_id, doc.file_name or "", int(doc.file_size or 0))


def _transcript_title(command: str | None, caption: str, document: DocumentRef) -> str | None:
    """The note title when a document is a transcript ("" for none), else None.

    A caption command decides: ``/transcript Weekly sync`` or ``/note`` make it one (any
    file type: a wrong one is then answered), any other command is that command. Without
    a command, a file of a type kambot reads is one, and its caption is the title.
    """
    if command is not None:
        verb, _, rest = command.partition(" ")
        return rest.strip() if verb.lower() in FILE_VERBS else None
    return caption.strip() if is_supported(document.name) else None


def _is_group(chat: Chat) -> bool:
    return chat.type in (Chat.GROUP, Chat.SUPERGROUP)


def translate(
    update: Update,
    *,
    bot: BotIdentity,
    callbacks: CallbackStore,
    find_username: FindUsername,
) -> Action | None:
    """What ``update`` means for kambot, or None when it means nothing."""
    key = event_key(bot, update.update_id)
    if update.chat_member is not None:
        return _member_update(update.chat_member, bot)
    if update.my_chat_member is not None:
        return None  # the bot's own status; its joining is answered by the welcome
    query = update.callback_query
    if query is not None:
        if not isinstance(query.message, Message) or query.data is None:
            return None
        chat = query.message.chat
        sealed = callbacks.decode(query.data)
        if sealed is None:
            return ExpiredButton(chat.id, query.id, _language(query.from_user))
        # The data is a seal (bot/seals.py): the dispatcher opens it, or refuses it.
        claimed = peek(sealed)
        incoming = Incoming(
            platform=Platform.TELEGRAM,
            workspace=WORKSPACE,
            channel=str(chat.id),
            user=user_of(query.from_user),
            text=claimed.command if claimed is not None else "",
            key=key,
            via=BUTTON,
            seal=sealed,
            is_direct=chat.type == Chat.PRIVATE,
            channel_name=chat.title or "",
            language=_language(query.from_user) if chat.type == Chat.PRIVATE else None,
        )
        return Dispatch(incoming, chat.id, query.message.message_id, query.id)

    message = update.message
    if message is None:
        return None
    chat = message.chat
    if message.migrate_to_chat_id:
        return Migrate(str(chat.id), str(message.migrate_to_chat_id), chat.title or "")
    if message.migrate_from_chat_id:
        return Migrate(str(message.migrate_from_chat_id), str(chat.id), chat.title or "")
    if message.is_automatic_forward or (
        message.from_user is not None and message.from_user.id == TELEGRAM_SERVICE_USER
    ):
        return None  # a channel post copied into its discussion group, not a command
    sender = message.from_user
    if message.sender_chat is not None and _is_group(chat) and not message.is_automatic_forward:
        # Posted anonymously (sender_chat is the group) or as a channel: nobody to act as.
        said = bounded(message.text if message.text is not None else message.caption or "").strip()
        command = command_text(said, bot)
        if command is None:
            return None
        match = _COMMAND.match(said)
        kind = "anonymous_admin" if message.sender_chat.id == chat.id else "as_channel"
        return Hint(chat.id, key, message.message_id, kind, verb=command.split(maxsplit=1)[0]
                    if command.strip() else "help",
                    addressed=match is not None and (match[2] is not None or match[1].lower() == "kam"))
    if sender is None or sender.is_bot:
        return None
    if _is_group(chat) and (
        message.group_chat_created
        or message.supergroup_chat_created
        or any(member.id == bot.id for member in message.new_chat_members or ())
    ):
        return Welcome(chat.id, key, _language(sender))
    if _is_group(chat) and (message.new_chat_members or message.left_chat_member):
        joined = tuple(user_of(m) for m in message.new_chat_members or () if not m.is_bot)
        gone = message.left_chat_member
        left = (user_of(gone),) if gone is not None and not gone.is_bot else ()
        return Membership(chat.id, joined, left) if joined or left else None
    raw = message.text if message.text is not None else message.caption
    document = _document_of(message)
    if not raw and document is None:
        return None
    raw = scrub(bounded(raw or ""))  # lone surrogates (same UTF-16 length, so offsets hold)
    entities = message.entities if message.text is not None else message.caption_entities
    parsed = rewrite_entities(raw or "", tuple(entities or ()), bot, find_username)
    text = command_text(parsed.text, bot)
    is_direct = chat.type == Chat.PRIVATE
    if document is not None and (_is_group(chat) or is_direct):
        title = _transcript_title(text, parsed.text, document)
        if title is not None:
            incoming = Incoming(
                platform=Platform.TELEGRAM, workspace=WORKSPACE, channel=str(chat.id),
                user=user_of(sender), text=f"transcript {title}".strip(), key=key,
                is_direct=is_direct, channel_name=chat.title or "",
                language=_language(sender) if is_direct else None,
            )
            return Dispatch(incoming, chat.id, message.message_id, document=document)
    if not raw:
        return None
    match = _COMMAND.match(parsed.text)
    addressed = is_direct or (
        match is not None and (match[2] is not None or match[1].lower() == "kam")
    )
    if text is None:
        replied_to_bot = (
            message.reply_to_message is not None
            and message.reply_to_message.from_user is not None
            and message.reply_to_message.from_user.id == bot.id
        )
        if not (is_direct or parsed.mentions_bot or replied_to_bot) or not parsed.text:
            return None
        text = f"ask {parsed.text}"
        addressed = True
    elif not _is_group(chat) and not is_direct:
        return None  # channels are not account channels
    incoming = Incoming(
        platform=Platform.TELEGRAM,
        workspace=WORKSPACE,
        channel=str(chat.id),
        user=user_of(sender),
        text=text,
        key=key,
        thread=None,
        mentions=parsed.mentions,
        is_direct=is_direct,
        channel_name=chat.title or "",
        language=_language(sender) if is_direct else None,
    )
    return Dispatch(incoming, chat.id, message.message_id, addressed=addressed)


def _member_update(change: ChatMemberUpdated, bot: BotIdentity) -> Membership | None:
    """A chat_member update: someone's status in a group changed."""
    member = change.new_chat_member
    if not _is_group(change.chat) or member.user.is_bot or member.user.id == bot.id:
        return None
    status = member.status
    if status == ChatMember.RESTRICTED:  # restricted people may or may not be in the group
        status = ChatMember.MEMBER if getattr(member, "is_member", False) else ChatMember.LEFT
    if status in _IN:
        return Membership(change.chat.id, joined=(user_of(member.user),))
    if status in _OUT:
        return Membership(change.chat.id, left=(user_of(member.user),))
    return None
