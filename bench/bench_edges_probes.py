"""Hostile-input probes of the edges: how many cases get through, per category.

``python -m bench edges_probes`` prints, per category,
probes tried and probes failed:

- slack_render: hostile text in every place a Reply holds text, rendered to Block Kit; a
  failure is a live broadcast, mention, channel or link token in any mrkdwn string or in
  the notification text;
- telegram_render: the same through Telegram HTML; a failure is a tag other than b/i or an
  ``@name`` that would ping (kambot's own mention aside);
- slack_unicode / telegram_unicode: the same replies; a failure is a reply that cannot be
  encoded for sending or crashes the renderer (lone surrogates);
- model_output: injected model answers (nesting tricks) cleaned and rendered for Slack; a
  failure is a live broadcast;
- linear: parsers fed 40,000 characters of a repeated hostile fragment, each in its own
  process; a failure takes longer than 2 s (linear work takes milliseconds).

It uses only interfaces older trees have too, so the same script measures before and after.
"""

from __future__ import annotations

import json
import multiprocessing
import random
import re
import sys
import time
from typing import Any

HOSTILE = [
    "<!channel>", "<!here>", "<!everyone>", "<!subteam^S123|@team>", "<!here|here>",
    "<@U123>", "<@W999|boss>", "<#C123|general>", "<https://evil.example|click>",
    "<mailto:a@b.c|mail>", "@channel", "@here", "@everyone", "@bob_sr", "<!chan", "nel>",
    "<", ">", "&", "&lt;!channel&gt;", "<a href=\"tg://user?id=1\">x</a>", "<b>", "</b>",
    "tg://user?id=42", "\ud800", "\udfff", "*", "_", "`", "\n", " ", "x", "中文", "😀", "@",
    "!", "|", "^", "＂", "“", "”",
]
_SLACK_LIVE = re.compile(r"<[@!#]|<(?:https?|mailto|tel):")
_SLACK_AT = re.compile(r"(?<![\w@.+\-])@(?:channel|here|everyone)\b")
_TG_TAG = re.compile(r"<(/?)([a-z]+)")
_TG_MENTION = re.compile(r"(?<![\w@.+\-\u2060])@\w")


def hostile_texts(n: int, seed: int = 13) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(HOSTILE) for _ in range(rng.randint(1, 12))) for _ in range(n)]


def reply_of(text: str) -> Any:
    from bot.messages import Button, Item, Reply, Section

    return Reply(title=text, footer=text, buttons=[Button(text or "x", "done 1")],
                 sections=[Section(title=text, text=text, fields=[(text, text)],
                                   items=[Item(text), Item(text, buttons=[Button("x", "done 1")])])])


def _mrkdwn(node: Any, out: list[str]) -> list[str]:
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn":
            out.append(node["text"])
        for value in node.values():
            _mrkdwn(value, out)
    elif isinstance(node, list):
        for value in node:
            _mrkdwn(value, out)
    return out


def slack_live(reply: Any, *, encode: bool = True) -> bool:
    from bot.render.slack import render_slack

    for msg in render_slack(reply):
        if encode:
            json.dumps(msg.blocks, ensure_ascii=False).encode()
        for text in _mrkdwn(msg.blocks, []) + [msg.text]:
            if _SLACK_LIVE.search(text) or _SLACK_AT.search(text):
                return True
    return False


def probe_slack_render(n: int, *, unicode: bool = False) -> tuple[int, int]:
    """Live tokens (``unicode``: text that cannot be encoded for sending) in n replies."""
    failed = 0
    for text in hostile_texts(n):
        if unicode:
            try:
                slack_live(reply_of(text))
            except UnicodeError:
                failed += 1
            continue
        failed += slack_live(reply_of(text), encode=False)
    return n, failed


def probe_telegram_render(n: int, *, unicode: bool = False) -> tuple[int, int]:
    from bot.render.telegram import render_telegram

    failed = 0
    for text in hostile_texts(n, seed=17):
        try:
            bad = False
            for msg in render_telegram(reply_of(text)):
                msg.html.encode()
                tags = {m.group(2) for m in _TG_TAG.finditer(msg.html)}
                bad = bad or not tags <= {"b", "i"} or bool(_TG_MENTION.search(msg.html))
            failed += bad and not unicode
        except UnicodeError:
            failed += unicode
    return n, failed


