"""Meeting transcripts and minutes from files: .vtt, .srt, .txt and .docx to a note's lines.

:func:`read_transcript` is pure: a file's bytes and its name in, a :class:`Transcript` out
(the meeting's turns, each with its speaker when the file says who spoke), or a
:class:`TranscriptError` that says what is wrong and how to do it right. Timestamps are
dropped; consecutive lines of one speaker become one turn, written ``Speaker: words``.

Parsing is left to well-kept libraries (webvtt-py, pysrt, python-docx). This module only
finds the speakers where each tool writes them:

- WebVTT voice tags ``<v Alice Wang>...`` (Microsoft Teams);
- ``Alice Wang: ...`` at the start of a caption or a line (Zoom, Google Meet, most exports);
- a header line of a name and a time over the words (``Alice Wang   0:03``: Teams and Otter
  .docx, 飞书妙记 ``张伟 00:00:05``), or ``[Alice] 10:03:12`` (Zoom captions);
- ``张伟(00:00:05)：...`` (腾讯会议) and ``[00:01:02] Alice: ...``.

In .txt and .docx files, where "Word: ..." is also how people write minutes ("Agenda:",
"ACTION:"), a ``Name:`` prefix counts as a speaker only when it looks like a name, is not
a marker word, and the file reads as a transcript (names that recur, on most lines);
otherwise every line is kept as written.
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePath

from commands.registry import CommandError

MAX_FILE_BYTES = 5 * 1024 * 1024
# A .docx is a zip: its parts unpacked may not pass this (a small file can unpack to GBs).
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
SUPPORTED = (".vtt", ".srt", ".txt", ".docx")
# Files that someone may well mean as a transcript: posting one gets a hint, not silence.
NEAR_MISSES = frozenset({
    ".pdf", ".doc", ".rtf", ".odt", ".pages", ".md", ".html", ".htm", ".sbv", ".ass", ".ssa",
    ".sub", ".json", ".mp3", ".m4a", ".wav", ".mp4", ".mov", ".webm", ".ogg",
})  # fmt: skip
# Caption fragments of no named speaker are joined up to about a paragraph.
_PARAGRAPH = 600


class TranscriptError(CommandError):
    """A file that cannot become a note; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Turn:
    """What one speaker said without interruption, or one line of written minutes.

    ``text`` is empty for a paragraph break in written minutes.
    """

    speaker: str | None
    text: str
    # What the turn was merged from, for the extractors to read apart: a written turn's
    # paragraphs, or a spoken turn's captions regrouped into sentences.
    pieces: tuple[str, ...] = ()

    def line(self) -> str:
        return f"{self.speaker}: {self.text}" if self.speaker else self.text


@dataclass(frozen=True, slots=True)
class Transcript:
    filename: str
    kind: str  # vtt, srt, txt, docx
    turns: tuple[Turn, ...]

    @property
    def speakers(self) -> list[str]:
        """Who spoke, in the order they first did."""
        return list(dict.fromkeys(t.speaker for t in self.turns if t.speaker))

    def lines(self) -> list[str]:
        return [turn.line() for turn in self.turns]

    @property
    def text(self) -> str:
        return "\n".join(self.lines())


def extension(filename: str) -> str:
    return PurePath(filename.strip()).suffix.lower()


def is_supported(filename: str) -> bool:
    return extension(filename) in SUPPORTED


def is_near_miss(filename: str) -> bool:
    """A document or recording someone may have meant as a transcript."""
    return extension(filename) in NEAR_MISSES


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def check_size(filename: str, size: int) -> None:
    """Refuse a file over the limit before anyone downloads or parses it."""
    if size > MAX_FILE_BYTES:
        raise TranscriptError("transcript.error.too_big", name=filename, size=human_size(size),
                              max=human_size(MAX_FILE_BYTES))


