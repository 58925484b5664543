"""kambot import accounts / kambot export."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

from bot.app import Core
from bot.transfer import export_record, import_accounts
from storage import repos
from tests.support import Conversation


def test_import_accounts_creates_updates_and_reports_bad_rows(core: Core, tmp_path: Path) -> None:
    csv_file = tmp_path / "accounts.csv"
    csv_file.write_text(
        "name,tier,industry,revenue,margin,renewal\n"
        "Acme Corp,core,Manufacturing,1.2M,31%,2027-03-31\n"
        "华星零售,重要,零售,120万,0.27,2027-01-15\n"
        "Broken,galactic,,,,\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    assert import_accounts(core, csv_file, out=out) == 1
    assert "2 new, 0 updated, 1 skipped" in out.getvalue()
    assert "line 4" in out.getvalue()
    with core.sessions.begin() as s:
        acme = repos.account_by_name(s, name="acme corp")
        assert acme is not None and acme.tier == "core" and acme.revenue == 1_200_000
        assert acme.renewal_date == date(2027, 3, 31)
        hx = repos.account_by_name(s, name="华星零售")
        assert hx is not None and hx.tier == "important" and hx.revenue == 1_200_000
        assert repos.account_by_name(s, name="Broken") is None
    csv_file.write_text("name,industry\nAcme Corp,Retail\n", encoding="utf-8")
    assert import_accounts(core, csv_file, out=io.StringIO()) == 0
    with core.sessions.begin() as s:
        acme = repos.account_by_name(s, name="Acme Corp")
        assert acme is not None and acme.industry == "Retail"


def test_import_needs_a_name_column(core: Core, tmp_path: Path) -> None:
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text("company\nAcme\n", encoding="utf-8")
    out = io.StringIO()
    assert import_accounts(core, csv_file, out=out) == 2
    assert "header row" in out.getvalue()
    assert import_accounts(core, tmp_path / "missing.csv", out=io.StringIO()) == 2


def test_export_account_is_the_whole_record(chat: Conversation) -> None:
    chat.say('account new "Acme Corp"')
    chat.say("triangle AR=@alice")
    chat.say('task "Send the quote"')
    chat.say("note Met the CIO")
    chat.say('stakeholder add "Li Wei" title=CIO')
    chat.say("plan goals Grow")
    out = io.StringIO()
    assert export_record(chat.core, what="account", account="acme corp", out=out) == 0
    record = json.loads(out.getvalue())
    assert record["account"]["name"] == "Acme Corp"
    assert record["roles"][0]["role"] == "AR"
    assert record["tasks"][0]["title"] == "Send the quote"
    assert record["notes"][0]["text"] == "Met the CIO"
    assert record["stakeholders"][0]["name"] == "Li Wei"
    assert record["plan"] == {"goals": "Grow"}
    csv_out = io.StringIO()
    assert export_record(chat.core, what="accounts", account=None, out=csv_out) == 0
    assert "Acme Corp" in csv_out.getvalue()
    assert export_record(chat.core, what="account", account="nope", out=io.StringIO()) == 2
