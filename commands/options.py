"""The ``key=value`` options a verb takes, checked before its handler runs.

Every verb declares its keys in the registry (``@command(..., keys=(...))``); a key it does
not take is refused with the keys it does take, in the person's language (Chinese forms
first in Chinese), and a near miss gets "did you mean" (rapidfuzz). A verb added later
only declares its keys: nothing here changes.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process

from commands.parsing import KEY_ALIASES, VERB_ALIASES, Args
from commands.registry import Command, CommandError

# How alike a typed key and a known one must be to be offered (0-100, rapidfuzz's ratio).
_NEAR = 70


def chinese_key(key: str, extra: dict[str, str] | None = None) -> str | None:
    """The first Chinese form of ``key`` (``owner`` -> ``负责人``), if there is one."""
    for forms in (extra or {}, KEY_ALIASES):
        for form, english in forms.items():
            if english == key and not form.isascii():
                return form
    return None


def chinese_verb(cmd: Command) -> str | None:
    """The first Chinese form of the verb (``task`` -> ``任务``), if there is one."""
    for form, english in VERB_ALIASES.items():
        if english == cmd.name:
            return form
    return next((a for a in cmd.aliases if not a.isascii()), None)


def verb_name(cmd: Command, lang: str) -> str:
    return (chinese_verb(cmd) or cmd.name) if lang == "zh" else cmd.name


def key_list(cmd: Command, lang: str) -> str:
    """The keys ``cmd`` takes, as a person reads them: ``owner=, due=`` or ``负责人=（owner）…``."""
    if lang == "zh":
        shown = []
        for key in cmd.keys:
            zh = chinese_key(key, cmd.key_aliases)
            shown.append(f"{zh}=（{key}）" if zh else f"{key}=")
        return "、".join(shown)
    return ", ".join(f"{key}=" for key in cmd.keys)


def _canonical(cmd: Command, key: str) -> str:
    return cmd.key_aliases.get(key, KEY_ALIASES.get(key, key))


def nearest_key(cmd: Command, key: str) -> str | None:
    """The key (as it is typed, English or Chinese) ``key`` most likely meant."""
    forms = list(cmd.keys) + [f for f, e in (*KEY_ALIASES.items(), *cmd.key_aliases.items())
                               if e in cmd.keys]
    if not forms:
        return None
    found = process.extractOne(key.lower(), forms, scorer=fuzz.ratio, score_cutoff=_NEAR)
    return found[0] if found else None


def check_options(cmd: Command, args: Args, lang: str) -> None:
    """Refuse a key ``cmd`` does not take; raises CommandError."""
    if cmd.free_text:
        return
    for key in args.options:
        canonical = _canonical(cmd, key)
        if canonical in cmd.keys or (cmd.accepts is not None and cmd.accepts(key)):
            continue
        if not cmd.keys and cmd.accepts is None:
            raise CommandError("options.none", key=key[:40], verb=verb_name(cmd, lang))
        near = nearest_key(cmd, key)
        raise CommandError("options.unknown_near" if near else "options.unknown",
                           key=key[:40], verb=verb_name(cmd, lang), keys=key_list(cmd, lang),
                           near=near or "")


def nearest_verb(word: str, names: list[str]) -> str | None:
    """The verb (or Chinese form) a mistyped ``word`` most likely meant."""
    found = process.extractOne(word.lower(), names, scorer=fuzz.ratio, score_cutoff=_NEAR)
    return found[0] if found else None
