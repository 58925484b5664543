"""Answers from what was written: what was said or agreed with a person or about a topic
(the matching lines of notes and the recorded decisions, never whole notes), the last
meeting and its actions, and the closest lines for a question nothing else answers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.messages import Item, Reply, Section
from commands.ask import lexicon as lx
from commands.ask import topics
from commands.ask.answer_account import operational_fields
from commands.ask.context import relevant_note_ids
from commands.ask.intents import Intent
from commands.ask.topics import Group, TopicMatcher, has_term, matches, tokens
from commands.ask.understand import name_forms
from commands.textfold import fold
from storage import ask_repo, record_repo, repos, search
from storage.models import Note

if TYPE_CHECKING:
    from commands.ask.answers import Answer, Answerer

MAX_LINES = 8
LINE_CHARS = 240
SCAN_NOTES = 40
_SENTENCE = re.compile(r"[^\n。！？!?]+(?:[。！？!?]|$)|[^\n]+")
# A line that records a decision, when the decision table has none for a note.
_DECISION_LINE = re.compile(
    r"(?<![a-z])(?:decision|decided|agreed|we agree|agreement|conclusion)(?![a-z])"
    r"|决定|决议|同意|约定|共识|达成|敲定", re.I)
@dataclass(frozen=True, slots=True)
class Line:
    note: Note | None
    text: str
    score: int
    decision: bool = False


def _sentences(text: str) -> list[str]:
    return [s.strip(" -•*\t") for s in _SENTENCE.findall(text) if s.strip(" -•*\t")]


def topic_terms(a: Answerer, question: str, person_forms: tuple[str, ...]) -> list[Group]:
    """What the question is about, without the account's name and the person it names."""
    ignore = {w.casefold() for w in a.facts.name.split()}
    return topics.groups_of(question, ignore=ignore, person_forms=person_forms)


def _person_forms(a: Answerer, intent: Intent) -> tuple[str, ...]:
    who = intent.who
    if who is None:
        return ()
    forms = list(name_forms(who.name))
    if who.kind == "stakeholder":
        for s in a.facts.stakeholders:
            if s.id == who.id and s.title:
                forms.append(s.title.casefold())
    else:
        person = a.people.get(who.id)
        if person is not None and person.username:
            forms.append(person.username.casefold())
    return tuple(dict.fromkeys(f for f in forms if len(f) >= 2))



