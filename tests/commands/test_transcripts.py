"""Reading transcript and minutes files: speakers kept, timestamps dropped, clear refusals.

The sample files in tests/commands/transcripts/ are written the way the tools export
them (Zoom and Teams WebVTT, SubRip, a 腾讯会议 text export in GB18030); the .docx files
(飞书妙记, Teams, Google Meet, written minutes) are made here with python-docx.
"""

from __future__ import annotations

import codecs
import io
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document

from commands.i18n import t
from commands.transcripts import (
    MAX_FILE_BYTES,
    TranscriptError,
    Turn,
    decode_text,
    is_name,
    is_near_miss,
    is_supported,
    read_transcript,
)

SAMPLES = Path(__file__).parent / "transcripts"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def docx(*paragraphs: str, table: list[list[str]] | None = None) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for i, row in enumerate(table):
            for j, cell in enumerate(row):
                grid.cell(i, j).text = cell
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def refusal(data: bytes, name: str) -> TranscriptError:
    with pytest.raises(TranscriptError) as caught:
        read_transcript(data, name)
    return caught.value


# --- WebVTT ------------------------------------------------------------------------------


def test_zoom_vtt_speakers_from_name_prefixes_and_merged_turns() -> None:
    transcript = read_transcript(sample("zoom_quarterly_review.vtt"), "zoom_quarterly_review.vtt")
    assert transcript.kind == "vtt"
    assert transcript.speakers == ["Alice Wang", "Li Wei", "Bob Li", "Carol Zhang"]
    assert transcript.lines() == [
        "Alice Wang: Good morning everyone, thanks for joining the quarterly review. "
        "Li Wei from Acme is with us today.",
        "Li Wei: Thanks. Our main concern is the delivery date for phase two.",
        "Bob Li: Understood. Action item: SR to send the revised quote by Friday.",
        "Carol Zhang: And I'll book the installation crew for December.",
        "Li Wei: Decision: we go ahead with the three-year plan.",
        "Alice Wang: Great. TODO FR to confirm the acceptance test plan by 2026-12-04. "
        "Thanks all, see you next month.",
    ]
    assert "-->" not in transcript.text and "00:00" not in transcript.text


def test_teams_vtt_voice_tags_classes_fragments_and_two_voices_in_one_cue() -> None:
    transcript = read_transcript(sample("teams_renewal_call.vtt"), "teams_renewal_call.vtt")
    assert transcript.lines() == [
        "Alice Wang: Hi all, let's get started with the renewal discussion.",
        "Li Wei (Acme): We agreed to extend the pilot to the Shanghai stores.",
        "Bob Li: ACTION: SR to prepare the pricing for the extension by 2026-12-09.",
        "Carol Zhang: Sounds good, I'll check the delivery capacity.",
        "Alice Wang: Thanks Carol.",
    ]
    assert "<v" not in transcript.text and "NOTE" not in transcript.text


def test_vtt_without_speakers_joins_caption_fragments_into_sentences() -> None:
    data = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nwe will send the\n\n"
        "00:00:02.000 --> 00:00:03.000\nwe will send the\n\n"  # a rolling caption repeats
        "00:00:03.000 --> 00:00:04.000\nquote on friday.\n\n"
        "00:00:04.000 --> 00:00:05.000\n下周我们\n\n"
        "00:00:05.000 --> 00:00:06.000\n安排验收。\n"
    ).encode()
    assert read_transcript(data, "captions.vtt").lines() == [
        "we will send the quote on friday.",
        "下周我们安排验收。",  # no space inside Chinese
    ]


# --- SubRip ------------------------------------------------------------------------------


def test_srt_speakers_tags_and_dialogue_dashes() -> None:
    transcript = read_transcript(sample("support_review.srt"), "support_review.srt")
    assert transcript.lines() == [
        "Alice: Let's review the open support tickets.",
        "Bob: ACTION: FR to ship the spare parts by 2026-12-10",
        "Carol: Noted.",
        "Alice: Thanks, that covers it.",
        "Bob: Decision: the hotline stays open on Saturdays.",
    ]


def test_chinese_srt_in_gbk() -> None:
    data = "1\n00:00:01,000 --> 00:00:03,000\n张伟：下周二前提交方案\n".encode("gbk")
    assert read_transcript(data, "周会.srt").lines() == ["张伟: 下周二前提交方案"]


# --- text --------------------------------------------------------------------------------


def test_tencent_meeting_txt_in_gb18030() -> None:
    data = sample("tencent_meeting_zh.txt")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the sample really is GB18030
    transcript = read_transcript(data, "tencent_meeting_zh.txt")
    assert transcript.speakers == ["张伟", "李娜", "王芳"]
    assert transcript.lines() == [
        "会议主题：华星零售季度复盘",
        "会议时间：2026-11-20 14:00",
        "张伟: 大家好，我们开始今天的季度复盘。",
        "李娜: 门店系统上线后，客户反馈不错。 待办：交付经理 12月5日前完成一期验收。",
        "王芳: 决定：二期在明年一月启动。",
        "张伟: 好的，我来准备续约方案。",
    ]
    # the second paragraph of a turn stays apart for the extractors
    assert transcript.turns[3].pieces == ("门店系统上线后，客户反馈不错。", "待办：交付经理 12月5日前完成一期验收。")


