"""Context building for `ask` on an account with 10,000 notes: time and prompt size.

    python -m bench ask                    (SQLite; also PostgreSQL when KAMBOT_BENCH_PG is a URL)
    python -m bench.bench_ask --notes 50000 --database-url postgresql+psycopg://...

Builds a synthetic account (mixed English / Chinese meeting notes, 300 tasks, a few
stakeholders, and 1,000 notes of another account holding a canary) in a fresh SQLite file
or a throwaway PostgreSQL database, then measures: indexing the notes (the one-off catch-up),
building the bounded context for several questions, and the size of the prompt sent.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from commands.ask import context as ctxmod
from commands.ask.facts import gather
from prompts import render
from storage import repos, search
from storage.db import SessionFactory, make_engine, upgrade
from storage.models import Note, Stakeholder, Task

QUESTIONS = [
    "what's open on Acme?",
    "Acme 还有哪些未完成的事项?",
    "what did we agree with their CIO last month?",
    "客户的回款计划是什么?",
    "any news on the line 3 upgrade quote?",
    "summary",
]

EN = ["QBR with procurement about the line {n} upgrade; pricing pressure continues.",
      "Their CIO asked for a roadmap of the analytics module and a pilot in Q{q}.",
      "Delivery of batch {n} slipped; installation team rebooked for next week.",
      "ACTION: SR to send the revised quote for site {n}.",
      "Support incident {n} closed; customer satisfied with response time.",
      "Renewal discussion: they want a three-year term with a discount."]
ZH = ["客户确认下月回款计划,财务会在{n}号付款。", "交付验收推迟到下周,需要交付经理跟进。",
      "与客户CIO讨论了第{q}季度的试点项目,达成初步共识。", "待办:解决方案经理 提交新门店方案。",
      "客户对响应时间表示满意,NPS 有所提升。", "采购部门要求重新报价,价格压力较大。"]


def note_text(rng: random.Random) -> str:
    parts = [rng.choice(EN if rng.random() < 0.6 else ZH).format(n=rng.randint(1, 40), q=rng.randint(1, 4))
             for _ in range(rng.randint(3, 9))]
    return "\n".join(parts)


def populate(sessions: SessionFactory, *, notes: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, 9, tzinfo=UTC)
    with sessions.begin() as s:
        account = repos.create_account(s, name="Acme Corp", tier="core", at=start)
        other = repos.create_account(s, name="Initech", tier="potential", at=start)
        assert account.id is not None and other.id is not None
        people = [repos.upsert_person(s, platform="console", user_id=u, display_name=u.title(), username=u)
                  for u in ("alice", "bob", "carol")]
        for role, person in zip(("AR", "SR", "FR"), people, strict=True):
            assert person.id is not None
            repos.assign_role(s, account_id=account.id, role=role, person_id=person.id, at=start)
        rows = [Note(account_id=account.id, number=i + 1, text=note_text(rng), author_id=people[i % 3].id,
                     created_at=start + timedelta(hours=2 * i)) for i in range(notes)]
        rows += [Note(account_id=other.id, number=i + 1, text="CANARY " + note_text(rng),
                      created_at=start + timedelta(hours=3 * i)) for i in range(1000)]
        s.add_all(rows)
        s.add_all([Task(account_id=account.id, number=i + 1, title=f"Follow up item {i} on line {i % 7}",
                        role=("AR", "SR", "FR")[i % 3], assignee_id=people[i % 3].id,
                        due_date=date(2026, 10, 1) + timedelta(days=i % 120),
                        status="open" if i % 4 else "done", created_at=start) for i in range(300)])
        s.add_all([Stakeholder(account_id=account.id, name=f"Person {i}", name_key=f"person {i}",
                               title=("CIO", "CFO", "Head of Procurement")[i % 3], power=i % 5 + 1,
                               created_at=start) for i in range(8)])
        s.execute(sa.update(type(account)).where(type(account).id == account.id)
                  .values(note_seq=notes, task_seq=300))
        return account.id


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="context building for ask on a large record")
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv or [])
    if args.database_url:
        run(args.database_url, notes=args.notes, repeat=args.repeat)
        return
    run(None, notes=args.notes, repeat=args.repeat)  # SQLite
    pg = os.environ.get("KAMBOT_BENCH_PG")
    if pg:
        run(pg, notes=args.notes, repeat=args.repeat)


def run(database_url: str | None, *, notes: int, repeat: int) -> None:
    admin = None
    name = ""
    if database_url and database_url.startswith("postgresql"):
        admin_url = make_url(database_url)
        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        name = f"kambot_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = admin_url.set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='kambot-bench-')) / 'bench.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        sessions = SessionFactory(engine)
        t0 = time.perf_counter()
        account_id = populate(sessions, notes=notes)
        print(f"database      : {engine.dialect.name}")
        print(f"notes         : {notes} (+1000 in another account), 300 tasks "
              f"(populated in {time.perf_counter() - t0:.1f} s)")
        with sessions.begin() as s:
            t0 = time.perf_counter()
            indexed = search.catch_up(s, account_id=account_id)
            print(f"index catch-up: {indexed} notes in {time.perf_counter() - t0:.2f} s (one-off)")
        today = date(2026, 11, 24)
        for question in QUESTIONS:
            times, sizes, prompts = [], [], []
            for _ in range(repeat):
                with sessions.begin() as s:
                    t0 = time.perf_counter()
                    facts = gather(s, account_id=account_id, today=today)
                    ctx = ctxmod.build_context(s, facts=facts, question=question)
                    prompt = render("ask", asker="Alice", today=today.isoformat(), question=question,
                                    nonce=ctx.nonce, data=ctx.data)
                    system = render("system", nonce=ctx.nonce, max_sentences=6, language="English")
                    times.append(time.perf_counter() - t0)
                    sizes.append(ctx.size)
                    prompts.append(len(prompt) + len(system))
                    assert "CANARY" not in prompt
                    assert ctx.size <= ctxmod.BUDGET_CHARS
            size_bytes = len((prompt + system).encode())
            print(f"{question[:44]:<46} build {statistics.median(times) * 1000:7.1f} ms (median of "
                  f"{repeat}); data block {sizes[0]:6d} chars; prompt {prompts[0]:6d} chars = "
                  f"{size_bytes:6d} bytes; notes {len(ctx.notes)}, tasks {len(ctx.tasks)}")
        print(f"budget        : data block <= {ctxmod.BUDGET_CHARS} chars whatever the record's size\n")
    finally:
        engine.dispose()
        if admin is not None:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.dispose()


if __name__ == "__main__":
    main(sys.argv[1:])
