"""Finding a due phrase inside an action line: ``scan_due`` and ``find_due``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from commands.dates.arithmetic import nearest
from commands.dates.reading import clean, reading_for
from commands.dates.rules import RULES, Rule
from commands.textfold import fold


def _ungroup(pattern: str) -> str:
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


def _any(rules: Iterable[Rule]) -> str:
    return "(?:" + "|".join(_ungroup(rule.pattern) for rule in rules if rule.find) + ")"


_EDGE = r"a-z0-9_'’"
# Not glued to a preceding English word, unless the phrase itself starts with CJK.
_START = rf"(?:(?<![{_EDGE}])|(?=[^{_EDGE}]))"
_ALL = _any(RULES)
_SEP = r"(?:\s?[:=]\s?|\s)"
_TIME_EN = r"(?:\d{1,2}(?::\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)|noon|midday)"
_TIME_ZH = r"(?:上午|下午|中午|晚上|早上|傍晚|下班|午饭|\d{1,2}\s?[点:时](?:\s?\d{1,2}\s?分?|半)?)"
_EN_KEYWORDS = (
    r"(?:due\s(?:by|on|date)|due|by|before|on|until|till|deadline|ddl|no\slater\sthan"
    r"|not\slater\sthan|nlt|latest\sby|by\slatest|target(?:\sdate)?|eta|ahead\sof|prior\sto)"
)
_DUE_VALUE = re.compile(
    rf"(?<![{_EDGE}])due\s?[:=]\s?(?:\"(?P<a>[^\"]{{0,64}})\"|'(?P<b>[^']{{0,64}})'"
    rf"|(?P<c>[^\s,;，；]{{1,64}}))"
)
_EN_KEYWORD = re.compile(
    rf"(?<![{_EDGE}]){_EN_KEYWORDS}{_SEP}(?:(?:{_TIME_EN}|eod|cob)\s(?:on\s)?)?(?:the\s)?"
    rf"(?P<date>{_ALL})(?:\s?,?\s?(?:at\s)?{_TIME_EN})?(?![{_EDGE}])"
)
_ZH_BOUNDED = re.compile(
    rf"{_START}(?:在|于|截止到|截止|截至|最晚|最迟)?\s?(?P<date>{_ALL})"
    rf"(?:\s?{_TIME_ZH}){{0,2}}\s?(?:之前|以前|前|截止|为止)"
)
_ZH_DEADLINE = re.compile(
    rf"(?:截止到|截止日期|截止时间|截止|截至|最晚|最迟|完成时间|完成日期|时间节点|期限|交付时间|ddl|时间(?=\s?:))"
    rf"\s?[:=]?\s?(?P<date>{_ALL})(?:\s?{_TIME_ZH}){{0,2}}(?:\s?(?:之前|以前|前))?"
)
_ZH_FREE = re.compile(
    rf"{_START}(?<![每上个])(?:在|于)?\s?(?P<date>{_any(r for r in RULES if r.chinese)})"
    rf"(?:\s?{_TIME_ZH}){{0,2}}"
)
# A date that is the object of the action, not its deadline: "extend the licences to
# Jan 31", "book the trainers for the week of Dec 14", "from 12/1 to 12/5".
_OBJECT = r"(?<!\bto\s)(?<!\bof\s)(?<!\bfrom\s)(?<!\bthrough\s)(?<!\bthru\s)(?<!\bbetween\s)(?<!\band\s)"
_EN_FREE = re.compile(
    rf"(?<![{_EDGE}]){_OBJECT}(?:(?:for|during|at|on|by)\s)?"
    rf"(?P<date>{_any(r for r in RULES if r.free)}|tomorrow|tonight|today|next\sweek|this\sweek)"
    rf"(?:\s?,?\s?(?:at\s)?{_TIME_EN})?(?![{_EDGE}])"
)
# A date standing as a field of its own: "(Fri)", "— Dec 5", "| 12/15 |", "- friday -".
_FIELD = re.compile(rf"(?:^|[-–—|,;(\[（【])\s?(?P<date>{_ALL})\s?(?:[)\]）】]|(?=$|[-–—|,;]))")
# 12.10 standing between Chinese words ("王芳 负责 12.10 完成验收"), not an amount (1.5 亿).
_ZH_SPACED = re.compile(r"(?<=[\u3400-\u9fff] )(?P<date>\d{1,2}\.\d{1,2})(?= [\u3400-\u9fff])(?! [亿万元倍个人家台套])")
_SEARCHES = (_DUE_VALUE, _EN_KEYWORD, _ZH_BOUNDED, _ZH_DEADLINE, _ZH_FREE, _EN_FREE, _FIELD, _ZH_SPACED)
_AMBIGUOUS = re.compile(
    rf"(?<![{_EDGE}]){_EN_KEYWORDS}\s?[:=]?\s?(?P<date>\d{{1,2}}/\d{{1,2}})(?![0-9/])"
    rf"|(?<![0-9/])(?P<zh>\d{{1,2}}/\d{{1,2}})\s?(?:之前|以前|前)"
    rf"|(?:截止|截至|最晚|最迟|期限)\s?[:=]?\s?(?P<zhkey>\d{{1,2}}/\d{{1,2}})(?![0-9/])"
    rf"|(?:^|[-–—|,;(\[（【])\s?(?P<field>\d{{1,2}}/\d{{1,2}})\s?(?:[)\]）】]|(?=$|[-–—|,;]))"
    # A bare date ending the line: "send pricing to Priya 12/2" (not "move it to 12/2").
    rf"|(?<=[a-z ]){_OBJECT}(?<![{_EDGE}/])(?P<trail>\d{{1,2}}/\d{{1,2}})\s?[.。]?$"
)


def _squeeze(text: str) -> tuple[str, list[int], list[int]]:
    """``text`` folded, each run of white space one space; and where each character of the
    result starts and ends in ``text`` (so a span found can cut the original)."""
    folded = fold(text)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, ch in enumerate(folded):
        if ch.isspace():
            if out and out[-1] == " ":
                ends[-1] = index + 1
                continue
            ch = " "
        out.append(ch)
        starts.append(index)
        ends.append(index + 1)
    return "".join(out), starts, ends


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"[(（【\[]\s?[)）】\]]", "", text)
    text = re.sub(r" ([,.;:!?，。；：！？、)）])", r"\1", text)
    text = re.sub(r"[,;:，；：、]+(?=[.!?。！？]|$)", "", text)
    text = re.sub(r"\s+", " ", text)
    return text.strip(" ,;:-–—|，；：、")


@dataclass(frozen=True)
class DueScan:
    """What :func:`scan_due` found in a line.

    ``day``: the due date or None; ``rest``: the text without the phrase, tidied (the
    text unchanged when nothing was found); ``phrase``: the date as typed; ``assumed``:
    None, ``"past"`` (a day without a year, this year's, already gone: kept, say so),
    ``"next_year"`` (read as next year's: say so) or ``"ambiguous"`` (``12/05``: not
    read, ``day`` is None; say how to write it).
    """

    day: date | None
    rest: str
    phrase: str = ""
    assumed: str | None = None


def scan_due(text: str, *, today: date) -> DueScan:
    """The first due phrase in ``text``, the text without it, and what was assumed.

    Looked for, in this order: ``due=+3d`` / ``due="next friday"``; an English keyword
    (``by``, ``due``, ``due by``, ``before``, ``on``, ``until``, ``deadline``, ``no later
    than``, ``ETA`` …) with any date form (``by friday``, ``by EOD``, ``before Dec 5``,
    ``by 5pm Friday``); a Chinese date with 前 / 之前 / 以前 (``下周五前``,
    ``在下周五之前``, ``12月5日前``, ``月底前``, ``周五下班前``, ``春节前``) or after
    截止 / 最晚 / 完成时间; a Chinese date on its own (``明天``, ``下周五``, ``本周内``, not
    ``每周五`` / ``上周五``); in English prose ``tomorrow``, ``today``, ``next week``,
    ``next friday``, ``in 3 days``, ``Dec 5``, ``EOD`` and ISO dates; and a date standing as
    a field of its own (``(Fri)``, ``— Dec 5``). "Before X" means due on X. English words
    must stand alone: ``bypass`` and ``Friday's`` are left alone. Never raises; linear in
    the length of ``text``.
    """
    if not isinstance(text, str) or not text or not isinstance(today, date):
        return DueScan(None, text if isinstance(text, str) else "")
    squeezed, starts, ends = _squeeze(text)
    for regex in _SEARCHES:
        for match in regex.finditer(squeezed):
            groups = match.groupdict()
            phrase = next((groups[k] for k in ("date", "a", "b", "c") if groups.get(k)), None)
            if phrase is None:
                continue
            cleaned = clean(phrase)
            if not cleaned or len(cleaned) > 64:
                continue
            reading = reading_for(cleaned, today)
            if reading is None:
                continue
            start, end = match.span()
            while end > start and squeezed[end - 1] == " ":
                end -= 1
            if end <= start:
                continue
            lo, hi = starts[start], ends[end - 1]
            typed_lo = starts[match.start("date")] if groups.get("date") else lo
            typed_hi = ends[match.end("date") - 1] if groups.get("date") else hi
            return DueScan(
                reading.day,
                _tidy(text[:lo] + " " + text[hi:]),
                text[typed_lo:typed_hi].strip(),
                reading.assumed,
            )
    ambiguous = _AMBIGUOUS.search(squeezed)
    if ambiguous is not None:
        # 12/4 in a note: read month first (as US and Chinese writers mean it) and say so.
        name = next(k for k in ("date", "zh", "zhkey", "field", "trail") if ambiguous.group(k))
        month, _, day_text = ambiguous.group(name).partition("/")
        try:
            day = nearest(today, int(month), int(day_text))
        except ValueError:
            return DueScan(None, text)
        start, end = ambiguous.span()
        while end > start and squeezed[end - 1] == " ":
            end -= 1
        phrase = text[starts[ambiguous.start(name)] : ends[ambiguous.end(name) - 1]]
        rest = _tidy(text[: starts[start]] + " " + text[ends[end - 1] :])
        return DueScan(day, rest, phrase, "month_day")
    return DueScan(None, text)


def find_due(text: str, *, today: date) -> tuple[date | None, str]:
    """The first due phrase in ``text`` and the text without it, tidied; ``(None, text)``
    when nothing is found or the date is impossible. See :func:`scan_due`."""
    found = scan_due(text, today=today)
    return found.day, found.rest
