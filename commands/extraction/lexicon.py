"""jieba's dictionary of Chinese words, read for two questions the word lists cannot
answer: is an unknown two- or three-character word a personal name (马强, not 方案), and
does a text start with a verb (批复预算). Loaded once, on first use (about a second)."""

from __future__ import annotations

import functools
import logging

__all__ = ["known_word", "starts_with_verb"]

log = logging.getLogger(__name__)

# Looked at: the first few characters only, so a long line costs no more than a short one.
_HEAD = 8


@functools.lru_cache(maxsize=1)
def _jieba() -> tuple[dict[str, int], dict[str, str], object] | None:
    try:
        import jieba
        import jieba.posseg

        jieba.setLogLevel(logging.WARNING)
        jieba.dt.check_initialized()
        return jieba.dt.FREQ, jieba.posseg.dt.word_tag_tab, jieba.posseg
    except Exception:  # noqa: BLE001 - without the dictionary these questions get "no"
        log.warning("jieba's dictionary is not available; unknown Chinese names and verbs are not read")
        return None


def known_word(word: str) -> str | None:
    """jieba's part-of-speech tag for ``word`` ("n", "v", "nr" for a name …), ``""`` for a
    word it knows untagged, None for a word it does not know (or no dictionary)."""
    tables = _jieba()
    if tables is None:
        return ""
    freq, tags, _ = tables
    if not freq.get(word):
        return None
    return tags.get(word, "")


def starts_with_verb(text: str) -> bool:
    """The first word of ``text`` is a verb by jieba's tagging ("批复预算", "开放权限")."""
    tables = _jieba()
    if tables is None or not text:
        return False
    posseg = tables[2]
    try:
        first = next(iter(posseg.cut(text[:_HEAD])), None)  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - a tagger must not break extraction
        return False
    return first is not None and first.flag == "v"