def read_transcript(data: bytes, filename: str) -> Transcript:
    """The turns of a transcript or minutes file. Raises TranscriptError, never anything else."""
    # The name goes on the note's first line: one line, of a sane length, no folders.
    name = _clean(PurePath(filename.replace("\\", "/").strip() or "file").name)[-120:] or "file"
    ext = extension(name)
    if ext not in SUPPORTED:
        raise TranscriptError("transcript.error.type", name=name, types=", ".join(SUPPORTED))
    check_size(name, len(data))
    try:
        if ext == ".docx":
            turns = _docx_turns(data, name)
        else:
            text = decode_text(data, name)
            if ext == ".vtt":
                turns = _vtt_turns(text, name)
            elif ext == ".srt":
                turns = _srt_turns(text, name)
            else:
                turns = _written_turns(text.splitlines())
    except TranscriptError:
        raise
    except Exception:  # noqa: BLE001 - a library's surprise on a broken file is still a broken file
        raise TranscriptError("transcript.error.broken", name=name, kind=ext) from None
    if not any(turn.text for turn in turns):
        raise TranscriptError("transcript.error.empty", name=name)
    return Transcript(filename=name, kind=ext.lstrip("."), turns=tuple(turns))


# --- text and encodings ------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode_text(data: bytes, name: str = "file") -> str:
    """Text in UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030 (GBK, GB2312)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise TranscriptError("transcript.error.encoding", name=name) from None
    else:
        if b"\x00" in data[:8192]:
            raise TranscriptError("transcript.error.binary", name=name)
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise TranscriptError("transcript.error.encoding", name=name)
    # A binary file that happened to decode has control characters all over it.
    sample = text[:20000]
    if sample and len(_CONTROL.findall(sample)) > len(sample) // 100:
        raise TranscriptError("transcript.error.binary", name=name)
    return text


def _clean(text: str) -> str:
    text = _CONTROL.sub(" ", unicodedata.normalize("NFC", text)).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
_SENTENCE_END = re.compile(r"[.!?。！？…]['\"”’)）]?$")


def _merge(pieces: Iterable[tuple[str | None, str]], *, captions: bool) -> list[Turn]:
    """Consecutive pieces of one speaker as one turn.

    Captions: fragments are joined into the speaker's words, and fragments of nobody
    named into sentences. Written files: a speaker's paragraphs are joined with a space
    and kept apart in ``pieces``; lines of nobody named stay lines, blank lines become
    one paragraph break. Linear: a turn's pieces are collected and joined once.
    """
    turns: list[Turn] = []
    speaker: str | None = None
    parts: list[str] = []
    length = 0
    last_piece = ""

    def close() -> None:
        if not parts:
            return
        if captions:
            turns.append(Turn(speaker, _join_all(parts), _sentences(parts)))
        else:
            turns.append(Turn(speaker, " ".join(parts), tuple(parts)))

    for who, raw in pieces:
        text = _clean(raw)
        if not text:
            if not captions and (parts or (turns and turns[-1].text)):
                close()
                parts, length = [], 0
                turns.append(Turn(None, ""))  # one paragraph break, however many blank lines
            continue
        if captions and text == last_piece:
            continue  # rolling captions repeat the line before
        last_piece = text
        joins = bool(parts) and who == speaker and (
            who is not None
            or (captions and length < _PARAGRAPH and not _SENTENCE_END.search(parts[-1]))
        )
        if not joins:
            close()
            speaker, parts, length = who, [], 0
        parts.append(text)
        length += len(text) + 1
    close()
    while turns and not turns[-1].text:
        turns.pop()
    return turns


# A caption that opens an action or a decision starts a new sentence even when the
# caption before it did not end one (automatic captions often have no punctuation).
_OPENS = re.compile(
    r"^(?:action(?:\s*items?)?|ai|todo|to-do|decisions?|decided|agreed|next\s+steps?"
    r"|follow[- ]?ups?|待办(?:事项)?|行动项?|决定|决议|结论|共识)\s*[:：(（]"
    r"|^todo\s",
    re.IGNORECASE,
)
_SENTENCE_MAX = 240


def _sentences(parts: list[str]) -> tuple[str, ...]:
    """Caption fragments regrouped into sentences: a group ends with end punctuation, before
    a caption that opens an action or decision, or past a sentence's length."""
    groups: list[str] = []
    current: list[str] = []
    size = 0
    for part in parts:
        if current and (_SENTENCE_END.search(current[-1]) or size >= _SENTENCE_MAX
                        or _OPENS.match(part)):
            groups.append(_join_all(current))
            current, size = [], 0
        current.append(part)
        size += len(part) + 1
    if current:
        groups.append(_join_all(current))
    return tuple(groups)


