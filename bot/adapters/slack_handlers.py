"""The Slack work done after the ack: payload in, dispatch through the core, answer out.

A file shared in a channel is fetched here (files.info, then its bytes) and handed to the
core on the Incoming: the only platform work the ``transcript`` verb needs.

Synchronous (the dispatcher is), run in a thread pool by the bolt listeners of
:mod:`bot.adapters.slack`. Duplicates have one effect because the dispatcher claims each
Incoming's key (see :mod:`bot.adapters.slack_incoming`); what is handled here without the
dispatcher (the bot joining a channel) claims its event_id itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.adapters import slack_incoming as inc
from bot.adapters import slack_views as views
from bot.adapters.slack_files import DownloadError, download, shared_file
from bot.adapters.slack_post import Directory, SlackPoster, with_reassign
from bot.app import Core
from bot.messages import Incoming, IncomingFile, Reply, Section, Tone
from bot.render.slack import ACTION_PREFIX, action_command, escape
from bot.seals import (
    BUTTON,
    HOME,
    IN_CHANNEL,
    MODAL,
    ChannelSealer,
    Opened,
    SealError,
    generation,
    peek,
)
from commands import authz, lifecycle
from commands.drafts import TaskDraft, task_draft
from commands.home import HomeTask, home_for
from commands.i18n import Translator
from commands.parsing import split_verb
from commands.registry import lookup
from commands.transcripts import MAX_FILE_BYTES, SUPPORTED, is_near_miss, is_supported
from storage import channels, repos

log = logging.getLogger(__name__)

PLATFORM = inc.PLATFORM
#: Channels whose language :meth:`SlackHandlers.known_translator` remembers.
LANGUAGES_KEPT = 4096


class SlackHandlers:
    """Payload in, effect out: dispatch through the core and post the answer."""

    def __init__(self, core: Core, poster: SlackPoster, directory: Directory) -> None:
        self.core = core
        self.poster = poster
        self.directory = directory
        self.seals = core.dispatcher.seals
        self.sealer = ChannelSealer(self.seals, core.sessions, PLATFORM)
        if poster.sealer is None:
            poster.sealer = self.sealer
        # The language each channel was last answered in, for an ack that cannot wait for
        # the database (bot/adapters/slack_listeners.py); bounded, oldest dropped first.
        self._languages: dict[tuple[str, str], str] = {}

    # helpers
    def translator(self, workspace: str, channel: str) -> Translator:
        """The language of a channel's account, else the default; for the adapter's own words.

        A database that cannot answer right now must not cost the person their answer:
        the default language is used instead."""
        lang: str | None = None
        try:
            with self.core.sessions() as session:
                binding = repos.binding_for(session, platform=PLATFORM, workspace=workspace,
                                            channel=channel)
                lang = binding.language if binding else None
                if binding is not None and not lang:
                    account = repos.account_by_id(session, account_id=binding.account_id)
                    lang = account.language if account else None
        except Exception as exc:
            log.warning("slack: channel language unknown (%s); using the default",
                        type(exc).__name__)
        lang = lang or self.core.settings.KAMBOT_LANGUAGE
        self._languages.pop((workspace, channel), None)
        self._languages[(workspace, channel)] = lang
        while len(self._languages) > LANGUAGES_KEPT:
            self._languages.pop(next(iter(self._languages)))
        return Translator(lang)

    def known_translator(self, workspace: str, channel: str) -> Translator:
        """The language the channel was last answered in, else the default, without asking
        the database: for an ack written while the work queue is long."""
        return Translator(self._languages.get((workspace, channel))
                          or self.core.settings.KAMBOT_LANGUAGE)

    def user_translator(self, user_id: str) -> Translator:
        lang: str | None = None
        try:
            with self.core.sessions() as session:
                person = repos.person_by_user(session, platform=PLATFORM, user_id=user_id)
                lang = person.language if person else None
        except Exception as exc:
            log.warning("slack: person's language unknown (%s); using the default",
                        type(exc).__name__)
        return Translator(lang or self.core.settings.KAMBOT_LANGUAGE)

    def modal_failed(self, body: dict[str, Any], error: str) -> None:
        """views.open was refused (an expired trigger, Slack down): tell the person, privately,
        and how to do the same without the form."""
        user, channel = _sender_and_channel(body)
        t = self.translator(inc.installation(body), channel)
        notice = Reply(title=t("slack.error.modal_failed"), tone=Tone.ERROR, private=True,
                       sections=[Section(text=t("slack.error.modal_failed_how"))])
        try:
            if body.get("response_url"):
                self.poster.respond(str(body["response_url"]), notice, public=False, t=t)
            elif user:
                self.poster.direct(user, notice, t=t)
        except SlackApiError as exc:
            log.warning("could not tell %s that the form did not open: %s", user, slack_error(exc))

    def busy(self, body: dict[str, Any]) -> None:
        """The work queue is full: tell the sender, privately, that nothing was done and to
        send it again (through the response_url of a command or button, else ephemerally
        in the channel). Other events (joins, renames) are left to Slack's retry."""
        event = body.get("event") or {}
        user, channel = _sender_and_channel(body)
        t = self.translator(inc.installation(body), channel)
        notice = Reply(title=t("work_busy.title"), tone=Tone.ERROR, private=True,
                       sections=[Section(text=t("work_busy.how"))])
        try:
            if body.get("response_url"):
                self.poster.respond(str(body["response_url"]), notice, public=False, t=t)
            elif event.get("type") in {"app_mention", "message"} and user and channel \
                    and not event.get("bot_id"):
                self.poster.post_ephemeral(channel, user, notice, t=t,
                                           thread=event.get("thread_ts"))
        except SlackApiError as exc:
            log.warning("could not tell %s that kambot is busy: %s", user, slack_error(exc))

    def dispatch(self, incoming: Incoming) -> Reply | None:
        if incoming.text.lstrip().lower().startswith(("account", "acct")) \
                and not incoming.is_direct:
            # Binding a channel: say whether Slack Connect brings another organisation in
            # (the channel is then linked as shared with the customer).
            incoming = replace(incoming, external=self._external(incoming.channel))
        return self.core.dispatcher.handle(incoming)

    def _external(self, channel: str) -> bool | None:
        try:
            info = self.poster.client.conversations_info(channel=channel)["channel"]
        except (SlackApiError, KeyError, TypeError) as exc:
            log.info("conversations.info %s failed: %s", channel, exc)
            return None
        return bool(info.get("is_ext_shared") or info.get("is_pending_ext_shared"))

    # seals (bot/seals.py)
    def open_button(self, value: str, channel: str) -> Opened | None:
        """A message button's verified command, or None (the dispatcher will refuse it)."""
        try:
            return self.seals.open(value, purpose=BUTTON, platform=PLATFORM, channel=channel)
        except SealError:
            return None

    def modal_for(self, text: str, *, team: str, channel: str, user: str, thread: str | None,
                  account: tuple[int, int] | None = None, initial: str = "") -> dict[str, Any] | None:
        """The modal ``text`` opens (task, note, reassign N, task N edit), its metadata
        sealed for this person, this channel and the account bound there (or the one a
        button was for); None when there is none (then the command runs as typed).

        Only an Edit form reads the record: it opens filled in with the task as it is, and
        only for someone who may read the account (commands/authz.py)."""
        wanted = modal_command(text)
        if wanted is None:
            return None
        t = self.translator(team, channel)
        account_id, gen = account if account is not None else self.sealer.account_of(channel)
        draft: TaskDraft | None = None
        if wanted[0] == "edit":
            assert wanted[1] is not None
            draft = self._draft(team, channel, user, wanted[1])
            if draft is None:
                return None  # no such task here, or not theirs to see: the command says why

        def metadata(callback: str, number: int | None) -> str:
            extra = {"thread": thread or "", "number": "" if number is None else str(number),
                     IN_CHANNEL: "1"}
            if draft is not None:
                extra.update(role=draft.role or "", user=draft.assignee_user or "")
            return self.seals.seal(purpose=f"{MODAL}:{callback}", platform=PLATFORM,
                                   channel=channel, user=user, account_id=account_id,
                                   generation=gen, carry_channel=True,
                                   extra={k: v for k, v in extra.items() if v})

        if draft is not None:
            return views.edit_modal(t, draft=draft,
                                    metadata=metadata(views.EDIT_VIEW, draft.number))
        return modal_view(t, text, metadata=metadata, initial=initial)

    def _draft(self, team: str, channel: str, user: str, number: int) -> TaskDraft | None:
        with self.core.sessions.begin() as session:
            binding = repos.binding_for(session, platform=PLATFORM, workspace=team,
                                        channel=channel)
            account = (repos.account_by_id(session, account_id=binding.account_id)
                       if binding is not None and not binding.archived else None)
            person = repos.person_by_user(session, platform=PLATFORM, user_id=user)
            if account is None or person is None or not authz.may_read(
                    session, account=account, person=person,
                    is_admin=self.core.settings.is_admin(PLATFORM, user)):
                return None
            return task_draft(session, platform=PLATFORM, workspace=team, channel=channel,
                              number=number)

    def answer(self, incoming: Incoming, reply: Reply, *, response_url: str | None = None,
               later: bool = False) -> None:
        """Post ``reply``. ``later``: the ack said the answer comes through ``response_url``
        (the work queue was long): a private answer replaces that note, a public one is
        posted in the channel through it; the ordinary way if the response_url fails."""
        t = self.translator(incoming.workspace, incoming.channel)
        if not (reply.private or reply.is_error):
            reply = with_reassign(reply, t)
        if later and response_url:
            private = reply.private or reply.is_error
            try:
                self.poster.respond(response_url, reply, public=not private,
                                    replace_original=private, t=t, channel=incoming.channel)
                return
            except SlackApiError as exc:
                log.warning("response_url failed (%s); answering in %s instead",
                            slack_error(exc), incoming.channel)
        try:
            self.poster.answer(channel=incoming.channel, user=incoming.user.id, reply=reply,
                               thread=incoming.thread, response_url=response_url, t=t)
        except SlackApiError as exc:
            log.warning("could not answer in %s: %s", incoming.channel, slack_error(exc))
            # The command itself ran: if it changed the record, the notice must not invite
            # a second, duplicate try.
            saved = _changes_state(incoming.text) and not reply.is_error
            self._tell_failure(incoming, exc, t, response_url, saved=saved)

    def _tell_failure(self, incoming: Incoming, exc: SlackApiError, t: Translator,
                      response_url: str | None, *, saved: bool = False) -> None:
        key = "slack.error.failed_saved" if saved \
            else "slack.error.not_in_channel" if slack_error(exc) in {"not_in_channel", "channel_not_found"} \
            else "slack.error.failed"
        notice = Reply(title=t(key), tone=Tone.ERROR, private=True)
        try:
            if response_url:
                self.poster.respond(response_url, notice, public=False, t=t)
            else:
                self.poster.post_ephemeral(incoming.channel, incoming.user.id, notice, t=t)
            return
        except SlackApiError as again:
            log.warning("could not tell %s in %s: %s", incoming.user.id, incoming.channel,
                        slack_error(again))
        try:  # a modal submitted for a channel the bot is not in: the app's DM still works
            self.poster.direct(incoming.user.id, notice, t=t)
        except SlackApiError as again:
            log.warning("could not tell %s about the failure: %s", incoming.user.id, slack_error(again))

    # slash command
    def command(self, body: dict[str, Any], later: bool = False) -> None:
        """A slash command; ``later``: the ack said the answer comes through the
        response_url."""
        text = str(body.get("text", ""))
        wanted = modal_command(text)
        if wanted is not None and (wanted[0] != "edit" or self.modal_for(
                text, team=str(body.get("team_id", "")), channel=str(body.get("channel_id", "")),
                user=str(body.get("user_id", "")), thread=None)):
            return  # the ack opened a modal; its submission does the work
        incoming = inc.from_slash_command(body, self.directory.user)
        reply = self.dispatch(incoming)
        if reply is not None:
            self.answer(incoming, reply, response_url=body.get("response_url"), later=later)

    # events
    def event(self, body: dict[str, Any], bot_user_id: str) -> None:
        event = body.get("event") or {}
        kind = event.get("type")
        team = inc.installation(body)
        if kind in {"app_mention", "message"}:
            incoming = inc.from_message_event(event, team_id=team, bot_user_id=bot_user_id,
                                              lookup=self.directory.user)
            if incoming is None:
                return
            if lookup("ask") is None and incoming.text.startswith("ask "):
                # Until the Q&A verb exists, a question gets the help overview.
                incoming = replace(incoming, text="help")
            reply = self.dispatch(incoming)
            if reply is not None:
                self.answer(incoming, reply)
        elif kind == "file_shared":
            self.file_shared(team, event, bot_user_id)
        elif kind == "member_joined_channel" and event.get("user") == bot_user_id:
            self.joined(team, str(event["channel"]), str(body.get("event_id", "")))
        elif kind in {"member_joined_channel", "member_left_channel"} and event.get("user"):
            self.membership(team, str(event.get("channel", "")), str(event["user"]),
                            joined=kind == "member_joined_channel")
        elif kind in {"channel_rename", "group_rename"}:
            channel = event.get("channel") or {}
            self._binding_change(lambda s, at: channels.rename_channel(
                s, platform=PLATFORM, workspace=team, channel=str(channel.get("id")),
                name=str(channel.get("name", "")), at=at))
        elif kind in {"channel_archive", "group_archive", "channel_deleted", "group_deleted"}:
            self._binding_change(lambda s, at: channels.set_archived(
                s, platform=PLATFORM, workspace=team, channel=str(event.get("channel")),
                archived=True, at=at))
        elif kind in {"channel_unarchive", "group_unarchive"}:
            self._binding_change(lambda s, at: channels.set_archived(
                s, platform=PLATFORM, workspace=team, channel=str(event.get("channel")),
                archived=False, at=at))
        elif kind == "channel_id_changed":
            self._binding_change(lambda s, at: channels.move_channel(
                s, platform=PLATFORM, workspace=team, old=str(event.get("old_channel_id")),
                new=str(event.get("new_channel_id")), at=at))
        elif kind == "app_home_opened" and event.get("tab", "home") == "home":
            self.publish_home(str(event["user"]))

    def membership(self, team: str, channel: str, user_id: str, *, joined: bool) -> None:
        """A person joined or left a channel: they are a member of its account, or no
        longer (commands/authz.py). Someone who left sees the account no more on Home."""
        now = self.core.clock.now()
        with self.core.sessions.begin() as session:
            if joined:
                changed = lifecycle.member_joined(session, platform=PLATFORM, workspace=team,
                                                  channel=channel, at=now,
                                                  user=self.directory.user(user_id))
            else:
                changed = lifecycle.member_left(session, platform=PLATFORM, workspace=team,
                                                channel=channel, user_id=user_id, at=now)
        if changed and not joined:
            self.publish_home(user_id)

    def file_shared(self, team: str, event: dict[str, Any], bot_user_id: str) -> None:
        """A transcript shared in a channel becomes a note (the ``transcript`` verb).

        Other files are left alone, but a document or recording someone may have meant as
        a transcript gets a word, to them only, on the types that work.
        """
        channel = str(event.get("channel_id", ""))
        user = str(event.get("user_id", ""))
        file_id = str(event.get("file_id") or (event.get("file") or {}).get("id") or "")
        if not (channel and user and file_id) or user == bot_user_id:
            return  # the bot's own charts and reports are shared files too
        try:
            info = self.poster.client.files_info(file=file_id)["file"]
        except SlackApiError as exc:
            log.warning("files.info failed for %s: %s", file_id, slack_error(exc))
            return
        shared = shared_file(info, channel)
        if not is_supported(shared.name):
            if is_near_miss(shared.name):
                t = self.translator(team, channel)
                hint = Reply(title=t("transcript.error.type", name=shared.name,
                                     types=", ".join(SUPPORTED)), tone=Tone.WARNING, private=True)
                try:
                    self.poster.post_ephemeral(channel, user, hint, thread=shared.thread, t=t)
                except SlackApiError as exc:
                    log.warning("could not tell %s about %s: %s", user, file_id, slack_error(exc))
            return
        content: bytes | None = None
        if shared.size <= MAX_FILE_BYTES and self._bound(team, channel):
            try:
                content = download(shared.url, self.poster.client.token or "", limit=MAX_FILE_BYTES)
            except DownloadError as exc:
                log.warning("could not download file %s from %s: %s", file_id, channel, exc)
        incoming = inc.from_file_shared(
            event, team_id=team, thread=shared.thread, lookup=self.directory.user,
            file=IncomingFile(name=shared.name, size=shared.size, content=content))
        reply = self.dispatch(incoming)
        if reply is not None:
            self.answer(incoming, reply)

    def _bound(self, team: str, channel: str) -> bool:
        with self.core.sessions() as session:
            binding = repos.binding_for(session, platform=PLATFORM, workspace=team, channel=channel)
            return binding is not None and not binding.archived

    def _binding_change(self, change: Callable[[Any, Any], object]) -> None:
        with self.core.sessions.begin() as session:
            change(session, self.core.clock.now())

    def joined(self, team: str, channel: str, event_id: str) -> None:
        """The bot was added to a channel: say how to bind it, once per event."""
        with self.core.sessions.begin() as session:
            if not repos.claim_event(session, platform=PLATFORM, key=f"evt:{event_id}",
                                     at=self.core.clock.now()):
                return
            binding = repos.binding_for(session, platform=PLATFORM, workspace=team, channel=channel)
            account = (repos.account_by_id(session, account_id=binding.account_id)
                       if binding is not None and not binding.archived else None)
            name = account.name if account else None
        t = self.translator(team, channel)
        text = t("slack.joined.bound", account=name) if name else t("slack.joined.unbound")
        try:
            self.poster.post(channel, Reply(sections=[Section(text=text)]), t=t)
        except SlackApiError as exc:
            log.warning("could not greet %s: %s", channel, slack_error(exc))

    # buttons
    def action(self, body: dict[str, Any]) -> None:
        channel = str((body.get("channel") or {}).get("id", ""))
        for action in body.get("actions") or []:
            action_id = str(action.get("action_id", ""))
            if action_id.startswith(views.HOME_ACTION):
                self._home_action(body, action)
            elif action_id.startswith(ACTION_PREFIX):
                opened = self.open_button(action_command(action)[0], channel)
                if opened is not None and self._opened(body, opened):
                    continue  # opened as a modal by the ack
                self._message_action(body, action)

    def _opened(self, body: dict[str, Any], opened: Opened) -> bool:
        """Whether the ack opened a modal for this (verified) button: an Edit of a task that
        is gone, or of an account the presser may not read, opens none, and the command
        then says why."""
        wanted = modal_command(opened.command)
        if wanted is None or wanted[0] != "edit":
            return wanted is not None
        return self.modal_for(
            opened.command, team=str((body.get("team") or {}).get("id", "")),
            channel=str((body.get("channel") or {}).get("id", "")),
            user=str((body.get("user") or {}).get("id", "")), thread=None,
            account=(opened.account_id, opened.generation)) is not None

    def _message_action(self, body: dict[str, Any], action: dict[str, Any]) -> None:
        value, label = action_command(action)
        claimed = peek(value)
        # What the seal claims is only for the trace on the message; the dispatcher runs
        # what the verified seal holds, or refuses.
        command = claimed.command if claimed is not None else ""
        incoming = inc.from_action(body, action, command, lookup=self.directory.user)
        reply = self.dispatch(incoming)
        if reply is None:
            return
        container = body.get("container") or {}
        message = body.get("message") or {}
        changed = _changes_state(incoming.text) and not reply.is_error
        t = self.translator(incoming.workspace, incoming.channel)
        if changed and message.get("ts") and not container.get("is_ephemeral"):
            note = t("slack.pressed.by", mark="✔", label=escape(label or incoming.text),
                     user=incoming.user.id)
            try:
                self.poster.mark_pressed(incoming.channel, message, str(action["action_id"]), note)
            except SlackApiError as exc:
                log.warning("could not update the pressed message: %s", slack_error(exc))
        if container.get("is_ephemeral") and body.get("response_url"):
            # An ephemeral message cannot be updated, only replaced through its response_url.
            try:
                self.poster.respond(body["response_url"], with_reassign(reply, t), public=False,
                                    replace_original=True, t=t, channel=incoming.channel)
                return
            except SlackApiError as exc:
                log.warning("response_url failed: %s", slack_error(exc))
        self.answer(incoming, replace(reply, private=True), response_url=body.get("response_url"))

    def _home_action(self, body: dict[str, Any], action: dict[str, Any]) -> None:
        user_id = str(body["user"]["id"])
        claimed = peek(str(action.get("value", "")))
        incoming = inc.from_action(body, action, claimed.command if claimed else "",
                                   channel=claimed.channel if claimed else "", via=HOME,
                                   lookup=self.directory.user)
        reply = self.dispatch(incoming)
        if reply is not None and reply.is_error:
            try:
                self.poster.direct(user_id, reply, t=self.user_translator(user_id))
            except SlackApiError as exc:
                log.warning("could not DM %s: %s", user_id, slack_error(exc))
        self.publish_home(user_id)

    # modals
    def view(self, body: dict[str, Any]) -> None:
        view = body.get("view") or {}
        text = view_command(view)
        if text is None:
            return
        incoming = inc.from_view(body, text, lookup=self.directory.user)
        reply = self.dispatch(incoming)
        if reply is None:
            return
        if not incoming.channel:  # metadata that names no channel: a refusal, by DM
            user_id = incoming.user.id
            try:
                self.poster.direct(user_id, reply, t=self.user_translator(user_id))
            except SlackApiError as exc:
                log.warning("could not DM %s: %s", user_id, slack_error(exc))
            return
        self.answer(incoming, reply)

    # App Home
    def publish_home(self, user_id: str) -> None:
        now = self.core.clock.now()
        with self.core.sessions.begin() as session:
            home = home_for(session, platform=PLATFORM, user_id=user_id,
                            today=self.core.clock.today(),
                            is_admin=self.core.settings.is_admin(PLATFORM, user_id))
            lang = home.person.language if home.person else None
        t = Translator(lang or self.core.settings.KAMBOT_LANGUAGE)

        def seal(item: HomeTask, command: str) -> str:
            return self.seals.seal(purpose=HOME, platform=PLATFORM, channel=item.channel or "",
                                   command=command, account_id=item.account.id or 0,
                                   generation=generation(item.account), user=user_id,
                                   carry_channel=True, now=now)

        try:
            self.poster.publish_home(user_id, views.home_view(t, home, now=now, seal=seal))
        except SlackApiError as exc:
            log.warning("views.publish failed for %s: %s", user_id, slack_error(exc))


