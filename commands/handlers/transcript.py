"""Transcripts posted in a channel (``transcript``) and their proposals (``accept``).

``transcript`` is what an adapter dispatches when a .vtt / .srt / .txt / .docx file is
posted in an account channel (the file rides on the Incoming); typed without a file it
says how to post one. ``accept`` is what the Create / Record buttons of its reply run.
"""

from __future__ import annotations

from bot.messages import Reply
from commands.parsing import Args
from commands.registry import CommandError, Context, command
from commands.transcript_notes import accept as accept_proposals
from commands.transcript_notes import import_transcript, imported_reply
from commands.transcripts import SUPPORTED, check_size, is_supported


@command("transcript", aliases=("转写", "会议转写", "录音转写"), needs_account=False, free_text=True)
def transcript(ctx: Context, args: Args) -> Reply:
    file = ctx.incoming.file
    if file is None:
        raise CommandError("transcript.error.no_file")
    if ctx.account is None:
        raise CommandError("transcript.error.not_bound", name=file.name)
    if not is_supported(file.name):
        raise CommandError("transcript.error.type", name=file.name, types=", ".join(SUPPORTED))
    check_size(file.name, file.size)
    if file.content is None:
        raise CommandError("transcript.error.download", name=file.name)
    imported = import_transcript(ctx, filename=file.name, data=file.content, title=args.rest)
    return imported_reply(ctx, imported)


@command("accept", aliases=("采纳", "确认创建"), keys=())
def accept(ctx: Context, args: Args) -> Reply:
    return accept_proposals(ctx, args.words)