def matching_lines(a: Answerer, intent: Intent, question: str, *, decisions_only: bool = False) -> list[Line]:
    """The sentences of notes (and the recorded decisions) that speak about the topic of
    ``question`` and, when it names one, with or about a person; best first.

    With a person and no topic: the sentences naming them, and what was decided in the
    notes that name them. With neither: everything said in the window the question names,
    or else what was decided.
    """
    f = a.facts
    forms = _person_forms(a, intent)
    groups = topic_terms(a, question, forms)
    window = intent.window.bounds() if intent.window is not None else None
    person_terms = [tokens(form) for form in forms]
    query = " ".join(" ".join(t[0] for t in g[:1]) for g in groups) or question
    ids = relevant_note_ids(a.session, account_id=f.account_id, question=query,
                            ignore=[], window=window, limit=SCAN_NOTES, with_recent=False)
    notes = ask_repo.notes_by_ids(a.session, account_id=f.account_id, ids=ids)
    candidates = [notes[i] for i in ids if i in notes]
    # The newest notes too: names and translated topics are not always found by search.
    candidates += [n for n in record_repo.recent_notes(a.session, account_id=f.account_id, limit=SCAN_NOTES)
                   if n.id not in notes]
    if window is not None:
        candidates = [n for n in candidates if window[0] <= n.created_at < window[1]]
    author = intent.who.id if intent.who is not None and intent.who.kind == "team" else None
    everything = not groups and not forms and window is not None and not decisions_only
    agreeing = lx.AGREE.search(fold(question)) is not None
    lines: list[Line] = []
    split = {id(note): _sentences(note.text) for note in candidates}
    topics = TopicMatcher(groups, [x for sentences in split.values() for x in sentences])
    for note in candidates:
        note_tokens = tokens(note.text)
        by_author = author is not None and note.author_id == author
        in_note = any(has_term(note_tokens, p) for p in person_terms if p) or by_author
        if forms and not in_note:
            continue
        sentences = split[id(note)]
        # A note that speaks about the topic: what it decided belongs to the answer too
        # ("what did we agree in the kick-off?").
        on_topic = bool(groups) and any(topics.count(x) for x in sentences)
        for sentence in sentences:
            topic = topics.count(sentence)
            person = any(has_term(tokens(sentence), p) for p in person_terms if p)
            decided = bool(_DECISION_LINE.search(sentence))
            if on_topic and decided and not topic and agreeing:
                lines.append(Line(note, sentence, 1))
                continue
            if decisions_only and not decided:
                continue
            if groups and not topic:
                continue
            if forms and not groups and not (person or decided or by_author):
                continue
            if not groups and not forms and not (decided or everything):
                continue
            lines.append(Line(note, sentence, topic * 2 + person + decided))
    for row in record_repo.decisions_of(a.session, account_id=f.account_id):
        words = tokens(row.text)
        if groups and not any(matches(words, g) for g in groups):
            continue
        if window is not None and not (window[0] <= row.created_at < window[1]):
            continue
        source: Note | None = next((n for n in candidates if n.id == row.note_id), None)
        if forms and source is None:
            continue
        if source is None and row.note_id is not None:
            source = ask_repo.notes_by_ids(a.session, account_id=f.account_id, ids=[row.note_id]).get(row.note_id)
        lines.append(Line(source, row.text, 3, decision=True))
    # The same sentence from a note and from its decision row shows once, as a decision.
    seen: dict[tuple[int | None, str], Line] = {}
    for line in sorted(lines, key=lambda x: (not x.decision, -x.score)):
        key = (line.note.id if line.note else None, _same(line.text))
        # A note's line that holds a decision already shown ("Kick-off ... Decision: X") is it.
        if not line.decision and any(k[0] == key[0] and v.decision and k[1] and k[1] in key[1]
                                     for k, v in seen.items()):
            continue
        seen.setdefault(key, line)

    def when(line: Line) -> float:
        return line.note.created_at.timestamp() if line.note else 0.0

    return sorted(seen.values(), key=lambda x: (-x.score, -when(x)))[:MAX_LINES]


def _same(text: str) -> str:
    """A sentence reduced to its words: "Decision: we will send X." ~ "We will send X"."""
    text = re.sub(r"^(?:decision|decided|决定|决议)\s*[:：]\s*", "", text.strip(), flags=re.I)
    return " ".join(search.index_text(text).split())


def line_text(a: Answerer, line: Line) -> str:
    from commands.ask.answers import snippet

    text = snippet(line.text, LINE_CHARS)
    if line.note is None:
        return a.t("ask.said.decision_only", text=text)
    key = "ask.said.decision" if line.decision else "ask.said.line"
    return a.t(key, ref=a.note_ref(line.note.number), date=a.day(line.note.created_at.date()), text=text)


