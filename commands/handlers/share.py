"""``share link [days]`` (共享 链接): a signed, expiring link to the account's customer page
(the joint plan, which the customer's people can read and tick their own actions done on);
``share revoke`` (共享 撤销): every live link stops working; ``share``: the live links."""

from __future__ import annotations

from datetime import timedelta

from bot.messages import Item, Reply, Section, Tone
from commands import audit
from commands.format import fmt_date
from commands.parsing import Args
from commands.registry import CommandError, Context, command
from commands.share_links import LinkKeys, new_token, sign, url
from storage import share_repo

_LINK = frozenset({"link", "new", "链接", "新建"})
_REVOKE = frozenset({"revoke", "stop", "off", "撤销", "停止", "撤回"})
_SHOW = frozenset({"", "list", "show", "列表"})


def share_sub(word: str) -> str:
    """``link``, ``revoke`` or ``show`` for the word after the verb; "" when unknown."""
    folded = word.strip().casefold()
    for name, words in (("link", _LINK), ("revoke", _REVOKE), ("show", _SHOW)):
        if folded in words:
            return name
    return ""


def keys(ctx: Context) -> LinkKeys:
    secret = ctx.settings.KAMBOT_SECRET_KEY if ctx.settings is not None else None
    return LinkKeys(secret=secret.get_secret_value() if secret else None,
                    clock_now=ctx.clock.now)


def base_url(ctx: Context) -> tuple[str, bool]:
    """The public base of links, and whether it was configured (else localhost)."""
    settings = ctx.settings
    configured = getattr(settings, "KAMBOT_PUBLIC_URL", None)
    if configured:
        return str(configured), True
    return f"http://localhost:{getattr(settings, 'PORT', 3000)}", False


@command("share", aliases=("共享", "分享"), keys=())
def share(ctx: Context, args: Args) -> Reply:
    account = ctx.require_account()
    assert account.id is not None
    sub = share_sub(args.words[0]) if args.words else "show"
    if not sub:
        raise CommandError("share.usage", value=args.words[0][:40])
    now = ctx.clock.now()
    t = ctx.t
    if sub == "revoke":
        count = share_repo.revoke_links(ctx.session, account_id=account.id, at=now)
        audit.record(ctx, "share.revoke", target=f"account:{account.id}", count=count)
        return Reply(title=t("share.revoked", count=count, account=account.name),
                     tone=Tone.SUCCESS)
    if sub == "show":
        links = share_repo.live_links(ctx.session, account_id=account.id, at=now)
        if not links:
            return Reply(title=t("share.none", account=account.name),
                         sections=[Section(text=t("share.how"))])
        return Reply(title=t("share.live", count=len(links), account=account.name),
                     sections=[Section(items=[Item(t("share.live_line", number=x.id,
                                                     date=fmt_date(t.lang, x.expires_at.date())))
                                              for x in links], text=t("share.how_revoke"))])
    limit = ctx.settings.KAMBOT_SHARE_DAYS if ctx.settings is not None else 30
    days = limit
    if len(args.words) > 1:
        word = args.words[1].removesuffix("d").removesuffix("天")
        if not word.isdigit() or not 1 <= int(word) <= 365:
            raise CommandError("share.bad_days", value=args.words[1][:40], max=365)
        days = int(word)
    link = share_repo.add_link(ctx.session, account_id=account.id, token=new_token(),
                               language=ctx.lang, created_by_id=ctx.person.id, at=now,
                               expires_at=now + timedelta(days=days))
    audit.record(ctx, "share.link", target=f"sharelink:{link.id}", days=days)
    base, configured = base_url(ctx)
    address = url(base, sign(link.token, keys(ctx).key(ctx.session)))
    sections = [Section(text=address), Section(text=t("share.what"))]
    if not configured:
        sections.append(Section(text=t("share.no_public_url")))
    # The link opens the page to whoever holds it: shown to the asker only.
    return Reply(title=t("share.made", account=account.name,
                         date=fmt_date(t.lang, link.expires_at.date())),
                 sections=sections, tone=Tone.SUCCESS, private=True)