def _join_all(parts: list[str]) -> str:
    """Caption fragments of one speaker: no space between Chinese, one elsewhere."""
    out: list[str] = [parts[0]]
    for left, right in zip(parts, parts[1:], strict=False):
        if not (_CJK.match(left[-1:]) and _CJK.match(right[:1])):
            out.append(" ")
        out.append(right)
    return "".join(out)


# --- who is speaking ---------------------------------------------------------------------

# Words people put before a colon that are not people (minutes, action markers, roles).
NOT_NAMES = frozenset({
    "action", "actions", "action item", "action items", "ai", "todo", "to-do", "to do",
    "todos", "decision", "decisions", "decided", "agreed", "agreement", "note", "notes",
    "nb", "next step", "next steps", "follow-up", "follow-ups", "follow up", "followup",
    "owner", "owners", "due", "date", "time", "when", "where", "attendees", "attendee",
    "participants", "present", "absent", "agenda", "subject", "title", "topic",
    "location", "summary", "minutes", "fyi", "re", "fw", "fwd", "q", "a", "question",
    "answer", "risk", "risks", "issue", "issues", "status", "update", "updates", "result",
    "results", "conclusion", "outcome", "background", "context", "goal", "goals",
    "objective", "objectives", "purpose", "tbd", "n/a", "ps", "cc", "bcc", "from", "to",
    "sent", "http", "https", "www", "ar", "sr", "fr", "sponsor", "customer", "client",
    "team", "meeting", "call", "recording", "transcript", "transcription", "speaker",
    "待办", "待办事项", "行动", "行动项", "决定", "决议", "结论", "共识", "议题", "议程",
    "时间", "日期", "地点", "参会人", "参会人员", "与会者", "与会人员", "出席", "缺席",
    "主题", "会议主题", "纪要", "会议纪要", "备注", "下一步", "后续", "跟进", "负责人",
    "截止", "截止日期", "风险", "问题", "总结", "摘要", "标题", "背景", "目标", "结果",
    "状态", "客户经理", "解决方案经理", "交付经理", "说明", "注意", "附件", "录音", "转写",
    "会议",
})  # fmt: skip
_PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "del",
                        "bin", "binti", "al", "el", "dos", "das", "ten", "ter", "y", "of"})
_NAME_BAD = re.compile(r"[!?;。，；！？\"“”<>=/\\|#*`~^{}\[\]]")
_LATIN = re.compile(r"[A-Za-z]")


def is_name(raw: str) -> bool:
    """Whether ``raw`` (what stood before a colon or a time) reads as a person's name."""
    name = raw.strip()
    if not 1 <= len(name) <= 40 or not name[0].isalpha():
        return False
    if name.casefold() in NOT_NAMES or _NAME_BAD.search(name) or "://" in name:
        return False
    words = name.split()
    if len(words) > 5:
        return False
    if not _LATIN.search(name):
        return len(name.replace(" ", "")) <= 12  # 张伟, 欧阳娜娜, 说话人 1
    if len(words) == 1:
        return True  # a first name, a handle, an address
    return all(w[0].isupper() or w[0].isdigit() or w[0] in "(（" or w.casefold() in _PARTICLES
               or not _LATIN.match(w[0]) for w in words)


