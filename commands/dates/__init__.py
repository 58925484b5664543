"""Due dates typed by people, in English and Chinese: a pure parser, no clock, no I/O.

The caller passes ``today`` (from the injected clock, in the account's time zone), so the
same text always gives the same date in tests. Matching is done on folded text (full-width
letters and digits folded, lower case: see ``commands.textfold``) with every run of white
space squeezed to one space, so no pattern can loop over a long run of spaces; the
original text is only ever cut, never rewritten. Every pattern has bounded repetition:
finding a date is linear in the length of the text.

Meaning of the relative forms (Monday starts the week, as on a Chinese calendar):

- ``friday`` / ``fri`` / ``周五`` / ``星期五`` / ``礼拜五`` / ``coming friday``: the next
  Friday strictly AFTER today (on a Friday it is a week later). A task "due Friday" typed
  on Friday evening would otherwise already be due.
- ``this friday`` / ``本周五`` / ``这周五``: the Friday of the current Monday-Sunday week,
  which can be today or, on a weekend, a day already past.
- ``next friday`` / ``下周五`` / ``下星期五``: the Friday of next week (never this week's).
  ``下下周五``: the week after.
- ``next week`` / ``下周``: the Friday of next week (a deadline "next week" is met by the
  end of that business week); ``下下周``: the week after's. ``next month`` / ``下个月``: the 1st of
  next month. ``end of month`` / ``eom`` / ``月底``: the last day of this month;
  ``下个月底``: of next month. ``eow`` / ``end of week`` / ``this week`` / ``本周内``:
  this week's Friday (next week's on a weekend); ``end of next week`` / ``下周内``: next
  week's Friday. ``eoy`` / ``年底``: 31 December. ``eod`` / ``cob`` / ``end of day`` /
  ``今天下班前``: today; ``eod friday``: that Friday.
- ``Q1`` / ``end of Q1`` / ``一季度末`` / ``第一季度``: the last day of that quarter, the
  coming one; ``eoq`` / ``end of the quarter`` / ``本季度末``: of this quarter.
- ``春节前`` / ``before Chinese New Year`` / ``国庆前`` / ``中秋前`` …: the last working day
  before that holiday's break starts (from the ``holidays`` package's calendar of China,
  with its weekends and make-up working days; 春节's break starts on New Year's Eve).
  ``元旦前``: 31 December, the year's last day (a year-end deadline).
- ``Dec 5`` / ``5 Dec`` / ``dec-5`` / ``12月5日`` / ``12/15`` / ``15/12`` without a year:
  :func:`parse_date` takes this year's, or next year's when that day has passed. Inside a
  note or a task title (:func:`scan_due`) the NEAREST such day is taken, and the result
  says when it is already past or falls in another year, so the caller can say so or ask:
  a date is never silently moved a year.
- ``12/05`` (both numbers 12 or less) is refused: month/day and day/month readers
  disagree. ``12/15`` and ``15/12`` can only be 15 December.
- ``5号``: this month, or next month when passed. ``the 15th``: the same in English.
- ``+3d`` / ``3d`` / ``+2w`` / ``in 3 days`` / ``3 days from now`` / ``3天后`` / ``两周后``
  / ``3个月后``: counted from today (months clamp to the month's last day).

The package: ``words`` (the vocabulary), ``arithmetic`` (weeks, months, quarters),
``festivals`` (holiday breaks), ``rules`` (each form and the date it builds), ``reading``
(a whole value: :func:`parse_date`, :func:`read_date`) and ``finding`` (a due phrase inside
a line: :func:`scan_due`, :func:`find_due`).
"""

from __future__ import annotations

from commands.dates.finding import DueScan, find_due, scan_due
from commands.dates.reading import DateParseError, DateReading, PastDateError, parse_date, read_date

__all__ = [
    "DateParseError",
    "DateReading",
    "DueScan",
    "PastDateError",
    "find_due",
    "parse_date",
    "read_date",
    "scan_due",
]
