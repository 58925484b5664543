"""kambot import accounts / kambot export / kambot import account: words not keys, changes
only what the file says, names not ids, and a record that round-trips."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bot.app import Core, build_core
from bot.settings import Settings
from bot.transfer import export_record, import_accounts
from bot.transfer_record import import_record_file
from storage import repos
from tests.support import Conversation


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "accounts.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _import(core: Core, path: Path, **kwargs: object) -> tuple[int, str]:
    out = io.StringIO()
    code = import_accounts(core, path, out=out, **kwargs)  # type: ignore[arg-type]
    return code, out.getvalue()


def test_import_accounts_creates_updates_and_reports_bad_rows(core: Core, tmp_path: Path) -> None:
    path = _csv(tmp_path,
                "name,tier,industry,revenue,margin,renewal\n"
                "Acme Corp,core,Manufacturing,1.2M,31%,2027-03-31\n"
                "华星零售,重要,零售,120万,0.27,2027-01-15\n"
                "Broken,galactic,,,,\n"
                "Blank,,Retail,,,\n"
                ",core,,,,\n"
                "Acme Corp,potential,,,,\n"
                "Late,core,,,,someday\n")
    code, text = _import(core, path)
    assert code == 1
    assert "2 new, 0 updated, 0 unchanged, 5 refused" in text
    assert ('line 4: Broken: "galactic" is not a tier. Use tier=core, tier=important or '
            "tier=potential.") in text
    assert "line 5: Blank: no tier for a new account" in text
    assert "line 6: the name is empty" in text
    assert "line 7: Acme Corp: 'Acme Corp' is already on line 2 of this file" in text
    assert 'line 8: Late: I can\'t read "someday" as a date' in text
    assert "error." not in text and "{" not in text  # no catalog key, no dict
    assert "line 2: Acme Corp: new account (tier core, industry Manufacturing, revenue 1200000, " \
           "margin 31%, renewal 2027-03-31)" in text
    with core.sessions.begin() as s:
        acme = repos.account_by_name(s, name="acme corp")
        assert acme is not None and acme.tier == "core" and acme.revenue == 1_200_000
        assert acme.renewal_date == date(2027, 3, 31)
        hx = repos.account_by_name(s, name="华星零售")
        assert hx is not None and hx.tier == "important" and hx.revenue == 1_200_000
        assert repos.account_by_name(s, name="Broken") is None
        assert repos.account_by_name(s, name="Blank") is None


def test_reimport_changes_only_what_the_file_says(core: Core, tmp_path: Path) -> None:
    _import(core, _csv(tmp_path, "name,tier,industry,revenue\nAcme Corp,core,Mfg,900000\n"))
    # blank tier and revenue: kept; a column that is absent: kept
    code, text = _import(core, _csv(tmp_path, "name,tier,industry,revenue\nAcme Corp,,Retail,\n"))
    assert code == 0 and "line 2: Acme Corp: industry Mfg → Retail" in text
    code, text = _import(core, _csv(tmp_path, "name,industry\nAcme Corp,Retail\n"))
    assert "line 2: Acme Corp: unchanged" in text and "0 updated, 1 unchanged" in text
    with core.sessions.begin() as s:
        acme = repos.account_by_name(s, name="Acme Corp")
        assert acme is not None and acme.tier == "core" and acme.revenue == 900_000
    # the file says so: the downgrade happens, and is printed
    code, text = _import(core, _csv(tmp_path, "name,tier\nAcme Corp,potential\n"))
    assert "line 2: Acme Corp: tier core → potential" in text


def test_dry_run_saves_nothing(core: Core, tmp_path: Path) -> None:
    _import(core, _csv(tmp_path, "name,tier\nAcme Corp,core\n"))
    code, text = _import(core, _csv(tmp_path, "name,tier\nAcme Corp,potential\nNew Co,core\n"),
                         dry_run=True)
    assert code == 0
    assert text.splitlines()[0] == "Dry run: nothing is saved."
    assert "tier core → potential" in text and "New Co: new account (tier core)" in text
    assert "would import: 1 new, 1 updated" in text
    with core.sessions.begin() as s:
        acme = repos.account_by_name(s, name="Acme Corp")
        assert acme is not None and acme.tier == "core"
        assert repos.account_by_name(s, name="New Co") is None


def test_team_columns_set_the_triangle(chat: Conversation, tmp_path: Path) -> None:
    for user in ("alice", "bob", "carol"):
        chat.say("help", user=user)  # people are known once they have used kambot
    core = chat.core
    with core.sessions.begin() as s:
        bob = repos.person_by_user(s, platform="console", user_id="bob")
        assert bob is not None
        bob.display_name = "Bob Li"
        s.add(bob)
    code, text = _import(core, _csv(tmp_path,
                                    "name,tier,AR,SR,FR\n"
                                    "Acme Corp,core,@alice,Bob Li,console:carol\n"
                                    "Globex,core,@nobody,,\n"))
    assert code == 1
    assert "line 2: Acme Corp: new account (tier core, AR alice, SR Bob Li, FR carol)" in text
    assert "line 3: Globex: AR '@nobody': nobody known by that name" in text
    with core.sessions.begin() as s:
        acme = repos.account_by_name(s, name="Acme Corp")
        assert acme is not None and acme.id is not None
        holders = repos.current_holders(s, account_id=acme.id)
        assert {r: p.user_id for r, p in holders.items()} == {"AR": "alice", "SR": "bob",
                                                               "FR": "carol"}
        assert repos.account_by_name(s, name="Globex") is None  # the whole line is refused
    # --team maps other columns; a blank cell keeps the holder
    code, text = _import(core, _csv(tmp_path, "name,owner,architect\nAcme Corp,@carol,\n"),
                         team="AR=owner,SR=architect")
    assert code == 0 and "AR alice → carol" in text
    code, text = _import(core, _csv(tmp_path, "name,owner\nAcme Corp,@carol\n"), team="XX=owner")
    assert code == 2 and "--team takes ROLE=COLUMN" in text
    code, text = _import(core, _csv(tmp_path, "name,owner\nAcme Corp,@carol\n"), team="AR=boss")
    assert code == 2 and "'boss'" in text


def test_import_in_chinese(core: Core, tmp_path: Path) -> None:
    code, text = _import(core, _csv(tmp_path, "name,tier\n华星零售,银河\n"), lang="zh")
    assert code == 1 and "第 2 行：华星零售：" in text and "拒绝 1" in text


def test_import_needs_a_name_column(core: Core, tmp_path: Path) -> None:
    code, text = _import(core, _csv(tmp_path, "company\nAcme\n"))
    assert code == 2 and "header row" in text
    assert _import(core, tmp_path / "missing.csv")[0] == 2


def _seed(chat: Conversation) -> None:
    chat.say('account new "Acme Corp" tier=core')
    chat.say("account set revenue=900000 margin=31% renewal=2027-03-31 industry=Manufacturing")
    chat.say("triangle AR=@alice SR=@bob")
    chat.say("handover SR @carol")
    chat.say('task "Send the quote" owner=SR due=2026-11-20 confirm')
    chat.say('task "Book the QBR" due=2026-12-10 shared')
    chat.say("done 2")
    chat.say("note Met the CIO.\nACTION: FR to schedule the rollout by friday\nDecision: go with plan B")
    chat.say('stakeholder add "Li Wei" title=CIO power=5')
    # The relationship map by name: a boss who comes after him in the file, our owner.
    chat.say('stakeholder add "Maria Lopez" title=CEO')
    reply = chat.say('stakeholder add "Li Wei" reports_to="Maria Lopez" owner=@alice')
    assert not reply.is_error, reply.plain_text()
    chat.say("plan goals Grow the plant rollout")
    chat.say("signal nps=35 csat=4.2 usage=0.6")
    chat.say("health")
    chat.say('opportunity add "Line 3 upgrade" value=1.8M stage=opportunity close=2027-03-31')


def test_export_account_is_the_whole_record_by_name(chat: Conversation) -> None:
    _seed(chat)
    out = io.StringIO()
    assert export_record(chat.core, what="account", account="acme corp", out=out) == 0
    record = json.loads(out.getvalue())
    assert record["format"] == "kambot.account/1"
    assert record["account"]["name"] == "Acme Corp" and record["account"]["revenue"] == 900000
    assert {(r["role"], r["person"]) for r in record["team"]} >= {("AR", "alice"), ("SR", "bob"),
                                                                    ("SR", "carol")}
    quote = next(t for t in record["tasks"] if t["title"] == "Send the quote")
    assert quote["assignee"] == "carol" and quote["created_by"] == "alice"
    assert quote["due_date"] == "2026-11-20"
    rollout = next(t for t in record["tasks"] if "rollout" in t["title"])
    assert rollout["source_note"] == 1
    assert record["notes"][0]["author"] == "alice"
    assert record["decisions"][0]["note"] == 1
    assert {s["metric"] for s in record["signals"]} >= {"nps", "csat", "usage"}
    assert record["health"] and record["health"][0]["color"] in {"green", "yellow", "red"}
    assert record["stakeholders"][0]["name"] == "Li Wei"
    assert record["stakeholders"][0]["reports_to"] == "Maria Lopez"
    assert record["stakeholders"][0]["owner"] == "alice"
    assert record["plan"][0]["section"] == "goals"
    assert record["opportunities"][0]["name"] == "Line 3 upgrade"
    assert not [k for k in _keys(record) if k == "id" or (k.endswith("_id") and k != "user_id")]
    # every time is ISO 8601 in UTC
    times = [v for section in record.values() if isinstance(section, list)
             for row in section for k, v in row.items() if k.endswith("_at") or k in {"at", "started_at"}]
    times.append(record["account"]["created_at"])
    assert times and all(isinstance(v, str) and v.endswith("Z") and "T" in v
                         for v in times if v is not None)
    assert export_record(chat.core, what="account", account="nope", out=io.StringIO()) == 2


def _keys(value: object) -> list[str]:
    if isinstance(value, dict):
        return [*value, *(k for v in value.values() for k in _keys(v))]
    if isinstance(value, list):
        return [k for v in value for k in _keys(v)]
    return []


def test_export_accounts_csv_has_health_score_team_and_counts(chat: Conversation) -> None:
    _seed(chat)
    out = io.StringIO()
    assert export_record(chat.core, what="accounts", account=None, out=out) == 0
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    acme = rows[0]
    assert acme["name"] == "Acme Corp" and acme["revenue"] == "900000"
    assert acme["margin"] == "31%" and acme["renewal"] == "2027-03-31"
    assert acme["AR"] == "alice" and acme["SR"] == "carol"
    assert acme["health"] in {"green", "yellow", "red"} and acme["score"].isdigit()
    assert acme["open"] == "2" and acme["overdue"] == "1"
    assert ".0" not in out.getvalue()


def test_exported_csv_imports_back(chat: Conversation, tmp_path: Path) -> None:
    _seed(chat)
    out = io.StringIO()
    export_record(chat.core, what="accounts", account=None, out=out)
    code, text = _import(chat.core, _csv(tmp_path, out.getvalue()))
    assert code == 0, text
    assert "Acme Corp: unchanged" in text
    assert "Columns not imported: health, score, open, overdue, archived" in text


def test_record_round_trips_through_another_database(chat: Conversation, tmp_path: Path,
                                                     other: Core) -> None:
    _seed(chat)
    first = io.StringIO()
    assert export_record(chat.core, what="account", account="Acme Corp", out=first) == 0
    path = tmp_path / "acme.json"
    path.write_text(first.getvalue(), encoding="utf-8")
    # the same database refuses: the account is there
    out = io.StringIO()
    assert import_record_file(chat.core, path, out=out) == 2 and "exists already" in out.getvalue()
    out = io.StringIO()
    assert import_record_file(other, path, out=out, dry_run=True) == 0
    assert "would import Acme Corp" in out.getvalue()
    with other.sessions.begin() as s:
        assert repos.account_by_name(s, name="Acme Corp") is None
    out = io.StringIO()
    assert import_record_file(other, path, out=out) == 0, out.getvalue()
    assert "imported Acme Corp:" in out.getvalue()
    second = io.StringIO()
    assert export_record(other, what="account", account="Acme Corp", out=second) == 0
    assert json.loads(second.getvalue()) == json.loads(first.getvalue())
    # the imported account goes on numbering where it left off
    other_chat = Conversation(other, channel="acme-2", user="alice")
    other_chat.say('account link "Acme Corp"')
    assert "#4" in other_chat.text('task "Next thing"')
    with other.sessions.begin() as s:
        acme = repos.account_by_name(s, name="Acme Corp")
        assert acme is not None and acme.id is not None
        numbers = [t.number for t in repos.tasks_of(s, account_id=acme.id, status=None)]
        assert sorted(numbers) == [1, 2, 3, 4]


@pytest.fixture
def other(tmp_path: Path, database_url: str) -> Iterator[Core]:
    """A second, empty database of the same kind (a SQLite file, or a PostgreSQL database
    named after this run's own, dropped afterwards)."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    from storage.db import make_engine

    admin = None
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'other.db'}"
    else:
        base = make_url(database_url)
        name = f"{base.database}_rt"
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = base.set(database=name).render_as_string(hide_password=False)
    settings = Settings(_env_file=None, DATABASE_URL=url)  # type: ignore[call-arg]
    engine = make_engine(url)
    yield build_core(settings, engine=engine, health_alerts=False)
    engine.dispose()
    if admin is not None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def test_import_account_from_the_command_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("KAMBOT_", "SLACK_", "TELEGRAM_", "OPENAI_", "DATABASE_"))}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'k.db'}"
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "kambot.account/1", "account": {"name": "X", "tier": "core"},'
                   ' "tasks": [{"title": "T", "number": 1, "role": "AR", "colour": 1}]}')
    done = subprocess.run([sys.executable, "-m", "bot.cli", "import", "account", str(bad)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 2
    assert "tasks[0]: unknown field 'colour'" in done.stdout and "Traceback" not in done.stderr


def test_numbers_are_written_as_people_write_them() -> None:
    from bot.transfer import number

    assert [number(v) for v in (900000.0, 1234.5, 1.25, 12.0, 0.0, None)] == \
        ["900000", "1234.5", "1.25", "12", "0", ""]