_TS = r"(?:\d{1,2}:){1,2}\d{1,2}(?:[.,]\d{1,3})?"
_LONG_TS = re.compile(r"\d{1,2}:\d{1,2}:\d{1,2}")
_BARE_TS = re.compile(rf"^[\[(（]?{_TS}[\])）]?(?:\s*-->\s*[\[(（]?{_TS}[\])）]?)?$")
_LEAD_TS = re.compile(rf"^[\[(（]?{_TS}[\])）]?\s+")
# "Alice Wang   0:03", "张伟 00:00:05", "张伟(00:00:05)", "[Alice] 10:03:12", "说话人 1 00:05"
_HEADER = re.compile(rf"^\[?(?P<name>[^\[\]:：()（）]{{1,40}}?)\]?\s*[(（\[]?{_TS}[)）\]]?\s*[:：]?$")
# "张伟(00:00:05)：大家好", "Alice 0:03: hello"
_TIMED = re.compile(rf"^\[?(?P<name>[^\[\]:：()（）]{{1,40}}?)\]?\s*[(（\[]?{_TS}[)）\]]?\s*[:：]\s*(?P<text>\S.*)$")
# "Alice Wang: hello", "- Bob: ok", "[Alice] hello"
_PREFIX = re.compile(r"^(?:[-–—•]\s*)?(?P<name>[^:：\n]{1,40}?)\s*[:：]\s*(?P<text>\S.*)$")
_BRACKETED = re.compile(r"^\[(?P<name>[^\[\]]{2,40})\]\s*(?P<text>\S.*)$")
_VOICE = re.compile(r"^\s*<v(?:\.[\w.-]+)*\s+(?P<name>[^>]{1,80})>")
_TAG = re.compile(r"<[^<>]{0,200}>")


def _prefixed(text: str) -> tuple[str, str] | None:
    """``(name, words)`` of a line that starts with a speaker's name, else None."""
    for pattern in (_TIMED, _PREFIX, _BRACKETED):
        match = pattern.match(text)
        if match and is_name(match["name"]):
            return match["name"].strip(), match["text"]
    return None


# --- WebVTT and SubRip -------------------------------------------------------------------


def _vtt_turns(text: str, name: str) -> list[Turn]:
    import webvtt
    from webvtt.errors import MalformedCaptionError, MalformedFileError

    try:
        captions = webvtt.from_string(text).captions
    except (MalformedFileError, MalformedCaptionError):
        raise TranscriptError("transcript.error.broken_vtt", name=name) from None
    if not captions:
        raise TranscriptError("transcript.error.broken_vtt", name=name)
    return _merge(_caption_pieces(c.lines for c in captions), captions=True)


def _srt_turns(text: str, name: str) -> list[Turn]:
    import pysrt

    items = pysrt.SubRipFile.from_string(text)
    if not items:
        raise TranscriptError("transcript.error.broken_srt", name=name)
    return _merge(_caption_pieces(item.text.splitlines() for item in items), captions=True)


def _caption_pieces(cues: Iterable[Iterable[str]]) -> Iterator[tuple[str | None, str]]:
    """Each caption line with its speaker: a voice tag, else a ``Name:`` prefix, else the
    speaker of the line before in the same caption."""
    for lines in cues:
        speaker: str | None = None
        for raw in lines:
            voice = _VOICE.match(raw)
            if voice:
                speaker = _clean(voice["name"]) or speaker
            line = _clean(_TAG.sub("", raw))
            if not line:
                continue
            if not voice:
                named = _prefixed(line)
                if named:
                    speaker, line = named
                elif line.startswith("-") and speaker is not None:
                    speaker = None  # "- ..." opens another (unnamed) speaker's line
                    line = line.lstrip("- ")
            yield speaker, line


# --- written minutes and exported transcripts (.txt, .docx) ------------------------------


@dataclass(slots=True)
class _Line:
    kind: str  # text, blank, time, header, timed (a timestamped "name: words"), prefixed
    text: str
    name: str | None = None
    raw: str = ""  # the line as written, for when the name turns out to be no speaker
    clock: bool = False  # its time has hours (00:00:05): a recording's, not an agenda's 10:30


