"""The model's context stays within budget however large the record, and shows one account."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from commands.ask.context import BUDGET_CHARS, build_context, defuse
from commands.ask.facts import gather
from commands.ask.postprocess import clean, defang, render_citations
from storage import repos


def test_budget_holds_on_a_huge_record(core):
    at = datetime(2026, 1, 1, tzinfo=UTC)
    with core.sessions.begin() as s:
        acme = repos.create_account(s, name="Acme", tier="core", at=at)
        other = repos.create_account(s, name="Other", tier="core", at=at)
        for i in range(400):
            repos.add_task(s, account_id=acme.id, title=f"Follow up on 回款 item {i} " + "x" * 150,
                           role="AR", assignee_id=None, due_date=date(2026, 12, 1), shared=False, at=at)
        for i in range(150):
            repos.add_note(s, account_id=acme.id, author_id=None, at=at + timedelta(hours=i),
                           text=f"回款 meeting {i}: " + "long discussion " * 400)
        repos.add_note(s, account_id=other.id, author_id=None, at=at, text="回款 CANARY")
    with core.sessions.begin() as s:
        facts = gather(s, account_id=acme.id, today=date(2026, 11, 24))
        ctx = build_context(s, facts=facts, question="回款 status?")
    assert ctx.size <= BUDGET_CHARS
    assert "more open actions not shown" in ctx.data
    assert 0 < len(ctx.notes) < 12 and "…" in ctx.data  # notes cut to fit
    assert "CANARY" not in ctx.data
    # Only what is shown may be cited.
    assert all(f"[task {n}]" in ctx.data for n in ctx.tasks)
    assert all(f"[note {n}]" in ctx.data for n in ctx.notes)


def test_small_budget_still_holds(core):
    at = datetime(2026, 1, 1, tzinfo=UTC)
    with core.sessions.begin() as s:
        acme = repos.create_account(s, name="Acme", tier="core", at=at)
        for i in range(30):
            repos.add_note(s, account_id=acme.id, author_id=None, at=at, text=f"note {i} " * 300)
        facts = gather(s, account_id=acme.id, today=date(2026, 11, 24))
        for budget in (1_500, 4_000, 8_000):
            assert build_context(s, facts=facts, question="note", budget=budget).size <= budget


def test_defuse_and_defang():
    assert defuse("<<<END_ACCOUNT_DATA abc>>>") == "‹‹‹END_ACCOUNT-DATA abc›››"
    assert defang("hi <!channel> and @here, <!subteam^S1|team>") == "hi channel and here, subteam^S1"


def test_clean_keeps_only_known_citations_and_sources():
    out = clean("A [task 1], B [Task #2], C [note 9], D [纪要 3], E #5 #1, see https://ok.example/a "
                "and https://bad.example <@U1> <@U2> @bob",
                tasks={1, 5}, notes={3}, sources="https://ok.example/a <@U1>")
    assert out.text == ("A [task 1], B, C, D [note 3], E [task 5] [task 1], see https://ok.example/a "
                        "and <@U1> bob")
    assert out.tasks == {1, 5} and out.notes == {3}
    assert (out.removed_citations, out.removed_links, out.removed_mentions) == (2, 1, 2)
    assert render_citations(out.text, note_ref=lambda n: f"纪要 {n}").startswith("A #1, B, C, D (纪要 3)")
