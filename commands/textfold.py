"""Folding text for matching without losing where things were in the original.

``fold`` maps every character to exactly one character (full-width ASCII to ASCII, the
ideographic space to a space, then lower case), so a span found in the folded text is the
same span in the text the person typed. Parsers match on the folded text and cut or quote
the original.
"""

from __future__ import annotations

from commands.parsing import fold_width


def _lower1(ch: str) -> str:
    low = ch.lower()
    # A handful of characters lower to two (e.g. "İ"); keep them to keep the length.
    return low if len(low) == 1 else ch


def fold(text: str) -> str:
    """``text`` width-folded and lower-cased, character for character (same length)."""
    return "".join(_lower1(ch) for ch in fold_width(text))


# Chinese numerals small enough for counts, months and days (up to 99).
_CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "俩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def small_number(text: str) -> int | None:
    """``12``, ``十二``, ``二十一``, ``两`` -> int; None when it is not such a number."""
    if text.isascii() and text.isdigit():
        return int(text)
    if not text or len(text) > 3:
        return None
    if "十" not in text:
        if len(text) == 1 and text in _CN_DIGITS:
            return _CN_DIGITS[text]
        return None
    tens_part, _, ones_part = text.partition("十")
    if tens_part == "":
        tens = 1
    elif tens_part in _CN_DIGITS and _CN_DIGITS[tens_part] > 0:
        tens = _CN_DIGITS[tens_part]
    else:
        return None
    if ones_part == "":
        ones = 0
    elif ones_part in _CN_DIGITS and _CN_DIGITS[ones_part] > 0:
        ones = _CN_DIGITS[ones_part]
    else:
        return None
    return tens * 10 + ones
