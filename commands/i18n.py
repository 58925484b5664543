"""Message catalogs: every string a person sees, in English and Chinese.

Catalogs are TOML files under ``commands/locales/<lang>/``, one file per area, with dotted
keys (``task.created``). Values are ``str.format`` templates with named fields. A missing
key or a missing field raises, so a gap is found by the tests, never shown to a user.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from string import Formatter
from typing import Protocol

LANGUAGES = ("en", "zh")
DEFAULT_LANGUAGE = "en"
_ROOT = Path(__file__).parent / "locales"


class CatalogError(KeyError):
    """A key or a template variable that the catalog does not have."""


def _flatten(prefix: str, table: dict[str, object], out: dict[str, str], source: Path) -> None:
    for name, value in table.items():
        key = f"{prefix}.{name}" if prefix else name
        if isinstance(value, dict):
            _flatten(key, value, out, source)
        elif isinstance(value, str):
            if key in out:
                raise CatalogError(f"{source}: key {key!r} is defined twice")
            out[key] = value
        else:
            raise CatalogError(f"{source}: {key!r} must be a string")


@cache
def catalog(lang: str) -> dict[str, str]:
    """All messages of one language, from every file in its folder."""
    folder = _ROOT / lang
    if lang not in LANGUAGES or not folder.is_dir():
        raise CatalogError(f"no catalog for language {lang!r}")
    out: dict[str, str] = {}
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as fh:
            _flatten("", tomllib.load(fh), out, path)
    return out


def template_fields(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


def normalize_language(lang: str | None) -> str:
    if not lang:
        return DEFAULT_LANGUAGE
    lang = lang.strip().lower()
    return "zh" if lang.startswith("zh") or lang in {"cn", "中文"} else "en"


class _Speaks(Protocol):
    language: str | None


def language_of(binding: _Speaks | None, account: _Speaks | None, default: str) -> str:
    """The language a channel is spoken to in: its own setting, else its account's, else
    the deployment's default (KAMBOT_LANGUAGE)."""
    return normalize_language(
        (binding.language if binding else None) or (account.language if account else None)
        or default
    )


def t(lang: str, key: str, /, **values: object) -> str:
    """The message ``key`` in ``lang``, filled with ``values``; raises on any gap."""
    messages = catalog(normalize_language(lang))
    try:
        template = messages[key]
    except KeyError:
        raise CatalogError(f"message {key!r} is missing in {lang!r}") from None
    try:
        return template.format(**values)
    except KeyError as exc:
        raise CatalogError(f"message {key!r} needs the value {exc.args[0]!r}") from None


class Translator:
    """``t`` bound to one language, handed to handlers as ``ctx.t``."""

    __slots__ = ("lang",)

    def __init__(self, lang: str) -> None:
        self.lang = normalize_language(lang)

    def __call__(self, key: str, /, **values: object) -> str:
        return t(self.lang, key, **values)

    def has(self, key: str) -> bool:
        """Whether the catalog has ``key`` (for a name that may or may not be translated)."""
        return key in catalog(self.lang)
