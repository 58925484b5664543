"""The extractor's figures on the labelled corpus (extract_corpus/): recall and precision
of owner + title + due date, at least 0.9 in each language, on the part the rules were
tuned on and on the held-out part alike."""

from __future__ import annotations

import pytest

from tests.commands.extract_score import CORPUS, scores


def test_the_corpus_is_big_enough() -> None:
    found = scores()
    for lang in ("en", "zh"):
        actions = sum(s.expected for (lg, _), s in found.items() if lg == lang)
        lines = sum(s.lines for (lg, _), s in found.items() if lg == lang)
        assert actions >= 100, lang
        assert lines - actions >= 60, lang
    assert any(p.name.startswith("heldout_") for p in CORPUS.glob("*.toml"))


@pytest.mark.parametrize("part", ["tuned", "held-out"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_recall_and_precision(lang: str, part: str) -> None:
    score = scores()[(lang, part)]
    assert score.recall >= 0.9, "\n".join(score.misses)
    assert score.precision >= 0.9, "\n".join(score.misses)
