"""Resolving who a command names: mentions, usernames and roles, to Person records."""

from __future__ import annotations

from dataclasses import dataclass

from commands.registry import CommandError, Context
from commands.routing import parse_role
from storage import curation_repo, repos
from storage.models import Person, Role, Stakeholder

# ``owner=customer``: the customer's side, no one of theirs named.
CUSTOMER_WORDS = frozenset({"customer", "client", "the customer", "their side", "them",
                            "客户", "客户方", "甲方", "对方"})


def is_mention(token: str) -> bool:
    return token.startswith("@") and len(token) > 1 or (token.startswith("<@") and token.endswith(">"))


def person_from_token(ctx: Context, token: str) -> Person:
    """The Person a mention names; a clear refusal when the platform did not say who."""
    token = token.strip()
    user = ctx.incoming.mentions.get(token)
    if user is not None:
        return repos.upsert_person(
            ctx.session,
            platform=ctx.incoming.platform,
            user_id=user.id,
            display_name=user.name,
            username=user.username,
        )
    if token.startswith("@"):
        known = repos.person_by_username(ctx.session, platform=ctx.incoming.platform, username=token)
        if known is not None:
            return known
    raise CommandError("error.unknown_person", who=token)


@dataclass(frozen=True)
class Owner:
    """Who a task goes to: always a role; a person when someone holds it or was named."""

    role: str | None
    person: Person | None
    # A customer action (role CUSTOMER): the person of theirs who owns it, if named.
    stakeholder: Stakeholder | None = None

    @property
    def customer(self) -> bool:
        return self.role == Role.CUSTOMER.value

    @property
    def customer_name(self) -> str | None:
        return self.stakeholder.name if self.stakeholder is not None else None


def customer_owner(ctx: Context, token: str) -> Owner | None:
    """``customer`` / ``客户`` or the name of one of the customer's people (a stakeholder of
    this account) -> a customer action; None when the token names neither."""
    account = ctx.require_account()
    assert account.id is not None
    word = " ".join(token.strip().split())
    if word.casefold() in CUSTOMER_WORDS:
        return Owner(role=Role.CUSTOMER.value, person=None)
    if not word or is_mention(word):
        return None
    holder = curation_repo.stakeholder_by_key(ctx.session, account_id=account.id,
                                              key=repos.name_key(word))
    if holder is not None:
        return Owner(role=Role.CUSTOMER.value, person=None, stakeholder=holder)
    return None


def owner_from_token(ctx: Context, token: str) -> Owner:
    """``AR`` / ``客户经理`` -> the role (and its holder now); ``@bob`` -> bob (and his role);
    ``customer`` or a stakeholder's name (``"Li Wei"``) -> a customer action."""
    account = ctx.require_account()
    assert account.id is not None
    theirs = customer_owner(ctx, token)
    if theirs is not None:
        return theirs
    role = parse_role(token)
    holders = repos.current_holders(ctx.session, account_id=account.id)
    if role is not None:
        return Owner(role=role, person=holders.get(role))
    if is_mention(token):
        person = person_from_token(ctx, token)
        # The sponsor is a role like the triangle's: @dana, the sponsor, owns as sponsor
        # (a triangle role first, when one person holds both).
        held = sorted((r for r, p in holders.items()
                       if p.id == person.id and r in ("AR", "SR", "FR", "SPONSOR")),
                      key=("AR", "SR", "FR", "SPONSOR").index)
        return Owner(role=held[0] if held else None, person=person)
    raise CommandError("error.bad_owner", owner=token)
