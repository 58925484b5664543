"""Note search on SQLite FTS5 and PostgreSQL (run the suite with KAMBOT_TEST_DATABASE_URL)."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from storage import repos, search
from storage.db import current_revision


def at(day: int) -> datetime:
    return datetime(2026, 11, day, 9, tzinfo=UTC)


def _head(engine) -> str:
    from alembic.script import ScriptDirectory

    from storage.db import alembic_config

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head() or ""


def test_migration_is_at_note_search_or_later(engine):
    assert current_revision(engine) == _head(engine)
    with engine.connect() as conn:
        table = "note_fts" if engine.dialect.name == "sqlite" else "note_search"
        assert conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one() == 0


def test_index_text_makes_bigrams_and_folds_words():
    assert search.index_text("客户确认下月回款计划 ACME's") == "客户 户确 确认 认下 下月 月回 回款 款计 计划 acmes"
    assert search.query_terms("Acme 还有哪些未完成的事项?", ignore=["acme"]) == [["完成"]]
    assert search.query_terms("回款计划") == [["回款"], ["计划"]]
    assert search.query_terms("解决方案") == [["解决", "决方", "方案"]]


def _notes(core, texts, account="Acme"):
    with core.sessions.begin() as s:
        account_ = repos.account_by_name(s, name=account) or repos.create_account(
            s, name=account, tier="core", at=at(1))
        ids = [repos.add_note(s, account_id=account_.id, text=t, author_id=None, at=at(i + 2)).id
               for i, t in enumerate(texts)]
        return account_.id, ids


def test_two_character_chinese_word_inside_a_sentence(core):
    acme, ids = _notes(core, ["客户确认下月回款计划", "交付验收推迟到下周", "Quote sent to procurement"])
    with core.sessions.begin() as s:
        hits = search.search_notes(s, account_id=acme, question="回款")
        assert [h.note_id for h in hits] == [ids[0]]
        assert [h.note_id for h in search.search_notes(s, account_id=acme, question="回款计划有变化吗")] == [ids[0]]
        assert [h.note_id for h in search.search_notes(s, account_id=acme, question="验收")] == [ids[1]]
        assert [h.note_id for h in search.search_notes(s, account_id=acme, question="QUOTE")] == [ids[2]]
        # Bigrams must be adjacent: 回计 is not in any note.
        assert search.search_notes(s, account_id=acme, question="回计") == []


def test_ranking_prefers_the_note_about_it(core):
    acme, ids = _notes(core, [
        "Renewal mentioned briefly.",
        "Renewal renewal: the renewal contract and renewal pricing were the whole meeting.",
        "Nothing relevant here.",
    ])
    with core.sessions.begin() as s:
        hits = search.search_notes(s, account_id=acme, question="renewal pricing")
        assert hits[0].note_id == ids[1] and {h.note_id for h in hits} == {ids[0], ids[1]}


def test_only_the_given_account(core):
    acme, _ = _notes(core, ["回款 plan for Acme"])
    other, other_ids = _notes(core, ["回款 plan CANARY"], account="Initech")
    with core.sessions.begin() as s:
        hits = search.search_notes(s, account_id=acme, question="回款 canary plan")
        assert other_ids[0] not in {h.note_id for h in hits}
        assert search.search_notes(s, account_id=acme, question="canary") == []


def test_catch_up_and_index_note_are_idempotent(core):
    acme, ids = _notes(core, ["first 回款"])
    with core.sessions.begin() as s:
        table = "note_fts" if s.get_bind().dialect.name == "sqlite" else "note_search"
        key = "rowid" if table == "note_fts" else "note_id"
        # Stored notes are indexed as they are written ...
        assert search.catch_up(s, account_id=acme) == 0
        # ... and catch-up repairs an index that lost one.
        s.execute(sa.text(f"DELETE FROM {table} WHERE {key} = :id"), {"id": ids[0]})
        assert search.catch_up(s, account_id=acme) == 1
        assert search.catch_up(s, account_id=acme) == 0
        note = repos.add_note(s, account_id=acme, text="second 回款", author_id=None, at=at(20))
        search.index_note(s, note=note)
        search.index_note(s, note=note)
        assert search.catch_up(s, account_id=acme) == 0
        assert {h.note_id for h in search.search_notes(s, account_id=acme, question="回款")} == {ids[0], note.id}
        assert s.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one() == 2


def test_queries_cannot_inject_search_syntax(core):
    acme, ids = _notes(core, ['He said "NEAR" AND OR NOT * ( ) : ^ stop'])
    with core.sessions.begin() as s:
        for question in ['"', "AND OR", "NOT *", "a:b", "(x", "^", "-", "回款 OR", "' ; DROP TABLE note; --"]:
            search.search_notes(s, account_id=acme, question=question)
        assert [h.note_id for h in search.search_notes(s, account_id=acme, question='"near"')] == ids


def test_migration_downgrades_and_upgrades_again(tmp_path):
    from storage.db import make_engine, upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade(engine)
    from alembic import command

    from storage.db import alembic_config

    with engine.begin() as conn:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    assert current_revision(engine) == "0002"
    upgrade(engine)
    assert current_revision(engine) == _head(engine)
    engine.dispose()


def test_other_databases_fall_back_to_like(core, monkeypatch):
    acme, ids = _notes(core, ["客户确认下月回款计划", "nothing"])
    monkeypatch.setattr(search, "_dialect", lambda session: "mysql")
    with core.sessions.begin() as s:
        assert [h.note_id for h in search.search_notes(s, account_id=acme, question="回款计划")] == [ids[0]]


def test_search_is_restricted_to_the_account_inside_the_index(core):
    """Another account's notes with the same words are never hits, and on SQLite the
    account is a term of the full-text query itself (its scope token), so the search
    reads the account's postings rather than every account's hits."""
    acme, acme_ids = _notes(core, ["renewal offer sent", "pilot plan agreed"], account="Acme")
    other, other_ids = _notes(core, ["renewal offer sent too", "renewal offer again"],
                              account="Globex")
    seen: list[str] = []

    def remember(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement)

    sa.event.listen(core.engine, "before_cursor_execute", remember)
    try:
        with core.sessions.begin() as s:
            assert [h.note_id for h in search.search_notes(
                s, account_id=acme, question="renewal offer")] == [acme_ids[0]]
            assert sorted(h.note_id for h in search.search_notes(
                s, account_id=other, question="renewal offer")) == sorted(other_ids)
    finally:
        sa.event.remove(core.engine, "before_cursor_execute", remember)
    if core.engine.dialect.name == "sqlite":
        matches = [q for q in seen if "note_fts MATCH" in q and "bm25" in q]
        assert matches and all("account_id" not in q for q in matches)
        with core.sessions.begin() as s:
            scopes = dict(s.execute(sa.text("SELECT rowid, scope FROM note_fts")).all())
        assert scopes[acme_ids[0]] == search.scope_token(acme)
        assert scopes[other_ids[0]] == search.scope_token(other)
    # Forgetting one account leaves the other's index whole.
    with core.sessions.begin() as s:
        search.forget_account(s, account_id=other)
    with core.sessions.begin() as s:
        assert [h.note_id for h in search.search_notes(
            s, account_id=acme, question="renewal offer")] == [acme_ids[0]]
