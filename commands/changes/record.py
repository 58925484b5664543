"""Changes to the rest of the record: plan sections, stakeholders, health signals.

``plan.set``: target ``plan:<section>``; ``detail``: ``section``, ``before`` / ``after``
(``{"text": ...}``; ``before`` is null for a section written the first time).
``stakeholder.add`` / ``.update`` / ``.remove``: target ``stakeholder:<name key>``;
``detail``: ``name``, ``id``, ``before`` / ``after`` (the changed fields; a removed
stakeholder's ``before`` is the whole row, so it can come back as it was).
``signal``: target ``signals``; ``detail``: ``values`` (metric -> value as given) and
``signals`` (ids of the rows recorded).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from commands.history import Words, describes
from commands.undo import Undo, reverses
from storage import curation_repo
from storage.models import AuditLog, PlanRevision, Stakeholder

STAKEHOLDER_FIELDS = ("title", "role", "power", "interest", "stance", "relationship", "notes",
                      "decision_role", "reports_to_id", "owner_id", "last_contact_on")


def stakeholder_state(row: Stakeholder) -> dict[str, Any]:
    """The fields an update may change, as JSON (a date as ISO text)."""
    out = {name: getattr(row, name) for name in STAKEHOLDER_FIELDS}
    if isinstance(out["last_contact_on"], date):
        out["last_contact_on"] = out["last_contact_on"].isoformat()
    return out


@describes("plan.set")
def _describe_plan(w: Words, entry: AuditLog) -> str:
    d = entry.detail
    section = w.label(f"plan_{d.get('section')}")
    after = (d.get("after") or {}).get("text") or ""
    if d.get("before") is None:
        return w.t("history.plan.new", section=section, chars=len(after))
    before = (d.get("before") or {}).get("text") or ""
    return w.t("history.plan.set", section=section, before=len(before), chars=len(after))


@describes("stakeholder.add", "stakeholder.update", "stakeholder.remove")
def _describe_stakeholder(w: Words, entry: AuditLog) -> str:
    d = entry.detail
    name = w.value("name", d.get("name"))
    if entry.action == "stakeholder.update":
        return w.t("history.stakeholder.update", name=name,
                   changes=w.changes(d.get("before") or {}, d.get("after") or {}))
    return w.t(f"history.{entry.action}", name=name)


@describes("signal")
def _describe_signal(w: Words, entry: AuditLog) -> str:
    values = entry.detail.get("values")
    if not isinstance(values, dict):
        values = {k: v for k, v in entry.detail.items() if k != "signals"}
    items = w.t("history.separator").join(
        f"{w.label(k)} {w.value(k, v)}" for k, v in values.items())
    return w.t("history.signal", items=items)


@reverses("plan.set")
def _undo_plan(u: Undo, entry: AuditLog) -> str:
    ctx = u.ctx
    d = entry.detail
    section = str(d.get("section"))
    label = Words(ctx.t).label(f"plan_{section}")
    assert entry.account_id is not None
    row = curation_repo.plan_section(ctx.session, account_id=entry.account_id, section=section)
    u.expect(row is not None and row.text == (d.get("after") or {}).get("text"), what=label)
    assert row is not None
    before = d.get("before")
    # The version it wrote leaves the plan's history with it.
    revision = ctx.session.get(PlanRevision, d.get("revision") or 0)
    if revision is not None and revision.account_id == entry.account_id:
        curation_repo.delete_rows(ctx.session, [revision])
    if before is None:
        curation_repo.delete_rows(ctx.session, [row])
        return ctx.t("undo.plan_blank", section=label)
    row.text = before["text"]
    ctx.session.add(row)
    return ctx.t("undo.plan_back", section=label)


def _stakeholder(u: Undo, entry: AuditLog) -> Stakeholder:
    row = curation_repo.stakeholder_by_id(u.ctx.session, stakeholder_id=entry.detail.get("id") or 0)
    u.expect(row is not None and row.account_id == entry.account_id,
             what=str(entry.detail.get("name")))
    assert row is not None
    return row


@reverses("stakeholder.add")
def _undo_stakeholder_add(u: Undo, entry: AuditLog) -> str:
    row = _stakeholder(u, entry)
    u.expect(not curation_repo.stakeholder_in_use(u.ctx.session, stakeholder_id=row.id or 0),
             what=row.name)
    curation_repo.delete_rows(u.ctx.session, [row])
    return u.ctx.t("undo.stakeholder_removed", name=row.name)


@reverses("stakeholder.update")
def _undo_stakeholder_update(u: Undo, entry: AuditLog) -> str:
    row = _stakeholder(u, entry)
    now = stakeholder_state(row)
    after, before = entry.detail.get("after") or {}, entry.detail.get("before") or {}
    u.expect(all(now.get(k) == v for k, v in after.items()), what=row.name)
    for key, value in before.items():
        if key == "last_contact_on" and isinstance(value, str):
            value = date.fromisoformat(value)
        setattr(row, key, value)
    u.ctx.session.add(row)
    return u.ctx.t("undo.stakeholder_back", name=row.name)


@reverses("stakeholder.remove")
def _undo_stakeholder_remove(u: Undo, entry: AuditLog) -> str:
    ctx = u.ctx
    before = entry.detail.get("before")
    if not isinstance(before, dict) or entry.account_id is None:
        u.refuse("undo.too_old")
    existing = curation_repo.stakeholder_by_key(ctx.session, account_id=entry.account_id,
                                                key=str(before.get("name_key")))
    u.expect(existing is None, what=str(before.get("name")))
    if isinstance(before.get("last_contact_on"), str):
        before = {**before, "last_contact_on": date.fromisoformat(before["last_contact_on"])}
    if before.get("reports_to_id") is not None and curation_repo.stakeholder_by_id(
            ctx.session, stakeholder_id=int(before["reports_to_id"])) is None:
        before = {**before, "reports_to_id": None}  # their manager was removed since
    row = Stakeholder.model_validate(before)
    ctx.session.add(row)
    ctx.session.flush()
    return ctx.t("undo.stakeholder_back", name=row.name)


@reverses("signal")
def _undo_signal(u: Undo, entry: AuditLog) -> str:
    ctx = u.ctx
    ids = entry.detail.get("signals")
    if not isinstance(ids, list) or entry.account_id is None:
        u.refuse("undo.too_old")
    rows = curation_repo.signals_by_ids(ctx.session, account_id=entry.account_id, ids=ids)
    curation_repo.delete_rows(ctx.session, rows)
    return ctx.t("undo.signals_removed", count=len(rows))