def slack_error(exc: SlackApiError) -> str:
    return str(exc.response.get("error", "")) if exc.response is not None else "request failed"


def _changes_state(command: str) -> bool:
    verb, _ = split_verb(command)
    found = lookup(verb) if verb else None
    return found is not None and not found.readonly


def modal_command(text: str) -> tuple[str, int | None] | None:
    """``task`` / ``note`` alone, ``reassign N`` without an owner, or ``task N edit`` with
    nothing to change, open a modal."""
    words = text.split()
    if len(words) == 1 and words[0].lower() in {"task", "note"}:
        return words[0].lower(), None
    if (len(words) == 3 and words[0].lower() == "task" and words[1].lstrip("#").isdigit()
            and words[2].lower() == "edit"):
        return "edit", int(words[1].lstrip("#"))
    if len(words) == 2 and words[0].lower() == "reassign" and words[1].lstrip("#").isdigit():
        return "reassign", int(words[1].lstrip("#"))
    return None


def view_command(view: dict[str, Any]) -> str | None:
    """The command text a submitted modal stands for; None if it is incomplete."""
    state = (view.get("state") or {}).get("values") or {}
    callback = view.get("callback_id")
    if callback == views.TASK_VIEW:
        return views.task_command(state)
    if callback == views.NOTE_VIEW:
        return views.note_command(state)
    if callback == views.REASSIGN_VIEW:
        meta = peek(str(view.get("private_metadata", "")))
        # The number as the metadata claims it; the dispatcher refuses altered metadata.
        return views.reassign_command(state, meta.extra.get("number", "") if meta else "")
    if callback == views.EDIT_VIEW:
        claimed = peek(str(view.get("private_metadata", "")))
        return views.edit_command(state, claimed.extra if claimed else {})
    return None


def modal_view(t: Translator, text: str, *, metadata: Callable[[str, int | None], str],
               initial: str = "") -> dict[str, Any] | None:
    """The modal for ``text``; ``metadata(callback_id, task number)`` seals its metadata."""
    wanted = modal_command(text)
    if wanted is None:
        return None
    kind, number = wanted
    if kind == "edit":
        return None  # needs the task: SlackHandlers.modal_for
    if kind == "task":
        return views.task_modal(t, metadata=metadata(views.TASK_VIEW, None))
    if kind == "note":
        return views.note_modal(t, metadata=metadata(views.NOTE_VIEW, None), initial=initial)
    assert number is not None
    return views.reassign_modal(t, number=number,
                                metadata=metadata(views.REASSIGN_VIEW, number))


def _sender_and_channel(body: dict[str, Any]) -> tuple[str, str]:
    """Who sent a request and in which channel ("" where it does not say), whatever its
    shape: a command, a button or form (``user``/``channel`` objects), or an event."""
    event = body.get("event") or {}
    user = str((body.get("user") or {}).get("id") or body.get("user_id")
               or event.get("user") or "")
    channel = str((body.get("channel") or {}).get("id") or body.get("channel_id")
                  or event.get("channel") or "")
    return user, channel