def _classify(raw: str, after_time: bool) -> _Line:
    line = _clean(raw)
    if not line:
        return _Line("blank", "")
    clock = _LONG_TS.search(line) is not None
    if _BARE_TS.match(line):
        return _Line("time", "", clock=clock or "-->" in line)
    header = _HEADER.match(line)
    if header and is_name(header["name"]):
        return _Line("header", "", header["name"].strip(), line, clock)
    timed = _TIMED.match(line)
    if timed and is_name(timed["name"]):
        return _Line("timed", timed["text"], timed["name"].strip(), line, clock)
    stripped = _LEAD_TS.sub("", line)
    named = _prefixed(stripped)
    if named:
        kind = "timed" if stripped != line else "prefixed"
        return _Line(kind, named[1], named[0], stripped, clock)
    # After a "0:0:3.620 --> 0:0:6.100" line, old Teams exports put the name on a line alone.
    if after_time and is_name(line) and len(line) <= 40:
        return _Line("header", "", line, line)
    return _Line("text", stripped)


def _written_turns(raw_lines: Iterable[str]) -> list[Turn]:
    lines: list[_Line] = []
    after_time = timeline = False
    for raw in raw_lines:
        line = _classify(raw, after_time)
        after_time = line.kind == "time"
        if line.kind == "time":
            timeline = timeline or line.clock  # caption timings on lines of their own
        else:
            lines.append(line)
    # Names over times are speakers when the times are a recording's (hours in them) or a
    # name comes back; an agenda's "Kickoff 09:00 / Lunch 12:30" is neither.
    stamped = [x for x in lines if x.kind in ("header", "timed")]
    repeats = Counter(x.name for x in stamped)
    recorded = timeline or any(x.clock for x in stamped) or any(n >= 2 for n in repeats.values())
    timed = set(repeats) if recorded else set()
    counts = Counter(x.name for x in lines if x.kind == "prefixed")
    content = [x for x in lines if x.kind != "blank"]
    spoken = sum(1 for x in content if x.kind == "prefixed")
    # Minutes with "Agenda:" and "Bob: review the contract" lines are minutes, not a
    # transcript: a name must come back, and names must lead most lines.
    by_prefix = any(n >= 2 for n in counts.values()) and spoken * 5 >= len(content) * 2
    transcript = bool(timed) or by_prefix
    # Where the tool writes each turn under a name and a time, a lone "Word: ..." is what
    # someone said ("会议时间：..."); where names before colons carry the file, each is one.
    if timed:
        speakers = timed | {name for name, n in counts.items() if n >= 2}
    else:
        speakers = set(counts) if by_prefix else set()
    pieces: list[tuple[str | None, str]] = []
    current: str | None = None
    for line in lines:
        if line.kind == "blank":
            if not transcript:
                pieces.append((None, ""))
            continue
        if transcript and line.kind == "header" and line.name in speakers:
            current = line.name
            continue
        if transcript and line.kind in ("timed", "prefixed") and line.name in speakers:
            current = line.name
            pieces.append((current, line.text))
            continue
        pieces.append((current if transcript else None, line.raw or line.text))
    return _merge(pieces, captions=False)


def _docx_turns(data: bytes, name: str) -> list[Turn]:
    from docx import Document
    from docx.table import Table

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if "word/document.xml" not in archive.namelist():
                raise TranscriptError("transcript.error.broken_docx", name=name)
    except zipfile.BadZipFile:
        raise TranscriptError("transcript.error.broken_docx", name=name) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise TranscriptError("transcript.error.too_big", name=name, size=human_size(unpacked),
                              max=human_size(MAX_UNPACKED_BYTES))
    document = Document(io.BytesIO(data))
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                # merged cells repeat: keep each cell's text once, in order
                cells = list(dict.fromkeys(_clean(cell.text) for cell in row.cells))
                lines.append(" | ".join(c for c in cells if c))
        else:
            lines.extend(block.text.splitlines() or [""])
    return _written_turns(lines)