def agreement(a: Answerer, intent: Intent, question: str) -> Answer:
    from commands.ask.answers import Answer

    f = a.facts
    if _lists_decisions(a, intent, question):
        return recent_decisions(a, intent)
    lines = matching_lines(a, intent, question)
    if not lines and intent.who is None and lx.AGREE.search(fold(question)):
        # Nothing matched the words: the decisions on record (of the period, if one was named).
        lines = matching_lines(a, intent, "", decisions_only=True)
    not_in_period = False
    if not lines and intent.window is not None:
        lines = matching_lines(a, Intent(intent.kind, who=intent.who), question)
        not_in_period = bool(lines)
    if not lines and intent.who is not None:
        return _nothing_with(a, intent)
    if not lines:
        return unknown(a, intent, question)
    key = "ask.said.with" if intent.who is not None else "ask.agreement.title"
    reply = Reply(title=a.t(key, account=f.name, who=intent.who.name if intent.who else ""))
    answer = Answer(reply, notes={ln.note.number for ln in lines if ln.note is not None})
    if not_in_period:
        reply.sections.append(Section(text=a.t("ask.agreement.not_in_period")))
    reply.sections.append(Section(items=[Item(line_text(a, ln)) for ln in lines]))
    notes = list({ln.note.id: ln.note for ln in lines if ln.note is not None}.values())
    actions = _tasks_of_notes(a, notes)
    if actions:
        reply.sections.append(Section(title=a.t("ask.meeting.actions"), items=a.task_items(actions, answer)))
    _related_actions(a, answer, question)
    return answer


# "Any decisions lately?": the decisions of the last DECISIONS_DAYS days, or else the last
# DECISIONS_LAST ones, whenever they were taken.
DECISIONS_DAYS = 60
DECISIONS_LAST = 5
_DECISIONS = lx.cue(r"decisions?(?! ?makers?)(?! chain)", r"decided", r"what (?:did|have) we decide", r"agreements",
                    "决定", "决议", "决策(?!人|者|链)", "定了什么", "达成了什么")


def _lists_decisions(a: Answerer, intent: Intent, question: str) -> bool:
    """A question for the decisions themselves, about no topic and no person."""
    if intent.who is not None or not _DECISIONS.search(fold(question)):
        return False
    if intent.window is not None and intent.window.kind != "recent":
        return False
    return not topic_terms(a, question, ())


def recent_decisions(a: Answerer, intent: Intent) -> Answer:
    """What was decided or agreed lately: the decision rows and the notes' lines that
    record one, of the last DECISIONS_DAYS days; else the latest decisions on record."""
    from datetime import timedelta

    from commands.ask.answers import Answer
    from commands.ask.periods import Window

    f = a.facts
    window = Window("past_days", f.today - timedelta(days=DECISIONS_DAYS), f.today, days=DECISIONS_DAYS)
    lines = matching_lines(a, Intent(intent.kind, window=window), "", decisions_only=True)
    if not lines:
        rows = sorted(record_repo.decisions_of(a.session, account_id=f.account_id),
                      key=lambda r: _aware(r.created_at), reverse=True)[:DECISIONS_LAST]
        ids = [r.note_id for r in rows if r.note_id is not None]
        notes = ask_repo.notes_by_ids(a.session, account_id=f.account_id, ids=ids)
        lines = [Line(notes.get(r.note_id) if r.note_id is not None else None, r.text, 3, decision=True)
                 for r in rows]
    if not lines:
        return unknown(a, intent, "")
    # Newest first: what was decided lately.
    lines.sort(key=lambda ln: -(_aware(ln.note.created_at).timestamp() if ln.note else 0.0))
    reply = Reply(title=a.t("ask.agreement.recent", account=f.name, count=len(lines), days=DECISIONS_DAYS))
    answer = Answer(reply, notes={ln.note.number for ln in lines if ln.note is not None})
    reply.sections.append(Section(items=[Item(line_text(a, ln)) for ln in lines]))
    return answer


def _aware(at: datetime) -> datetime:
    from datetime import UTC

    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _related_actions(a: Answerer, answer: Answer, question: str) -> None:
    """The actions whose titles speak about the question's topic, not shown yet."""
    from commands.ask.answer_tasks import about_topic

    related = [x for x in about_topic(a, question) if x.number not in answer.tasks]
    if related:
        answer.reply.sections.append(Section(title=a.t("ask.topic.related"),
                                             items=a.task_items(related, answer, limit=5)))