INJECTIONS = [
    "<!chan<@UX>nel>", "<!he<!here>re>", "<!<!channel>channel>", "<!ever<@U1|x>yone>",
    "@ch<!here>annel", "<!chan[task 99]nel>", "<!here[note 77]>", "<<!channel>!channel>",
    "<!subteam^S1<@U2>|@team>", "<!chan<https://x.example|y>nel>", "<!chan@herenel>",
    "<!cha<!here>nnel> and <!ev<!channel>eryone>", "@her<@U9>e", "<@U1<!here>23>",
    "<!channel|chan<@U1>nel>", "<!chan\u200bnel>", "<!ch<mailto:a@b.c|x>annel>",
    "<!chan#99nel>", "<!ch<!ch<!channel>annel>annel>", "<!channel>",
]


def probe_model_output() -> tuple[int, int]:
    from bot.messages import Reply, Section
    from commands.ask.postprocess import clean

    failed = 0
    for text in INJECTIONS:
        cleaned = clean(f"Summary: {text} done.", tasks={1}, notes={1}, sources="task 1")
        failed += slack_live(Reply(sections=[Section(text=cleaned.text)]))
    return len(INJECTIONS), failed


LINEAR = [
    ("bot.dispatcher:written_in_chinese", "", "a"),
    ("bot.dispatcher:written_in_chinese", "task ", "<@"),
    ("bot.adapters.slack_incoming:unescape", "", "<#C1|"),
    ("bot.adapters.slack_incoming:unescape", "", "<http://x"),
    ("bot.adapters.slack_incoming:normalize_mentions", "", "<@U1|"),
    ("commands.ask.postprocess:clean", "", "a"),
    ("commands.ask.postprocess:clean", "", "<@U1|"),
    ("commands.ask.postprocess:clean", "", "<!subteam^"),
    ("commands.ask.postprocess:clean", "", "["),
    ("commands.ask.postprocess:clean", "", " "),
    ("commands.ask.intents:detect", "", "<@U1|"),
    ("storage.search:query_terms", "", "中"),
    ("commands.parsing:parse_command", "task ", "a"),
    ("commands.parsing:split_verb", "", " "),
    ("commands.routing:route_task", "", "a"),
    ("bot.adapters.console:mentions_in", "", "@a"),
]


def _call(target: str, text: str) -> None:
    module, name = target.split(":")
    fn = getattr(__import__(module, fromlist=[name]), name)
    if name == "clean":
        fn(text, tasks=set(), notes=set(), sources="")
    else:
        try:
            fn(text)
        except Exception:
            pass


def probe_linear(size: int = 40_000, bound: float = 2.0, cap: float = 10.0) -> tuple[int, int]:
    failed = 0
    ctx = multiprocessing.get_context("spawn")
    for target, prefix, fragment in LINEAR:
        text = prefix + fragment * (size // len(fragment))
        proc = ctx.Process(target=_call, args=(target, text))
        started = time.monotonic()
        proc.start()
        proc.join(cap)
        took = time.monotonic() - started
        if proc.is_alive():
            proc.kill()
            proc.join()
        if took > bound:
            failed += 1
            print(f"  slow: {target} on {prefix!r}+{fragment!r}x ({took:.1f} s)", file=sys.stderr)
    return len(LINEAR), failed


def main() -> None:
    results = {
        "slack_render": probe_slack_render(5000),
        "slack_unicode": probe_slack_render(5000, unicode=True),
        "telegram_render": probe_telegram_render(5000),
        "telegram_unicode": probe_telegram_render(5000, unicode=True),
        "model_output": probe_model_output(),
        "linear": probe_linear(),
    }
    for name, (tried, failed) in results.items():
        print(f"{name:16} tried {tried:6}  failed {failed:6}")


if __name__ == "__main__":
    main()
