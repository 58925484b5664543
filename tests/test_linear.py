"""Every parser and regular expression that reads what people (or models) write is linear.

Hostile input is a short fragment repeated up to the input limit (100,000 characters, what
the edges let through), with a prefix that sends it down a parser's path and a suffix
that makes a match fail late. Each target must finish within a generous bound: linear
code takes milliseconds here, quadratic code takes minutes. (commands/dates.py and
commands/extract.py have their own tests.)
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters import console, slack_incoming, telegram_updates
from bot.dispatcher import written_in_chinese
from bot.messages import MAX_INPUT_CHARS, Item, Reply, Section
from bot.render import markup
from bot.render.plain import render_plain
from bot.render.slack import render_slack
from bot.render.telegram import render_telegram
from commands import parsing, routing
from commands.ask import context, intents, postprocess, resolve, summarize
from commands.handlers import core_account
from commands.reports import Month, slug
from storage import repos, search
from storage.models import Account

BOUND = 5.0  # seconds; linear work on 100,000 characters takes a few milliseconds
ALPHABET = list("aZ09 \t\n\u3000=＝<>@!#|^[]()\"'“”「」.,-_:/&;*%+") + [
    "中", "文", "é", "😀", "\u2060", "\ud800", "\ue000", "\ue001", "\x1f"]
PREFIXES = ["", "task ", "note ", "ask ", "/kam ", "<@U1> ", "account set renewal=", "@",
            "[task ", "<!", "<@U1|", "<http://x", "task \"", "www.", "a@", "#"]
SUFFIXES = ["", "=", ">", "\"", "x", "]", ")", "@", " owner=SR"]

fragments = st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=6).map("".join)


def hostile(prefix: str, fragment: str, suffix: str, size: int = MAX_INPUT_CHARS) -> str:
    body = fragment * max(1, (size - len(prefix) - len(suffix)) // len(fragment))
    return prefix + body + suffix


BOT = telegram_updates.BotIdentity(1, "kambot")
ACCOUNTS = [Account(id=1, name="Acme Corp", name_key="acme corp"),
            Account(id=2, name="华星零售", name_key="华星零售"),
            Account(id=3, name="Globex Intl", name_key="globex intl")]


def _parse(text: str) -> object:
    try:
        return parsing.parse_command(text)
    except parsing.ParseError:
        return None


TARGETS: dict[str, Callable[[str], object]] = {
    "split_verb": parsing.split_verb,
    "parse_command": _parse,
    "parse_command free text": lambda s: parsing.parse_command(s, free_text=True),
    "quote_arg round trip": lambda s: _parse("task " + parsing.quote_arg(s)),
    "written_in_chinese": written_in_chinese,
    "route_task": routing.route_task,
    "parse_role": routing.parse_role,
    "intents.detect": intents.detect,
    "resolve.resolve": lambda s: resolve.resolve(s, ACCOUNTS),
    "resolve.strip_name": lambda s: resolve.strip_name(s, ["Acme Corp", "acme"]),
    "postprocess.clean": lambda s: postprocess.clean(s, tasks={1}, notes={1}, sources=s[:500]),
    "postprocess.defang": postprocess.defang,
    "context.defuse": context.defuse,
    "summarize.decision_lines": summarize.decision_lines,
    "slack.unescape": slack_incoming.unescape,
    "slack.normalize_mentions": slack_incoming.normalize_mentions,
    "slack.strip_bot_mention": lambda s: slack_incoming.strip_bot_mention(s, "UBOT"),
    "telegram.command_text": lambda s: telegram_updates.command_text(s, BOT),
    "console.mentions_in": console.mentions_in,
    "console.logical_lines": lambda s: list(console.logical_lines(s.split("\n"))),
    "markup.pieces": lambda s: list(markup.pieces(s)),
    "render_slack": lambda s: render_slack(Reply(title=s[:200], sections=[
        Section(text=s, items=[Item(s[:3000])])])),
    "render_telegram": lambda s: render_telegram(Reply(title=s[:200], sections=[
        Section(text=s, items=[Item(s[:3000])])])),
    "render_plain": lambda s: render_plain(Reply(sections=[Section(text=s)])),
    "search.index_text": search.index_text,
    "search.query_terms": search.query_terms,
    "repos.name_key": repos.name_key,
    "reports.Month.parse": Month.parse,
    "reports.slug": slug,
    "parse_amount": lambda s: _refusal(core_account.parse_amount, s),
    "parse_margin": lambda s: _refusal(core_account.parse_margin, s),
}


def _refusal(fn: Callable[[str], object], text: str) -> object:
    try:
        return fn(text)
    except Exception:
        return None


def timed(fn: Callable[[str], object], text: str) -> float:
    started = time.perf_counter()
    fn(text)
    return time.perf_counter() - started


@pytest.mark.parametrize("name", sorted(TARGETS))
@settings(max_examples=20, deadline=None, derandomize=True)
@given(fragment=fragments, prefix=st.sampled_from(PREFIXES), suffix=st.sampled_from(SUFFIXES))
def test_linear_on_hostile_input(name, fragment, prefix, suffix):
    text = hostile(prefix, fragment, suffix)
    took = timed(TARGETS[name], text)
    assert took < BOUND, f"{name} took {took:.1f} s on {text[:40]!r}…"


# The shapes found to be quadratic or worse before they were fixed, checked every run.
KNOWN = [
    ("written_in_chinese", "", "a", ""),
    ("written_in_chinese", "task ", "<@", ""),
    ("slack.normalize_mentions", "", "<@U1|", ""),
    ("slack.unescape", "", "<#C1|", ""),
    ("slack.unescape", "", "<http://x", ""),
    ("postprocess.clean", "", "<@U1|", ""),
    ("postprocess.clean", "", "a", ""),
    ("postprocess.clean", "", "[", ""),
    ("postprocess.clean", "", "<!subteam^", ""),
    ("resolve.resolve", "", "ab ", ""),
    ("intents.detect", "", "a ", ""),
    ("route_task", "", "a", ""),
]


@pytest.mark.parametrize("name, prefix, fragment, suffix", KNOWN)
def test_known_hostile_shapes(name, prefix, fragment, suffix):
    text = hostile(prefix, fragment, suffix)
    took = timed(TARGETS[name], text)
    assert took < BOUND, f"{name} took {took:.1f} s"
