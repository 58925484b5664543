"""Playbooks: every trigger starts its playbook exactly once (the database says so), dues
are relative to the trigger, roles resolve to their holders or stay with a vacant role;
custom playbooks from a folder or from chat, with a clear error for a bad one."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select

from bot.alerts import health_listener
from bot.commercial import check_playbook_files, commercial_listener, run_commercial_check
from bot.outbox import RecordingSender
from bot.posting import Poster
from commands.playbooks.engine import start
from commands.playbooks.loader import PlaybookError, load_library, load_source
from storage import repos
from storage.models import Delivery, PlaybookRun, Task

DAY = timedelta(days=1)


@pytest.fixture
def acme(core, chat) -> int:
    for who in ("bob", "carol", "dana"):
        chat.say("help", user=who)
    chat.say('account new "Acme Corp" tier=core')
    chat.say("triangle AR=@alice FR=@carol")  # SR and the sponsor are vacant
    with core.sessions.begin() as s:
        account = repos.account_by_name(s, name="Acme Corp")
        assert account is not None and account.id is not None
        return account.id


@pytest.fixture
def console(core) -> RecordingSender:
    core.services["poster"] = Poster(min_interval=0, sleep=lambda s: None)
    sender = RecordingSender(platform="console")
    core.senders.add(sender)
    return sender


def runs(core) -> list[tuple[str, str]]:
    with core.sessions.begin() as s:
        return [(r.playbook, r.trigger_key)
                for r in s.exec(select(PlaybookRun).order_by(PlaybookRun.id)).all()]


def tasks(core, account_id: int) -> list[Task]:
    with core.sessions.begin() as s:
        return list(s.exec(select(Task).where(Task.account_id == account_id)
                           .order_by(Task.number)).all())


def posted(core, kind: str) -> list[tuple[str, str]]:
    with core.sessions.begin() as s:
        return [(r.key, r.channel) for r in s.exec(select(Delivery).where(
            Delivery.kind == kind, Delivery.status == "posted").order_by(Delivery.id)).all()]


# --- stage trigger ------------------------------------------------------------------------------


def test_contract_stage_starts_delivery_once_with_tasks_for_fr_and_ar(core, chat, clock, acme):
    chat.say('opportunity add "Line 3 upgrade" value=1.8M stage=opportunity')
    reply = chat.say("opportunity 1 stage=contract")
    text = reply.plain_text()
    assert "Playbook started: Delivery acceptance and payment (5 tasks)" in text
    rows = tasks(core, acme)
    assert [(t.role, t.due_date) for t in rows] == [
        ("FR", date(2026, 12, 1)), ("FR", date(2026, 12, 4)), ("AR", date(2026, 12, 1)),
        ("CUSTOMER", date(2027, 1, 23)), ("AR", date(2027, 2, 7))]
    with core.sessions.begin() as s:
        alice = repos.person_by_username(s, platform="console", username="alice")
        carol = repos.person_by_username(s, platform="console", username="carol")
        assert alice and carol
        assert [t.assignee_id for t in rows] == [carol.id, carol.id, alice.id, None, alice.id]
    assert [t.shared for t in rows] == [True, False, False, True, False]
    assert "Steps owned by the customer" in text
    # Back and forth: the same opportunity entering contract again starts nothing new.
    clock.advance(DAY)
    chat.say("opportunity 1 stage=opportunity")
    again = chat.say("opportunity 1 stage=contract")
    assert "Playbook started" not in again.plain_text()
    assert runs(core) == [("delivery", "stage:1:contract")]
    assert len(tasks(core, acme)) == 5
    # Another opportunity reaching contract is another occasion.
    chat.say('opportunity add "Spare parts" value=200k stage=contract')
    assert runs(core)[-1] == ("delivery", "stage:2:contract")


def test_a_retried_event_starts_nothing_twice(core, chat, acme):
    chat.say('opportunity add "A" value=1M stage=opportunity')
    incoming = chat.incoming("opportunity 1 stage=contract", key="slack-event-77")
    assert chat.send(incoming) is not None
    assert chat.send(incoming) is None  # the platform's retry: handled before
    assert runs(core) == [("delivery", "stage:1:contract")]
    assert len(tasks(core, acme)) == 5


def test_the_database_refuses_a_second_run_for_the_same_trigger(core, acme, clock):
    lib = load_library(folder=None, windows=(90, 60, 30))
    with core.sessions.begin() as s:
        account = repos.account_by_id(s, account_id=acme)
        assert account is not None
        first = start(s, account=account, playbook=lib.playbooks["qbr"], key="manual:x",
                      today=clock.today(), now=clock.now(), lang="en")
        second = start(s, account=account, playbook=lib.playbooks["qbr"], key="manual:x",
                       today=clock.today(), now=clock.now(), lang="en")
        assert first is not None and second is None
    # Below the engine too: the unique constraint itself.
    with pytest.raises(sa.exc.IntegrityError), core.sessions.begin() as s:
        s.add(PlaybookRun(account_id=acme, playbook="qbr", trigger="manual",
                          trigger_key="manual:x", started_at=clock.now()))
        s.flush()
    assert runs(core) == [("qbr", "manual:x")]


# --- roles ----------------------------------------------------------------------------------------


def test_vacant_roles_still_own_their_tasks_and_the_reply_says_so(core, chat, clock, acme):
    reply = chat.say("playbook run onboarding")
    text = reply.plain_text()
    assert reply.title == "Playbook started: New key-account onboarding (4 tasks)"
    assert "Nobody holds SR: its tasks belong to the role" in text
    assert "Nobody holds sponsor" in text and "triangle sponsor=@name" in text
    rows = tasks(core, acme)
    assert [(t.role, t.assignee_id is None) for t in rows] == [
        ("AR", False), ("AR", False), ("SR", True), ("SPONSOR", True)]
    # Whoever takes SR later gets its open tasks with the role.
    chat.say("triangle SR=@bob")
    with core.sessions.begin() as s:
        bob = repos.person_by_username(s, platform="console", username="bob")
        assert bob is not None
    assert tasks(core, acme)[2].assignee_id == bob.id
    zh = chat.say("剧本 启动 exec-visit")
    assert "目前无人担任高层负责人" in zh.plain_text()
    chat.say("triangle sponsor=@dana")  # the sponsor's vacant steps follow the role too
    with core.sessions.begin() as s:
        dana = repos.person_by_username(s, platform="console", username="dana")
        assert dana is not None
    sponsor_steps = [t for t in tasks(core, acme) if t.role == "SPONSOR"]
    assert len(sponsor_steps) == 2 and all(t.assignee_id == dana.id for t in sponsor_steps)
    clock.advance(DAY)
    assert "目前无人担任" not in chat.text("剧本 启动 exec-visit", language="zh")


def test_run_by_hand_once_a_day_and_progress(core, chat, clock, acme):
    assert chat.say("playbook run qbr").title.startswith("Playbook started: Quarterly")
    again = chat.say("playbook run Quarterly business review")  # by its title too
    assert again.is_error and "already started on this account today" in again.title
    chat.say("done 1")
    chat.say("done 2")
    listing = chat.text("playbooks")
    assert "Quarterly business review · 2/4 steps done (50%)" in listing
    assert "next: #3 Prepare the review deck" in listing
    assert "Running playbooks    : Quarterly business review 50%" in chat.text("account")
    chat.say("done 3 4")
    assert "complete" in chat.text("playbooks").split("Finished")[1]
    clock.advance(DAY)
    assert not chat.say("剧本 启动 季度经营回顾").is_error
    assert runs(core) == [("qbr", "manual:2026-11-24"), ("qbr", "manual:2026-11-25")]
    unknown = chat.say("playbook run nope")
    assert unknown.is_error and "qbr" in unknown.plain_text()


# --- key account --------------------------------------------------------------------------------


def test_new_key_account_starts_onboarding_once(core, chat):
    core.services["auto_playbooks"] = True
    reply = chat.say('account new "Acme Corp" tier=core')
    assert "Playbook started: New key-account onboarding (4 tasks)" in reply.plain_text()
    assert "Nobody holds AR" in reply.plain_text()
    chat.say("account set tier=potential")
    assert "Playbook started" not in chat.text("account set tier=core")
    assert runs(core) == [("onboarding", "key-account")]
    # A potential account is no key account; it becomes one later.
    potential = chat.say('account new "Initech" tier=potential', channel="initech")
    assert "Playbook started" not in potential.plain_text()
    promoted = chat.say("account set tier=important", channel="initech")
    assert "New key-account onboarding" in promoted.plain_text()
    assert len(runs(core)) == 2


def test_without_automatic_playbooks_a_new_account_is_left_alone(core, chat):
    assert "Playbook started" not in chat.text('account new "Acme Corp" tier=core')
    assert runs(core) == []


# --- renewal windows and health colours (the daily job and the on-write listener) --------------


def test_renewal_window_starts_the_renewal_playbook_once(core, chat, clock, console, acme):
    chat.say("account set renewal=2027-03-04")  # 100 days away: outside 90
    run_commercial_check(core)
    assert runs(core) == []
    clock.advance(DAY * 10)
    for _ in range(3):
        run_commercial_check(core)
    assert runs(core) == [("renewal", "renewal:2027-03-04:90")]
    assert posted(core, "playbook") == [("run:1", "acme-team")]
    [post] = [o.reply.plain_text() for o in console.sent]
    assert "Playbook started: Renewal (4 tasks)" in post
    assert "The renewal on 2027-03-04 is 90 days away." in post
    clock.advance(DAY * 40)
    run_commercial_check(core)  # inside 60 and 30 too: only a playbook for those would start
    assert len(runs(core)) == 1


def test_renewal_steps_are_never_due_after_the_renewal(core, chat, clock, console, acme):
    chat.say("account set renewal=2026-12-14")  # 20 days away
    run_commercial_check(core)
    dues = [t.due_date for t in tasks(core, acme)]
    assert dues == [date(2026, 12, 1), date(2026, 12, 8), date(2026, 12, 14), date(2026, 12, 14)]


def test_custom_renewal_window_from_the_setting(core, chat, clock, console, acme, tmp_path):
    core.settings.KAMBOT_RENEWAL_WINDOWS = (120, 30)
    folder = tmp_path / "playbooks"
    folder.mkdir()
    (folder / "last-call.toml").write_text(
        'name = "last-call"\ntitle = "Last call"\ntrigger = { on = "renewal", window = 30 }\n'
        '[[steps]]\ntitle = "Call the buyer"\nowner = "AR"\ndue = 2\n', encoding="utf-8")
    core.settings.KAMBOT_PLAYBOOKS_DIR = str(folder)
    chat.say("account set renewal=2027-03-04")  # 100 days: inside 120 (the built-in's window)
    run_commercial_check(core)
    assert runs(core) == [("renewal", "renewal:2027-03-04:120")]
    clock.advance(DAY * 70)
    run_commercial_check(core)
    assert runs(core)[-1] == ("last-call", "renewal:2027-03-04:30")


def test_health_turning_red_starts_recovery_once(core, chat, clock, console, acme):
    core.dispatcher.add_listener(health_listener(core))
    core.dispatcher.add_listener(commercial_listener(core))
    chat.say("signal nps=-50")  # red at once: the listeners see it after the write
    assert runs(core) == [("red-recovery", "health:red:2026-11-24")]
    recovery = [o.reply.plain_text() for o in console.sent if "Red-account recovery" in o.reply.title]
    assert len(recovery) == 1 and "Health turned 🔴 red." in recovery[0]
    chat.say("signal nps=-60")
    run_commercial_check(core)
    clock.advance(DAY)
    run_commercial_check(core)
    assert len(runs(core)) == 1
    assert len(posted(core, "playbook")) == 1
    # Better, then red again another day: a new episode, a new recovery.
    chat.say("signal nps=50")
    clock.advance(DAY)
    chat.say("signal nps=-50")
    assert runs(core)[-1] == ("red-recovery", "health:red:2026-11-26")


def test_a_green_account_starts_no_health_playbook(core, chat, console, acme):
    core.dispatcher.add_listener(health_listener(core))
    core.dispatcher.add_listener(commercial_listener(core))
    chat.say("signal nps=60")
    run_commercial_check(core)
    assert runs(core) == []


# --- custom playbooks -----------------------------------------------------------------------------

GOOD_TOML = """\
name = "security-review"
title = { en = "Security review", zh = "安全评审" }
trigger = { on = "stage", stage = "opportunity" }