@pytest.mark.parametrize("encode", [
    lambda s: s.encode("utf-8"),
    lambda s: codecs.BOM_UTF8 + s.encode("utf-8"),
    lambda s: s.encode("utf-16"),  # with its BOM
    lambda s: s.encode("gb18030"),
])
def test_text_encodings(encode) -> None:
    text = "李娜：待办：交付经理 12月5日前完成验收\n张伟：收到\n李娜：好的\n"
    assert decode_text(encode(text)) == text
    assert read_transcript(encode(text), "a.txt").speakers == ["李娜", "张伟"]


def test_zoom_caption_file_with_bracketed_names_and_times() -> None:
    data = b"[Alice Wang] 10:03:12\nHello everyone\n[Bob Li] 10:03:20\nHi Alice\n"
    assert read_transcript(data, "closed_caption.txt").lines() == [
        "Alice Wang: Hello everyone", "Bob Li: Hi Alice"]


def test_written_minutes_stay_lines_as_written() -> None:
    data = (b"Weekly sync with Acme\nAttendees: Alice, Bob, Carol\nAgenda: pricing, rollout\n\n\n"
            b"Action items:\n- SR to send the quote by Friday\nBob: review the contract\n"
            b"Next meeting in two weeks\n")
    transcript = read_transcript(data, "minutes.txt")
    assert transcript.speakers == []
    assert transcript.lines() == [
        "Weekly sync with Acme", "Attendees: Alice, Bob, Carol", "Agenda: pricing, rollout", "",
        "Action items:", "- SR to send the quote by Friday", "Bob: review the contract",
        "Next meeting in two weeks",
    ]


# --- Word --------------------------------------------------------------------------------


def test_feishu_minutes_docx_names_over_times() -> None:
    data = docx("华星零售 周会 2026年11月20日", "关键词：门店、验收",
                "张伟 00:00:05", "大家好，今天主要同步一期验收进度。",
                "李娜 00:00:40", "待办：交付经理 12月5日前完成一期验收", "结论：二期方案下周评审",
                "张伟 00:01:10", "好的。")
    transcript = read_transcript(data, "飞书妙记.docx")
    assert transcript.kind == "docx"
    assert transcript.lines() == [
        "华星零售 周会 2026年11月20日", "关键词：门店、验收",
        "张伟: 大家好，今天主要同步一期验收进度。",
        "李娜: 待办：交付经理 12月5日前完成一期验收 结论：二期方案下周评审",
        "张伟: 好的。",
    ]


def test_teams_docx_names_over_short_times() -> None:
    data = docx("Quarterly review with Acme", "Alice Wang   0:03", "Welcome everyone.",
                "Bob Li   0:15", "ACTION: SR to send the revised quote by Friday.",
                "I will also check the discount with finance.", "Alice Wang   0:40", "Thanks Bob.")
    assert read_transcript(data, "Transcript.docx").lines() == [
        "Quarterly review with Acme",
        "Alice Wang: Welcome everyone.",
        "Bob Li: ACTION: SR to send the revised quote by Friday. "
        "I will also check the discount with finance.",
        "Alice Wang: Thanks Bob.",
    ]


def test_old_teams_docx_with_caption_timings_and_names_alone() -> None:
    data = docx("0:0:3.620 --> 0:0:6.100", "Alice Wang", "Welcome everyone.", "",
                "0:0:6.500 --> 0:0:9.000", "Bob Li", "Thanks, glad to be here.")
    assert read_transcript(data, "old.docx").lines() == [
        "Alice Wang: Welcome everyone.", "Bob Li: Thanks, glad to be here."]


def test_google_meet_docx_names_before_colons() -> None:
    data = docx("Acme sync - Transcript", "00:00:00", "Alice Wang: Hi Bob.",
                "Bob Li: Hi Alice. I'll send the draft tomorrow.", "00:01:00", "Alice Wang: Great.")
    assert read_transcript(data, "meet.docx").lines() == [
        "Acme sync - Transcript", "Alice Wang: Hi Bob.",
        "Bob Li: Hi Alice. I'll send the draft tomorrow.", "Alice Wang: Great."]


def test_minutes_docx_with_agenda_times_and_a_table_are_not_a_transcript() -> None:
    data = docx("Kickoff 09:00", "Intro by Alice", "Lunch 12:30", "Action items:",
                "- FR to book the crew by 2026-12-05",
                table=[["Action", "Owner", "Due"], ["Review contract", "AR", "2026-12-01"]])
    transcript = read_transcript(data, "minutes.docx")
    assert transcript.speakers == []
    assert transcript.lines() == [
        "Kickoff 09:00", "Intro by Alice", "Lunch 12:30", "Action items:",
        "- FR to book the crew by 2026-12-05", "Action | Owner | Due",
        "Review contract | AR | 2026-12-01"]


# --- names -------------------------------------------------------------------------------


