"""Titles matched against a question's topics by sets of words made once per question give
the same tasks as every title's words read one by one (topics.has_term)."""

from __future__ import annotations

import random

from commands.ask import topics
from commands.ask.lexicon import strip_cues
from commands.textfold import fold

WORDS = ["pilot", "pilots", "quote", "quoted", "quotation", "renewal", "renew", "send", "deck",
         "qbr", "install", "installation", "acceptance", "accept", "delivery", "price",
         "pricing", "fixed-price", "续约", "报价", "回款", "计划", "验收", "系统", "收银系统"]
QUESTIONS = ["has the quote been sent?", "what's left on the installation?",
             "where are we on pricing", "收银系统的问题", "回款计划谈得怎么样了？",
             "what about the pilots and the renewal", "验收报告提交了吗", "any news on delivery"]


def _one_by_one(question: str, titles: list[tuple[int, str]]) -> list[int]:
    groups = [g for g in topics.groups_of(strip_cues(fold(question)))
              if not topics._only_said_kind(g)]
    if not groups:
        groups = [g for g in topics.groups_of(question) if not topics._only_said_kind(g)]
    if not groups:
        return []
    scored = [(sum(topics.matches(topics.tokens(title), g) for g in groups), n)
              for n, title in titles]
    best = max((score for score, _ in scored), default=0)
    return [n for score, n in scored if score and score == best]


def test_the_same_titles_as_word_by_word():
    rng = random.Random(3)
    titles = [(n, " ".join(rng.sample(WORDS, rng.randint(1, 4)))) for n in range(1, 400)]
    for question in QUESTIONS:
        assert topics.titles_about(question, titles) == _one_by_one(question, titles), question