[[steps]]
title = { en = "Send the security questionnaire", zh = "发送安全问卷" }
owner = "SR"
due = 5

[[steps]]
title = "Customer's CISO signs off"
owner = "customer"
due = 20
shared = true
"""

GOOD_YAML = """\
name: site-survey
title:
  en: Site survey
  zh: 现场勘察
trigger: manual
steps:
  - title: Book the survey crew
    owner: FR
    due: 3
  - title: {en: Survey report to the customer, zh: 向客户提交勘察报告}
    owner: FR
    due: 10
    shared: true
"""

BAD_TOML = """\
name = "bad-one"
title = "Bad"
trigger = "manual"

[[steps]]
title = "Fine"
owner = "AR"

[[steps]]
title = "Not fine"
owner = "boss"
due = 3
"""


@pytest.fixture
def folder(core, tmp_path) -> Path:
    root = tmp_path / "playbooks"
    root.mkdir()
    (root / "security.toml").write_text(GOOD_TOML, encoding="utf-8")
    (root / "survey.yaml").write_text(GOOD_YAML, encoding="utf-8")
    (root / "bad.toml").write_text(BAD_TOML, encoding="utf-8")
    (root / "broken.yml").write_text("name: x\nsteps: [\n  - a\n", encoding="utf-8")
    (root / "notes.txt").write_text("not a playbook", encoding="utf-8")
    core.settings.KAMBOT_PLAYBOOKS_DIR = str(root)
    return root


def test_custom_files_are_used_and_a_bad_file_is_named_clearly(core, chat, folder, acme):
    core.settings.KAMBOT_ADMINS = ["alice"]
    text = chat.text("playbooks")
    assert "security-review: Security review · when an opportunity reaches opportunity" in text
    assert "site-survey: Site survey · by hand: playbook run site-survey · 2 steps · survey.yaml" in text
    assert f'{folder}/bad.toml, line 11, steps[2].owner: "boss" is not an owner: use AR, SR, FR, sponsor or customer' in text
    assert (f"{folder}/broken.yml, line 3: the file cannot be read: expected the node content, "
            "but found '-'") in text
    assert "notes.txt" not in text
    # Someone who is not an admin is told that there are problems, not the server's paths.
    bob = chat.text("playbooks", user="bob")
    assert "2 playbook file(s) could not be read" in bob and str(folder) not in bob
    # The custom stage trigger works like the built-in one.
    chat.say('opportunity add "Cloud move" value=900k stage=opportunity')
    assert ("security-review", "stage:1:opportunity") in runs(core)
    rows = tasks(core, acme)
    assert [(t.title, t.role, t.shared) for t in rows] == [
        ("Send the security questionnaire", "SR", False),
        ("Customer's CISO signs off", "CUSTOMER", True)]
    zh = chat.say("剧本 启动 现场勘察")
    assert "向客户提交勘察报告" in zh.plain_text()
    assert "第 11 行" in chat.text("剧本列表")


def test_bad_files_are_reported_at_start(core, folder, caplog):
    caplog.set_level("ERROR", logger="bot.commercial")
    lib = check_playbook_files(core)
    assert {"security-review", "site-survey", "renewal"} <= set(lib.playbooks)
    messages = [r.getMessage() for r in caplog.records]
    assert any("bad.toml, line 11, steps[2].owner" in m for m in messages)
    assert any("broken.yml" in m for m in messages)


@pytest.mark.parametrize(("text", "fmt", "where", "code"), [
    ('name = "x"\ntitle = "X"\nsteps = []\n', "toml", ("steps",), "no_steps"),
    ('name = "Bad Name"\ntitle = "X"\n[[steps]]\ntitle = "a"\nowner = "AR"\n', "toml",
     ("name",), "bad_name"),
    ('name = "x"\ntitle = "X"\n[[steps]]\ntitle = "a"\nowner = "AR"\ndue = -3\n', "toml",
     ("steps", 0, "due"), "bad_due"),
    ('name = "x"\ntitle = "X"\n[[steps]]\ntitle = "a"\nowner = "AR"\nshared = "yes"\n', "toml",
     ("steps", 0, "shared"), "bad_shared"),
    ('name = "x"\ntitle = "X"\ntrigger = { on = "renewal", window = 45 }\n[[steps]]\n'
     'title = "a"\nowner = "AR"\n', "toml", ("trigger", "window"), "bad_window"),
    ('name = "x"\ntitle = "X"\ntrigger = { on = "stage" }\n[[steps]]\ntitle = "a"\n'
     'owner = "AR"\n', "toml", ("trigger", "stage"), "bad_stage"),
    ('name = "x"\ntitle = "X"\ntrigger = { on = "health", color = "blue" }\n[[steps]]\n'
     'title = "a"\nowner = "AR"\n', "toml", ("trigger", "color"), "bad_color"),
    ('name = "x"\ntitle = "X"\nowner = "AR"\n[[steps]]\ntitle = "a"\nowner = "AR"\n', "toml",
     ("owner",), "unknown_key"),
    ("name: x\ntitle: X\nsteps:\n  - title: a\n    ownr: AR\n", "yaml",
     ("steps", 0, "ownr"), "unknown_key"),
    ("name: x\ntitle: X\nsteps:\n  - title: a\n", "yaml", ("steps", 0, "owner"), "missing"),
    ("- just\n- a list\n", "yaml", (), "not_table"),
])
def test_each_mistake_is_named(text, fmt, where, code):
    with pytest.raises(PlaybookError) as caught:
        load_source(text, fmt, source="f", windows=(90, 60, 30))
    assert (caught.value.path, caught.value.code) == (where, code)


def test_error_lines_point_at_the_field():
    yaml_text = "name: x\ntitle: X\nsteps:\n  - title: a\n    owner: AR\n  - title: b\n    owner: boss\n"
    with pytest.raises(PlaybookError) as caught:
        load_source(yaml_text, "yaml", source="f", windows=(90,))
    assert caught.value.line == 7 and caught.value.field == "steps[2].owner"
    with pytest.raises(PlaybookError) as caught:
        load_source('name = "x"\ntitle = "X"\n[[steps]]\ntitle = "a"\nowner = "AR"\n'
                    'due = "soon"\n', "toml", source="f", windows=(90,))
    assert caught.value.line == 6 and caught.value.field == "steps[1].due"
    with pytest.raises(PlaybookError) as caught:
        load_source('name = "x"\ntitle = \n', "toml", source="f", windows=(90,))
    assert caught.value.code == "syntax" and caught.value.line == 2


def test_admins_add_and_remove_playbooks_from_chat(core, chat, acme):
    paste = 'playbook add\n```toml\nname = "handover-check"\ntitle = { en = “Handover check”, zh = “交接检查” }\n[[steps]]\ntitle = "Meet the new AR"\nowner = "sponsor"\ndue = 7\n```'
    refused = chat.say(paste)
    assert refused.is_error and "Only admins" in refused.title
    core.settings.KAMBOT_ADMINS = ["alice"]
    added = chat.say(paste)
    assert added.title == "Playbook handover-check (Handover check) added for every account."
    assert "1. Meet the new AR · sponsor · due day +7" in added.plain_text()
    assert "handover-check" in chat.text("playbooks", user="bob")
    assert chat.say("playbook run handover-check").title.startswith("Playbook started")
    # A chat playbook may replace a built-in one; removing it brings the built-in back.
    replaced = chat.say('playbook add\nname: qbr\ntitle: Our QBR\nsteps:\n  - title: Book it\n    owner: AR\n')
    assert "replaces the playbook of the same name (built in)" in replaced.plain_text()
    assert "Our QBR" in chat.text("playbook qbr")
    assert chat.say("playbook remove qbr").title == "Playbook qbr removed."
    assert "Quarterly business review" in chat.text("playbook qbr")
    assert chat.say("playbook remove renewal").is_error  # built in: stays
    bad = chat.say('playbook add\nname = "x"\ntitle = "X"\n[[steps]]\ntitle = "a"\nowner = "ceo"\n')
    assert bad.is_error and "the pasted playbook, line 5, steps[1].owner" in bad.plain_text()
    zh = chat.say('剧本 添加\nname = "x"\ntitle = "X"\n[[steps]]\ntitle = "a"\nowner = "ceo"\n',
                  language="zh")
    assert "粘贴的剧本, 第 5 行, steps[1].owner" in zh.plain_text()


def test_the_readme_examples_load():
    import re

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    toml = load_source(re.search(r"```toml\n(.*?)```", readme, re.S).group(1), "toml",
                       source="README", windows=(90, 60, 30))
    # YAML 1.1 reads `on:` as true; the trigger still reads it as "on".
    yaml = load_source(re.search(r"```yaml\n(.*?)```", readme, re.S).group(1), "yaml",
                       source="README", windows=(90, 60, 30))
    assert toml.trigger == yaml.trigger and toml.trigger.stage == "opportunity"
    assert [(s.owner, s.due_days, s.shared) for s in yaml.steps] == [
        ("SR", 5, False), ("CUSTOMER", 20, True)]
    assert toml.steps[0].title == {"en": "Send the security questionnaire", "zh": "发送安全问卷"}
