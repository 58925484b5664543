"""Account changes: roles (triangle, handover, sponsor), the card (account set), the
score, and the channel binding (account new / link).

``role.assign``: target ``role:<ROLE>``; ``detail``: ``role``, ``to`` and ``previous``
(Person ids), ``assignment`` / ``previous_assignment`` (RoleAssignment ids), ``moved``
(``[task id, assignee before]`` of the open tasks that followed the role; an undo puts
back those still with the new holder).
``account.set`` (target ``card``) and ``account.score`` (target ``score``): ``before`` /
``after`` of the card's fields (``renewal`` as an ISO date, ``lang`` the account's
language) and, for ``lang``, ``binding`` / ``binding_lang`` (the channel's own language
before). ``account.new`` / ``account.link``: ``binding`` (its id) and ``binding_before``
(the channel's binding as it was, when there was one).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from commands.history import Words, describes
from commands.undo import Undo, reverses
from storage import audit_repo, curation_repo, repos
from storage.models import Account, AuditLog

# account set key -> Account attribute
CARD_FIELDS = {"revenue": "revenue", "margin": "margin", "renewal": "renewal_date",
               "industry": "industry", "tier": "tier", "lang": "language", "name": "name"}
SCORE_FIELDS = {"value": "score_value", "potential": "score_potential", "fit": "score_fit",
                "cost": "score_cost"}


def card_state(account: Account, fields: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, attr in fields.items():
        value = getattr(account, attr)
        out[key] = value.isoformat() if isinstance(value, date) else value
    return out


@describes("role.assign")
def _describe_role(w: Words, entry: AuditLog) -> str:
    d = entry.detail
    role = w.value("role", d.get("role"))
    if d.get("previous") is None:
        return w.t("history.role.assign", role=role, person=w.person(d.get("to")),
                   tasks=int(d.get("tasks") or 0))
    return w.t("history.role.handover", role=role, previous=w.person(d.get("previous")),
               person=w.person(d.get("to")), tasks=int(d.get("tasks") or 0))


@describes("account.new")
def _describe_new(w: Words, entry: AuditLog) -> str:
    d = entry.detail
    return w.t("history.account.new", name=w.value("name", d.get("name")),
               tier=w.value("tier", d.get("tier")))


@describes("account.link")
def _describe_link(w: Words, entry: AuditLog) -> str:
    d = entry.detail
    return w.t("history.account.link", channel=w.value("channel", d.get("channel_name") or d.get("channel")))


@describes("account.set")
def _describe_set(w: Words, entry: AuditLog) -> str:
    d = entry.detail
    if "after" not in d:  # entries from before history kept before/after
        return w.t("history.account.set_old", changes=", ".join(f"{k}={v}" for k, v in d.items()))
    return w.t("history.account.set", changes=w.changes(d.get("before") or {}, d["after"]))


@describes("account.score")
def _describe_score(w: Words, entry: AuditLog) -> str:
    d = entry.detail
    return w.t("history.account.score", changes=w.changes(d.get("before") or {}, d.get("after") or {}))


@reverses("role.assign")
def _undo_role(u: Undo, entry: AuditLog) -> str:
    ctx = u.ctx
    d = entry.detail
    if "assignment" not in d or entry.account_id is None:
        u.refuse("undo.too_old")
    role = str(d["role"])
    what = ctx.t("undo.role_ref", role=Words(ctx.t).value("role", role))
    current = curation_repo.current_assignment(ctx.session, account_id=entry.account_id, role=role)
    u.expect(current is not None and current.id == d["assignment"], what=what)
    assert current is not None
    curation_repo.remove_assignment(ctx.session, assignment=current)
    previous = None
    if d.get("previous_assignment"):
        previous = curation_repo.assignment_by_id(ctx.session, assignment_id=d["previous_assignment"])
        if previous is not None:
            previous.ended_at = None
            ctx.session.add(previous)
    tasks = curation_repo.tasks_by_ids(ctx.session, ids=[m[0] for m in d.get("moved") or []])
    for task_id, assignee in d.get("moved") or []:
        task = tasks.get(task_id)
        if task is not None and task.role == role and task.assignee_id == d.get("to"):
            task.assignee_id = assignee
            ctx.session.add(task)
    ctx.session.flush()
    words = Words(ctx.t)
    if previous is None:
        return ctx.t("undo.role_vacant", role=words.value("role", role))
    person = repos.persons_by_ids(ctx.session, ids={previous.person_id}).get(previous.person_id)
    return ctx.t("undo.role_back", role=words.value("role", role),
                 person=(person.display_name or person.user_id) if person else "?")


def _account(u: Undo, entry: AuditLog) -> Account:
    account = (repos.account_by_id(u.ctx.session, account_id=entry.account_id)
               if entry.account_id is not None else None)
    u.expect(account is not None, what=u.ctx.t("undo.card_ref"))
    assert account is not None
    return account


def _restore_fields(u: Undo, entry: AuditLog, fields: dict[str, str]) -> Account:
    d = entry.detail
    before, after = d.get("before"), d.get("after")
    if not isinstance(before, dict) or not isinstance(after, dict):
        u.refuse("undo.too_old")
    account = _account(u, entry)
    now = card_state(account, fields)
    u.expect(all(now.get(k) == v for k, v in after.items()), what=u.ctx.t("undo.card_ref"))
    for key, value in before.items():
        attr = fields[key]
        if attr == "renewal_date":
            value = date.fromisoformat(value) if value else None
        if attr == "name":
            other = repos.account_by_name(u.ctx.session, name=value)
            u.expect(other is None or other.id == account.id, what=u.ctx.t("undo.card_ref"))
            account.name_key = repos.name_key(value)
        setattr(account, attr, value)
    u.ctx.session.add(account)
    return account


@reverses("account.set")
def _undo_set(u: Undo, entry: AuditLog) -> str:
    account = _restore_fields(u, entry, CARD_FIELDS)
    binding_id = entry.detail.get("binding")
    if "lang" in (entry.detail.get("before") or {}) and binding_id:
        binding = curation_repo.binding_by_id(u.ctx.session, binding_id=binding_id)
        if binding is not None:
            binding.language = entry.detail.get("binding_lang")
            u.ctx.session.add(binding)
    u.ctx.session.flush()
    return u.ctx.t("undo.card_back", account=account.name)


@reverses("account.score")
def _undo_score(u: Undo, entry: AuditLog) -> str:
    account = _restore_fields(u, entry, SCORE_FIELDS)
    u.ctx.session.flush()
    return u.ctx.t("undo.score_back", account=account.name)


def _unbind(u: Undo, entry: AuditLog) -> None:
    """Put the channel's binding back as it was before the entry."""
    ctx = u.ctx
    binding_id = entry.detail.get("binding")
    binding = curation_repo.binding_by_id(ctx.session, binding_id=binding_id) if binding_id else None
    u.expect(binding is not None and binding.account_id == entry.account_id
             and not binding.archived, what=ctx.t("undo.binding_ref"))
    assert binding is not None
    before = entry.detail.get("binding_before")
    if isinstance(before, dict):
        binding.account_id = before["account_id"]
        binding.archived = bool(before["archived"])
        binding.channel_name = before.get("channel_name") or binding.channel_name
        ctx.session.add(binding)
        ctx.session.flush()
    else:
        curation_repo.delete_rows(ctx.session, [binding])


@reverses("account.link")
def _undo_link(u: Undo, entry: AuditLog) -> str:
    account = _account(u, entry)
    _unbind(u, entry)
    u.ctx.account = None  # this channel no longer shows the account
    return u.ctx.t("undo.unlinked", account=account.name)


@reverses("account.new")
def _undo_new(u: Undo, entry: AuditLog) -> str:
    ctx = u.ctx
    account = _account(u, entry)
    assert account.id is not None
    if curation_repo.account_has_record(ctx.session, account_id=account.id) or len(
            repos.bindings_of(ctx.session, account_id=account.id, active_only=False,
                              include_shared=True)) > 1:
        u.refuse("undo.account_has_record", account=account.name)
    _unbind(u, entry)
    audit_repo.drop_account_stash(ctx.session, account_id=account.id)
    curation_repo.delete_bare_account(ctx.session, account=account)
    ctx.account = None
    return ctx.t("undo.account_removed", account=account.name)
