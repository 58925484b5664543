"""With a model configured, a note's actions the rules missed are proposed, not created.

The rules' tasks are made at once; the model (commands.extraction.model) may add lines the
rules did not read, each shown with a Create button whose command is a `task` line, so a
person confirms what only the model saw. With a follow-up service (Slack, Telegram) the
model runs after the reply, outside the unit of work, and its proposals come as a second
message in the thread (none when it found nothing); without one (the console) it runs
before the reply. A failing or slow model leaves the rules' answer alone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from bot.messages import Button, Item, Reply, Section, Style
from commands.ask.port import LanguageModel
from commands.extract import ExtractedAction, Roster
from commands.extraction.model import merge, model_actions
from commands.format import fmt_date
from commands.i18n import Translator
from commands.note_capture import Captured
from commands.parsing import quote_arg
from commands.registry import Context
from storage.models import Note


def _command(action: ExtractedAction, roster: Roster) -> str:
    parts = ["task", quote_arg(action.title)]
    who = action.who
    if who is not None and who.kind == "person":
        person = next((p for p in roster.people if p.key == who.person), None)
        if person is not None and person.username:
            parts.append(f"owner=@{person.username.lstrip('@')}")
        elif who.role in ("AR", "SR", "FR"):
            parts.append(f"owner={who.role}")
    elif who is not None and who.kind == "role" and who.role:
        parts.append(f"owner={who.role}")
    if action.due is not None:
        parts.append(f"due={action.due.isoformat()}")
    return " ".join(parts)


def _items(t: Translator, lang: str, added: list[ExtractedAction], roster: Roster) -> list[Item]:
    items = []
    for action in added:
        bits = [action.title]
        if action.who is not None:
            bits.append(action.who.text)
        if action.due is not None:
            bits.append(t("task.due", date=fmt_date(lang, action.due)))
        buttons = [] if action.customer else [Button(t("capture.create"), _command(action, roster), Style.PRIMARY)]
        items.append(Item(" · ".join(bits), buttons=buttons))
    return items


def _proposals(llm: LanguageModel, text: str, roster: Roster, today: date,
               rules: list[ExtractedAction]) -> list[ExtractedAction]:
    merged = merge(rules, model_actions(llm, text, roster=roster, today=today))
    return merged[len(rules):]


def propose_from_model(ctx: Context, *, note: Note, text: str, captured: Captured) -> Section | None:
    """The model's extra actions as a Section now (no follow-up service), or later."""
    llm: LanguageModel | None = ctx.services.get("llm")
    if llm is None or captured.roster is None:
        return None
    roster, rules, today = captured.roster, captured.rule_actions, ctx.clock.today()
    t, lang, number = ctx.t, ctx.lang, note.number
    followup = ctx.services.get("followup")
    if followup is None:
        added = _proposals(llm, text, roster, today, rules)
        if not added:
            return None
        return Section(title=t("capture.model_found", count=len(added), number=number),
                       items=_items(t, lang, added, roster), text=t("capture.model_hint"))

    def work() -> Reply | None:
        added = _proposals(llm, text, roster, today, rules)
        if not added:
            return None
        return Reply(title=t("capture.model_found", count=len(added), number=number),
                     sections=[Section(items=_items(t, lang, added, roster))],
                     footer=t("capture.model_hint"))

    incoming = ctx.incoming
    later: Callable[[], None] = lambda: followup.later(incoming, work)  # noqa: E731
    ctx.after_commit.append(later)
    return None
