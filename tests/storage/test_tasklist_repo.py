"""`tasks` lists read one page in SQL: the same tasks, in the same order, as every task
read and sorted in Python (commands.format.task_sort_key), with the count of the whole."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from commands.format import is_overdue, task_sort_key
from storage import repos, tasklist_repo
from storage.db import SessionFactory
from storage.models import Role, TaskStatus


@pytest.fixture
def sessions(engine) -> SessionFactory:  # type: ignore[no-untyped-def]
    return SessionFactory(engine)


def _expected(tasks, which, today, person_id, joint):  # type: ignore[no-untyped-def]
    open_ = TaskStatus.OPEN.value
    keep = {
        "open": lambda x: x.status == open_,
        "mine": lambda x: x.status == open_ and x.assignee_id == person_id,
        "overdue": lambda x: is_overdue(x, today),
        "done": lambda x: x.status == TaskStatus.DONE.value,
        "cancelled": lambda x: x.status == TaskStatus.CANCELLED.value,
        "all": lambda x: x.status != TaskStatus.CANCELLED.value,
    }[which]
    found = [x for x in tasks if keep(x) and (not joint or x.shared or x.role == Role.CUSTOMER.value)]
    found.sort(key=lambda x: (x.status != open_, task_sort_key(x, today)))
    return [x.number for x in found]


@pytest.mark.parametrize("joint", [False, True])
def test_a_page_is_the_sorted_list_cut(sessions, clock, joint):
    today = clock.today()
    rng = random.Random(5)
    with sessions.begin() as s:
        acct = repos.create_account(s, name="Acme", tier="core", at=clock.now())
        me = repos.upsert_person(s, platform="slack", user_id="U1", display_name="Me")
        other = repos.upsert_person(s, platform="slack", user_id="U2", display_name="Other")
        assert acct.id is not None and me.id is not None and other.id is not None
        for n in range(60):
            due = None if n % 7 == 0 else today + timedelta(days=rng.randint(-20, 20))
            task = repos.add_task(s, account_id=acct.id, title=f"t{n}",
                                  role=rng.choice(["AR", "SR", "FR", "CUSTOMER"]),
                                  assignee_id=rng.choice([me.id, other.id, None]),
                                  due_date=due, shared=rng.random() < 0.4, at=clock.now())
            task.status = rng.choice([TaskStatus.OPEN.value] * 3
                                     + [TaskStatus.DONE.value, TaskStatus.CANCELLED.value])
        s.flush()
        every = repos.tasks_of(s, account_id=acct.id, status=None)
        for which in ("open", "mine", "overdue", "done", "cancelled", "all"):
            want = _expected(every, which, today, me.id, joint)
            page, total = tasklist_repo.task_page(s, account_id=acct.id, which=which,
                                                  today=today, person_id=me.id, joint=joint,
                                                  limit=7)
            assert total == len(want), which
            assert [x.number for x in page] == want[:7], which