def test_what_counts_as_a_speakers_name() -> None:
    for name in ("Alice Wang", "Li, Wei", "张伟", "欧阳娜娜", "Speaker 1", "说话人 1",
                 "Ludwig van Beethoven", "alice.wang@acme.com", "Bob Li (Acme)"):
        assert is_name(name), name
    for name in ("Action", "ACTION item", "TODO", "Decision", "决定", "待办", "Agenda", "SR",
                 "We agreed on three", "Note that the price", "https", "10", "", "x" * 41):
        assert not is_name(name), name


def test_file_types() -> None:
    assert all(is_supported(f"a{ext}") for ext in (".vtt", ".srt", ".txt", ".docx", ".VTT"))
    assert not is_supported("a.pdf") and not is_supported("transcript")
    assert is_near_miss("notes.pdf") and is_near_miss("call.m4a") and not is_near_miss("x.png")


# --- refusals ------------------------------------------------------------------------------


def test_unknown_type_names_the_types_that_work() -> None:
    error = refusal(b"%PDF-1.7", "minutes.pdf")
    assert error.key == "transcript.error.type"
    for lang in ("en", "zh"):
        text = t(lang, error.key, **error.values)
        assert "minutes.pdf" in text and ".vtt, .srt, .txt, .docx" in text


def test_too_big() -> None:
    error = refusal(b"a" * (MAX_FILE_BYTES + 1), "huge.txt")
    assert error.key == "transcript.error.too_big"
    assert error.values["max"] == "5.0 MB"


@pytest.mark.parametrize(("data", "name", "key"), [
    (b"", "empty.txt", "transcript.error.empty"),
    (b"\n \n\t\n", "blank.txt", "transcript.error.empty"),
    (b"WEBVTT\n\n", "no_captions.vtt", "transcript.error.broken_vtt"),
    (b"Hello, this is not WebVTT\n", "plain.vtt", "transcript.error.broken_vtt"),
    (b"WEBVTT\n\n00:00:01.000 --> 99:99:99.999\nhello\n", "bad_time.vtt", "transcript.error.broken_vtt"),
    (b"just some words, no captions\n", "plain.srt", "transcript.error.broken_srt"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old_word.docx", "transcript.error.broken_docx"),
    (b"PK\x03\x04 broken zip", "cut.docx", "transcript.error.broken_docx"),
    (b"%PDF-1.7\n\x00\x01\x02\x03binary", "renamed.txt", "transcript.error.binary"),
    (b"\x80\x80\x80\xff\xff", "odd.txt", "transcript.error.encoding"),
])
def test_broken_files_get_a_clear_reason(data: bytes, name: str, key: str) -> None:
    error = refusal(data, name)
    assert error.key == key
    for lang in ("en", "zh"):
        assert name in t(lang, error.key, **error.values)


def test_a_zip_that_is_not_a_word_document() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not word")
    assert refusal(out.getvalue(), "fake.docx").key == "transcript.error.broken_docx"


def test_a_docx_that_unpacks_to_too_much_is_refused_before_parsing() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
        archive.writestr("word/media/padding.bin", b"\0" * (61 * 1024 * 1024))
    data = out.getvalue()
    assert len(data) < MAX_FILE_BYTES  # small on the wire
    error = refusal(data, "bomb.docx")
    assert error.key == "transcript.error.too_big"


def test_a_large_transcript_reads_in_linear_time() -> None:
    # One speaker talking for 4 MB: joining each line to the growing turn would copy
    # gigabytes (minutes); collected and joined once, it takes well under a second.
    line = b"Alice: we keep talking about the roll-out plan and the pricing\n"
    data = line * (4 * 1024 * 1024 // len(line))
    started = time.monotonic()
    transcript = read_transcript(data, "long.txt")
    assert time.monotonic() - started < 30  # generous: the quadratic version takes minutes
    assert transcript.speakers == ["Alice"] and len(transcript.turns) == 1


def test_turn_line() -> None:
    assert Turn("Bob", "hi").line() == "Bob: hi"
    assert Turn(None, "hi").line() == "hi"


def test_unpunctuated_captions_are_regrouped_into_sentences_for_the_extractors() -> None:
    cues = ["so the rollout went well", "ACTION: SR to send the", "revised quote by 2026-12-04",
            "Decision: we keep plan B", "and that is all"]
    data = "WEBVTT\n\n" + "".join(
        f"00:00:0{i}.000 --> 00:00:0{i}.900\n<v Bob Li>{cue}</v>\n\n" for i, cue in enumerate(cues))
    [turn] = read_transcript(data.encode(), "auto.vtt").turns
    assert turn.text == " ".join(cues)
    assert turn.pieces == ("so the rollout went well", "ACTION: SR to send the revised quote by "
                           "2026-12-04", "Decision: we keep plan B and that is all")


def test_the_file_name_stays_one_line_without_folders() -> None:
    transcript = read_transcript(b"hello", "C:\\Users\\bob\\weekly\nACTION: x.txt")
    assert transcript.filename == "weekly ACTION: x.txt"
    assert read_transcript(b"hello", "../../" + "n" * 300 + ".txt").filename == "n" * 116 + ".txt"
