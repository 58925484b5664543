"""The question set: load tests/commands/ask/questions/*.toml, ask every question through
the real dispatcher (a channel, a direct message or the management channel) on the record
of tests/commands/ask/record.py, and score the answers.

A question is answered right when the reply is not a refusal (unless ``error = true``),
holds every ``expect`` string and none of the ``absent`` ones. ``#n`` stands for task n
exactly (``#1`` does not match ``#13``). Used by test_question_set.py and by
``python -m bench ask_questions`` (which prints the figures).
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.app import Core
from bot.messages import User
from tests.commands.ask.record import PEOPLE
from tests.support import Conversation

HERE = Path(__file__).parent / "questions"
MANAGEMENT = "mgmt"
ADMIN = "zed"


@dataclass(frozen=True)
class Question:
    ask: str
    lang: str
    where: str = "northwind"
    user: str = "alice"
    expect: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    error: bool = False
    heldout: bool = False
    source: str = ""

    @property
    def place(self) -> str:
        return {"dm": "dm", MANAGEMENT: "management"}.get(self.where, "channel")


@dataclass
class Outcome:
    question: Question
    reply: str
    problems: list[str] = field(default_factory=list)

    @property
    def right(self) -> bool:
        return not self.problems


def load(folder: Path = HERE) -> list[Question]:
    out = []
    for path in sorted(folder.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for row in data.get("q", []):
            out.append(Question(ask=row["ask"], lang=row["lang"], where=row.get("where", "northwind"),
                                user=row.get("user", "alice"), expect=tuple(row.get("expect", ())),
                                absent=tuple(row.get("absent", ())), error=bool(row.get("error", False)),
                                heldout=bool(data.get("heldout", False)), source=path.name))
    return out


def configure(core: Core) -> None:
    """The management channel and the admin the questions use."""
    core.dispatcher.settings = core.dispatcher.settings.model_copy(
        update={"KAMBOT_MANAGEMENT_CHANNEL": MANAGEMENT, "KAMBOT_ADMINS": [ADMIN]})


def _holds(text: str, fact: str) -> bool:
    if re.fullmatch(r"#\d+", fact):
        return re.search(re.escape(fact) + r"(?!\d)", text) is not None
    return fact.casefold() in text.casefold()


def ask(core: Core, q: Question) -> Outcome:
    chat = Conversation(core, channel=q.where, user=q.user)
    if q.where == "dm":
        incoming = chat.incoming(f"ask {q.ask}", channel=f"dm-{q.user}", is_direct=True)
    else:
        incoming = chat.incoming(f"ask {q.ask}")
    # People speak under their display names, as the platforms send them.
    incoming = replace(incoming, user=User(id=q.user, name=PEOPLE.get(q.user, q.user), username=q.user))
    reply = chat.send(incoming)
    assert reply is not None
    text = reply.plain_text()
    outcome = Outcome(q, text)
    if reply.is_error != q.error:
        outcome.problems.append("refused" if reply.is_error else "answered instead of refused")
    outcome.problems += [f"missing {f!r}" for f in q.expect if not _holds(text, f)]
    outcome.problems += [f"should not hold {f!r}" for f in q.absent if _holds(text, f)]
    return outcome


def score(outcomes: list[Outcome]) -> dict[tuple[str, str], tuple[int, int]]:
    """(set, language) and (set, place) -> (right, asked); set is "tuned" or "held-out"."""
    table: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for o in outcomes:
        part = "held-out" if o.question.heldout else "tuned"
        for key in ((part, o.question.lang), (part, o.question.place), ("all", o.question.lang)):
            table[key][0] += o.right
            table[key][1] += 1
    return {k: (v[0], v[1]) for k, v in table.items()}
