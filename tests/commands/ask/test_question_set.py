"""The share of the question set answered right without a model, per language: >= 0.9.

The tuned set and the held-out set (questions/heldout.toml, never tuned on) are scored
apart; `python -m bench ask_questions` prints the figures and every wrong answer.
"""

from __future__ import annotations

import pytest

from tests.commands.ask import questionset
from tests.commands.ask.record import build

TARGET = 0.9


@pytest.fixture
def outcomes(core):
    questionset.configure(core)
    with core.sessions.begin() as session:
        build(session)
    return [questionset.ask(core, q) for q in questionset.load()]


def test_the_set_is_large_and_half_chinese():
    questions = questionset.load()
    assert len(questions) >= 120
    zh = sum(q.lang == "zh" for q in questions)
    assert 0.4 <= zh / len(questions) <= 0.6
    assert {q.place for q in questions} == {"channel", "dm", "management"}
    assert {(q.place, q.lang) for q in questions} == {(p, lang) for p in ("channel", "dm", "management")
                                                      for lang in ("en", "zh")}
    assert sum(q.heldout for q in questions) >= 30


def test_share_answered_right_per_language_and_nothing_leaks(outcomes):
    for o in outcomes:
        # Initech's canary reaches only those who may read Initech (its own AR asks for it).
        if not any("CANARY" in e for e in o.question.expect):
            assert "CANARY" not in o.reply, o.question.ask
    assert any(o.right and any("CANARY" in e for e in o.question.expect) for o in outcomes)
    wrong = [f"[{o.question.lang}] {o.question.ask}: {'; '.join(o.problems)}" for o in outcomes if not o.right]
    for lang in ("en", "zh"):
        mine = [o for o in outcomes if o.question.lang == lang]
        share = sum(o.right for o in mine) / len(mine)
        assert share >= TARGET, f"{lang}: {share:.2f}\n" + "\n".join(wrong)
