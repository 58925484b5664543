"""`kambot import transcript FILE --account NAME`: a note and printed proposals; --create."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from sqlmodel import func, select

from bot.app import Core
from bot.cli import build_parser, main
from bot.import_transcript import import_transcript_file
from storage.models import Decision, Note, Proposal, Task
from tests.support import Conversation

SAMPLES = Path(__file__).resolve().parents[1] / "commands" / "transcripts"


def count(core: Core, model: type) -> int:
    with core.sessions() as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


@pytest.fixture
def acme(chat: Conversation) -> Core:
    chat.say('account new "Acme Corp" tier=core')
    chat.say("triangle AR=@alice SR=@bob FR=@carol")
    return chat.core


def run(core: Core, path: Path, **kw: object) -> tuple[int, str]:
    out = io.StringIO()
    code = import_transcript_file(core, path, out=out, **{"account": "Acme Corp", **kw})  # type: ignore[arg-type]
    return code, out.getvalue()


def test_import_stores_the_note_and_prints_proposals_only(acme: Core) -> None:
    code, out = run(acme, SAMPLES / "zoom_quarterly_review.vtt")
    assert code == 0
    assert "Transcript zoom_quarterly_review.vtt saved as note 1 on Acme Corp." in out
    assert "1. send the revised quote — SR — due 2026-11-27 (Fri)" in out
    assert "[accept 1 1]" in out and "1. we go ahead with the three-year plan." in out
    assert "Nothing else was created" in out and "--create" in out
    assert count(acme, Note) == 1 and count(acme, Proposal) == 4
    assert count(acme, Task) == 0 and count(acme, Decision) == 0


def test_import_with_create_makes_the_tasks_and_decisions(acme: Core) -> None:
    code, out = run(acme, SAMPLES / "support_review.srt", create=True)
    assert code == 0
    assert "1 task(s) created, 1 decision(s) recorded" in out
    with acme.sessions() as session:
        [task] = session.exec(select(Task)).all()
        assert (task.title, task.role) == ("ship the spare parts", "FR")
        assert session.exec(select(Decision)).one().text == "the hotline stays open on Saturdays."


def test_import_in_chinese(acme: Core) -> None:
    code, out = run(acme, SAMPLES / "tencent_meeting_zh.txt", lang="zh")
    assert code == 0
    assert "会议转写 tencent_meeting_zh.txt 已保存为 Acme Corp 的第 1 条纪要。" in out
    assert "除纪要外没有创建任何内容" in out


def test_unknown_account(acme: Core) -> None:
    code, out = run(acme, SAMPLES / "zoom_quarterly_review.vtt", account="Initrode")
    assert code == 2 and "no account called 'Initrode'" in out
    assert count(acme, Note) == 0


def test_unreadable_file(acme: Core, tmp_path: Path) -> None:
    code, out = run(acme, tmp_path / "missing.vtt")
    assert code == 2 and "cannot read" in out and "missing.vtt" in out


@pytest.mark.parametrize(("name", "data", "words"), [
    ("minutes.pdf", b"%PDF-1.7", "I read .vtt, .srt, .txt, .docx"),
    ("broken.vtt", b"not a caption file", "not a valid WebVTT file"),
])
def test_a_file_that_cannot_be_read_stores_nothing(acme: Core, tmp_path: Path, name: str,
                                                   data: bytes, words: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    code, out = run(acme, path)
    assert code == 1 and out.startswith("kambot: ") and words in out
    assert count(acme, Note) == 0 and count(acme, Proposal) == 0


def test_through_the_command_line(acme: Core, database_url: str, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "review.vtt"
    shutil.copy(SAMPLES / "zoom_quarterly_review.vtt", path)
    assert main(["import", "transcript", str(path), "--account", "acme corp"]) == 0
    assert "saved as note 1 on Acme Corp" in capsys.readouterr().out
    assert count(acme, Note) == 1 and count(acme, Task) == 0
    with pytest.raises(SystemExit, match="--account NAME"):
        main(["import", "transcript", str(path)])
    args = build_parser().parse_args(["import", "transcript", "f.docx", "--account", "A",
                                      "--lang", "zh", "--create"])
    assert (args.what, args.account, args.lang, args.create) == ("transcript", "A", "zh", True)