def _nothing_with(a: Answerer, intent: Intent) -> Answer:
    """No note speaks with or about the person: say so, and what the record knows of them."""
    from commands.ask.answer_account import stakeholder_line
    from commands.ask.answers import Answer

    assert intent.who is not None
    reply = Reply(title=a.t("ask.said.nothing_with", who=intent.who.name, account=a.facts.name))
    answer = Answer(reply)
    if intent.who.kind == "stakeholder":
        for s in a.facts.stakeholders:
            if s.id == intent.who.id:
                reply.sections.append(Section(items=[Item(stakeholder_line(a, s))]))
                answer.refs.append(a.t("ask.stakeholders.ref"))
    else:
        roles = [r for r, (pid, _) in a.facts.holders.items() if pid == intent.who.id]
        if roles:
            reply.sections.append(Section(text=a.t("ask.person.roles", who=intent.who.name, account=a.facts.name,
                                                   roles=a.t("ask.list_sep").join(a.t(f"role.{r}") for r in roles))))
    return answer


def _tasks_of_notes(a: Answerer, notes: list[Note]) -> list:
    ids = [n.id for n in notes if n.id is not None]
    tasks = ask_repo.tasks_from_notes(a.session, account_id=a.facts.account_id, note_ids=ids)
    return a.facts_of(list(tasks), {n.id: n.number for n in notes if n.id is not None})


def last_meeting(a: Answerer, intent: Intent, question: str) -> Answer:
    from commands.ask.answers import Answer, snippet

    f = a.facts
    if f.last_note is None:
        return Answer(Reply(title=a.t("ask.meeting.none", account=f.name)))
    about = _note_about(a, intent, question)
    found: Note | None
    if about is not None:
        # "What happened at the site visit?": the note about it, not the latest one.
        reply = Reply(title=a.t("ask.meeting.about", account=f.name, ref=a.note_ref(about.number),
                                date=a.day(about.created_at.date())))
        number, text, found = about.number, about.text, about
    else:
        note = f.last_note
        reply = Reply(title=a.t("ask.meeting.title", account=f.name, ref=a.note_ref(note.number),
                                date=a.day(note.at.date())))
        number, text = note.number, note.text
        found = repos.note_by_number(a.session, account_id=f.account_id, number=note.number)
    answer = Answer(reply, notes={number})
    reply.sections.append(Section(text=snippet(text, 800)))
    actions = _tasks_of_notes(a, [found] if found else [])
    if actions:
        reply.sections.append(Section(title=a.t("ask.meeting.actions"), items=a.task_items(actions, answer)))
    return answer


def _note_about(a: Answerer, intent: Intent, question: str) -> Note | None:
    """The note that speaks most about what the question names, when it names something."""
    groups = topic_terms(a, question, _person_forms(a, intent))
    if not groups:
        return None
    notes = {ln.note.id: ln.note for ln in matching_lines(a, intent, question)
             if ln.note is not None and ln.score >= 2}
    if not notes:
        return None
    if _LATEST.search(fold(question)):
        # "the last call with Li Wei": the newest note about it, not the one that says most.
        return max(notes.values(), key=lambda n: n.created_at)
    # The note that speaks about most of what is asked; of those, the newest.
    return max(notes.values(), key=lambda n: (sum(matches(tokens(n.text), g) for g in groups), n.created_at))


_LATEST = lx.cue(r"last", r"latest", r"most recent", r"recent", r"previous", "上次", "上一次", "最近", "最新")


def unknown(a: Answerer, intent: Intent, question: str) -> Answer:
    from commands.ask.answers import Answer

    f = a.facts
    lines = matching_lines(a, Intent(intent.kind, who=intent.who), question)
    reply = Reply(title=a.t("ask.unknown.title", account=f.name))
    answer = Answer(reply, notes={ln.note.number for ln in lines if ln.note is not None})
    if lines:
        reply.sections.append(Section(title=a.t("ask.unknown.notes"),
                                      items=[Item(line_text(a, ln)) for ln in lines]))
    _related_actions(a, answer, question)
    reply.sections.append(Section(title=a.t("ask.unknown.facts"), fields=operational_fields(a)))
    reply.sections.append(Section(text=a.t("ask.unknown.hint")))
    return answer

