"""The customer page over HTTP (aiohttp, Jinja2 templates with autoescaping).

``GET /c/<signed token>`` shows the joint plan of the link's account (``?lang=en|zh``);
``POST …/done`` ticks one of the customer's actions done and ``POST …/comment`` leaves a
comment; each is told once in the account's channels with who did it (the delivery ledger
keys it: the action and the moment it closed, or the comment's id). A link that is
altered, unknown, expired or revoked gets the same "gone" page. The routes are mounted on
kambot's HTTP listener: Slack HTTP mode's, the one `kambot run` shares, or a listener of
their own (:func:`serve_page`).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any

from aiohttp import web
from jinja2 import Environment, PackageLoader, select_autoescape

from bot import posting
from bot.messages import Outgoing, Reply
from bot.posting import deliver
from commands.i18n import Translator, language_of, normalize_language
from commands.share_links import PATH, LinkKeys, open_link
from storage import curation_repo, repos
from storage.share_models import ShareLink

if TYPE_CHECKING:
    from bot.app import Core
    from commands import customer_page

log = logging.getLogger(__name__)


def _page() -> ModuleType:
    """commands.customer_page, imported when a page is first asked for: it brings in the
    reports, which a listener that is starting should not wait for."""
    from commands import customer_page

    return customer_page

_NOTICES = {"done": ("page.thanks_done", False), "comment": ("page.thanks_comment", False),
            "already": ("page.already", True), "name": ("page.need_name", True),
            "text": ("page.need_text", True)}


class CustomerPage:
    """The page's three routes over one core."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.env = Environment(loader=PackageLoader("bot.page", "templates"),
                               autoescape=select_autoescape(["html"]))
        secret = core.settings.KAMBOT_SECRET_KEY
        self.keys = LinkKeys(secret=secret.get_secret_value() if secret else None,
                             clock_now=core.clock.now)

    def routes(self) -> list[web.RouteDef]:
        return [web.get(PATH + "{signed}", self.show),
                web.post(PATH + "{signed}/done", self.done),
                web.post(PATH + "{signed}/comment", self.comment)]

    # --- the web side ---------------------------------------------------------------

    def _lang(self, request: web.Request, fallback: str | None = None) -> str:
        asked = request.query.get("lang", "")
        if asked in ("en", "zh"):
            return asked
        return normalize_language(fallback or self.core.settings.KAMBOT_LANGUAGE)

    def _html(self, name: str, lang: str, status: int = 200, **values: Any) -> web.Response:
        t = Translator(lang)
        text = self.env.get_template(name).render(t=t, lang=lang, **values)
        return web.Response(text=text, status=status, content_type="text/html",
                            headers={"Cache-Control": "no-store",
                                     "X-Frame-Options": "DENY"})

    def _gone(self, request: web.Request, lang: str | None = None) -> web.Response:
        return self._html("gone.html", self._lang(request, lang), status=404)

    async def show(self, request: web.Request) -> web.Response:
        signed = request.match_info["signed"]
        found = await asyncio.to_thread(self._view, signed, request.query.get("lang", ""))
        if found is None:
            return self._gone(request)
        page, lang = found
        key, warn = _NOTICES.get(request.query.get("ok", ""), ("", False))
        t = Translator(lang)
        return self._html("page.html", lang, page=page, title=t("page.title", account=page.account),
                          other="en" if lang == "zh" else "zh", base=PATH + signed,
                          nonce=secrets.token_urlsafe(16), notice=t(key) if key else "",
                          warn=warn)

    async def done(self, request: web.Request) -> web.StreamResponse:
        signed = request.match_info["signed"]
        form = await request.post()
        lang = self._lang(request, str(form.get("lang", "")))
        who = _page().clean_name(str(form.get("who", "")))
        number = str(form.get("number", ""))
        if not who:
            return self._back(signed, lang, "name")
        if not number.isdigit():
            return self._back(signed, lang, "already")
        outcome = await asyncio.to_thread(self._tick, signed, int(number), who)
        if outcome is None:
            return self._gone(request, lang)
        return self._back(signed, lang, outcome)

    async def comment(self, request: web.Request) -> web.StreamResponse:
        signed = request.match_info["signed"]
        form = await request.post()
        lang = self._lang(request, str(form.get("lang", "")))
        who = _page().clean_name(str(form.get("who", "")))
        text = str(form.get("text", "")).strip()
        nonce = str(form.get("nonce", "")) or secrets.token_urlsafe(16)
        number = str(form.get("number", ""))
        if not who:
            return self._back(signed, lang, "name")
        if not text:
            return self._back(signed, lang, "text")
        outcome = await asyncio.to_thread(self._comment, signed, who, text, nonce,
                                          int(number) if number.isdigit() else None)
        if outcome is None:
            return self._gone(request, lang)
        return self._back(signed, lang, outcome)

    @staticmethod
    def _back(signed: str, lang: str, ok: str) -> web.StreamResponse:
        # Post / redirect / get: a reload shows the page, it does not send the form again.
        raise web.HTTPSeeOther(f"{PATH}{signed}?lang={lang}&ok={ok}")

    # --- the work, in a worker thread -------------------------------------------------

    def _open(self, session: Any, signed: str) -> ShareLink | None:
        return open_link(session, signed=signed, key=self.keys.key(session),
                         now=self.core.clock.now())

    def _view(self, signed: str, lang: str) -> tuple[customer_page.PageView, str] | None:
        with self.core.sessions.begin() as session:
            link = self._open(session, signed)
            if link is None:
                return None
            lang = lang if lang in ("en", "zh") else link.language
            page = _page().view(session, link=link, lang=lang,
                                      today=self.core.clock.today())
            return page, page.lang

    def _tick(self, signed: str, number: int, who: str) -> str | None:
        now = self.core.clock.now()
        with self.core.sessions.begin() as session:
            link = self._open(session, signed)
            if link is None:
                return None
            task = _page().tick(session, link=link, number=number, who=who, at=now)
            if task is None:
                return "already"
            account_id, key = link.account_id, f"{task.id}:{now.isoformat()}"
            title = task.title
            task_number = task.number
        log.info("customer page: action %s of account %s ticked done", task_number, account_id)

        def message(lang: str) -> Reply:
            return _page().done_message_of(lang, who=who, number=task_number, title=title)

        self._tell(account_id, kind="page.done", key=key, message=message)
        return "done"

    def _comment(self, signed: str, who: str, text: str, nonce: str,
                 number: int | None) -> str | None:
        now = self.core.clock.now()
        with self.core.sessions.begin() as session:
            link = self._open(session, signed)
            if link is None:
                return None
            kept = _page().comment(session, link=link, author=who, text=text, nonce=nonce,
                                         number=number, at=now)
            if kept is None:
                return "comment"  # this form was sent already: kept and told once
            task = curation_repo.task_by_id(session, task_id=kept.task_id) if kept.task_id else None
            about = (task.number, task.title) if task is not None else None
            account_id, key = link.account_id, f"comment:{kept.id}"

        def message(lang: str) -> Reply:
            return _page().comment_message_of(lang, who=who, text=text, about=about)

        self._tell(account_id, kind="page.comment", key=key, message=message)
        return "comment"

    def _tell(self, account_id: int, *, kind: str, key: str,
              message: Callable[[str], Reply]) -> None:
        """Post to every channel of the account (shared ones too: it is the customer's own
        doing), each once (the ledger)."""
        core = self.core
        with core.sessions.begin() as session:
            account = repos.account_by_id(session, account_id=account_id)
            bindings = list(repos.bindings_of(session, account_id=account_id,
                                              include_shared=True))
        poster = posting.shared_poster(core.services)
        for b in bindings:
            lang = language_of(b, account, core.settings.KAMBOT_LANGUAGE)
            try:
                deliver(sessions=core.sessions, senders=core.senders, poster=poster,
                        clock=core.clock, kind=kind, account_id=account_id, key=key,
                        out=Outgoing(platform=b.platform, workspace=b.workspace,
                                     channel=b.channel, reply=message(lang)))
            except Exception:
                log.exception("customer page: telling %s:%s failed", b.platform, b.channel)


def mount_page(web_app: web.Application, core: Core) -> None:
    """Add the customer page's routes to an aiohttp application."""
    web_app.add_routes(CustomerPage(core).routes())


async def serve_page(core: Core, *, host: str, port: int) -> Callable[[], Awaitable[None]]:
    """The page on a listener of its own (no Slack HTTP mode to share); returns its stop."""
    web_app = web.Application()
    mount_page(web_app, core)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("customer page on %s:%s%s", host, port, PATH)
    return runner.cleanup
