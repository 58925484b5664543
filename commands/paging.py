"""Long lists a page at a time (`notes 2`, `history 3`): which page was asked for, where it
starts, and the footer that says how to see older ones."""

from __future__ import annotations

from dataclasses import dataclass

from commands.i18n import Translator
from commands.parsing import Args
from commands.registry import CommandError


@dataclass(frozen=True)
class Page:
    number: int
    pages: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    def footer(self, t: Translator, verb: str) -> str:
        if self.number < self.pages:
            return t("curation.page", page=self.number, pages=self.pages,
                     next=f"{verb} {self.number + 1}")
        return t("curation.page_last", page=self.number, pages=self.pages) if self.pages > 1 else ""


def page_of(args: Args, *, total: int, size: int, usage_key: str) -> Page:
    """The page the first word asks for (1 without one; the last one past the end)."""
    wanted = 1
    if args.words:
        word = args.words[0].lstrip("pP#")
        if not word.isdigit() or int(word) < 1:
            raise CommandError(usage_key, value=args.words[0][:40])
        wanted = int(word)
    pages = max(1, -(-total // size))
    return Page(number=min(wanted, pages), pages=pages, size=size)
