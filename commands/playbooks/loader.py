"""Reading playbook definitions: the built-in ones, an admin's folder of TOML / YAML files
(KAMBOT_PLAYBOOKS_DIR) and those added from chat, each validated with a clear error.

An error names the file, the line where it can be found, the field (``steps[2].owner``)
and what is wrong, as a catalog key (``playbook.error.<code>``) so it reads in both
languages. A bad file is left out and reported; the others still load.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from commands.pipeline import parse_stage
from commands.playbooks.model import Playbook, Step, Trigger, TriggerKind
from commands.routing import parse_role
from commands.textfold import fold

BUILTIN = Path(__file__).parent / "builtin"
SUFFIXES = {".toml": "toml", ".yaml": "yaml", ".yml": "yaml"}
MAX_STEPS = 30
MAX_DUE_DAYS = 3650
MAX_TITLE = 200
MAX_SOURCE = 50_000
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
_TOP = {"name", "title", "description", "trigger", "steps"}
_STEP = {"title", "owner", "due", "shared"}
_TRIGGER = {"on", "stage", "window", "color"}
_CUSTOMER = {"customer", "client", "客户", "客户方"}
_COLORS = {"red": "red", "yellow": "yellow", "green": "green", "红": "red", "红灯": "red",
           "黄": "yellow", "黄灯": "yellow", "绿": "green", "绿灯": "green"}
_TRIGGER_WORDS = {
    "stage": TriggerKind.STAGE, "阶段": TriggerKind.STAGE,
    "renewal": TriggerKind.RENEWAL, "续约": TriggerKind.RENEWAL,
    "key-account": TriggerKind.KEY_ACCOUNT, "key_account": TriggerKind.KEY_ACCOUNT,
    "关键客户": TriggerKind.KEY_ACCOUNT,
    "health": TriggerKind.HEALTH, "健康": TriggerKind.HEALTH,
    "manual": TriggerKind.MANUAL, "手动": TriggerKind.MANUAL,
}

Path_ = tuple[str | int, ...]


class PlaybookError(ValueError):
    """A definition that cannot be used: ``playbook.error.<code>`` filled with ``values``."""

    def __init__(self, code: str, path: Path_ = (), /, **values: object) -> None:
        super().__init__(code)
        self.code = code
        self.path = path
        self.values = values
        self.file = ""
        self.line: int | None = None

    @property
    def field(self) -> str:
        out = ""
        for part in self.path:
            out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
        return out

    def __str__(self) -> str:  # for logs; people read it through the catalog
        where = f"line {self.line}" if self.line else ""
        return f"{self.file}: {', '.join(x for x in (where, self.field) if x)}: {self.code} {self.values}"


# --- parsing -----------------------------------------------------------------------------


def parse_text(text: str, fmt: str) -> Any:
    """The raw data of a TOML or YAML document; a syntax error becomes a PlaybookError."""
    if len(text) > MAX_SOURCE:
        raise PlaybookError("too_large", max=MAX_SOURCE)
    if fmt == "yaml":
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            err = PlaybookError("syntax", detail=str(getattr(exc, "problem", None) or exc))
            err.line = mark.line + 1 if mark is not None else None
            raise err from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column \d+\)", message)
        err = PlaybookError("syntax", detail=re.sub(r"\s*\(at line.*\)$", "", message))
        err.line = int(match.group(1)) if match else None
        raise err from None


def guess_format(text: str) -> str:
    """Chat text: TOML when a line looks like ``key = value`` or ``[[steps]]``, else YAML."""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        return "toml" if re.match(r"^(\[|[A-Za-z_][\w-]*\s*=)", stripped) else "yaml"
    return "toml"


def clean_chat_text(text: str) -> tuple[str, str | None]:
    """Text pasted in a chat: code fences removed (their language noted), curly quotes
    (which phones and Slack put in) made straight."""
    text = text.strip()
    fmt: str | None = None
    fence = re.match(r"^```([A-Za-z]*)[ \t]*\n(.*?)\n?```$", text, re.S)
    if fence:
        fmt = {"toml": "toml", "yaml": "yaml", "yml": "yaml"}.get(fence.group(1).lower())
        text = fence.group(2)
    for curly, straight in (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'")):
        text = text.replace(curly, straight)
    return text, fmt


def build(data: Any, *, windows: Sequence[int], source: str) -> Playbook:
    """A Playbook from parsed data, or the first PlaybookError found."""
    if not isinstance(data, dict):
        raise PlaybookError("not_table", ())
    _no_unknown(data, _TOP, ())
    name = data.get("name")
    if name is None:
        raise PlaybookError("missing", ("name",))
    if not isinstance(name, str) or not _NAME.match(name):
        raise PlaybookError("bad_name", ("name",), value=str(name)[:60])
    title = _title(data.get("title"), ("title",))
    trigger = _trigger(data.get("trigger", "manual"), windows)
    raw_steps = data.get("steps")
    if raw_steps is None:
        raise PlaybookError("missing", ("steps",))
    if not isinstance(raw_steps, list) or not raw_steps:
        raise PlaybookError("no_steps", ("steps",))
    if len(raw_steps) > MAX_STEPS:
        raise PlaybookError("too_many_steps", ("steps",), max=MAX_STEPS)
    steps = tuple(_step(raw, i) for i, raw in enumerate(raw_steps))
    return Playbook(name=name, title=title, trigger=trigger, steps=steps, source=source)


def _no_unknown(data: dict[str, Any], allowed: set[str], path: Path_) -> None:
    for key in data:
        if key not in allowed:
            raise PlaybookError("unknown_key", (*path, str(key)), key=str(key)[:40],
                                known=", ".join(sorted(allowed)))


def _title(raw: Any, path: Path_) -> dict[str, str]:
    if raw is None:
        raise PlaybookError("missing", path)
    if isinstance(raw, str):
        raw = {"en": raw, "zh": raw}
    if not isinstance(raw, dict) or not raw:
        raise PlaybookError("bad_title", path, max=MAX_TITLE)
    _no_unknown(raw, {"en", "zh"}, path)
    out: dict[str, str] = {}
    for lang, text in raw.items():
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_TITLE:
            raise PlaybookError("bad_title", (*path, lang), max=MAX_TITLE)
        out[lang] = " ".join(text.split())
    out.setdefault("en", out.get("zh", ""))
    out.setdefault("zh", out["en"])
    return out


def _trigger(raw: Any, windows: Sequence[int]) -> Trigger:
    path: Path_ = ("trigger",)
    if isinstance(raw, str):
        raw = {"on": raw}
    if not isinstance(raw, dict):
        raise PlaybookError("bad_trigger", path, value=str(raw)[:40])
    # YAML 1.1 reads a bare `on:` key as the boolean true.
    raw = {("on" if key is True else key): value for key, value in raw.items()}
    _no_unknown(raw, _TRIGGER, path)
    on = raw.get("on")
    kind = _TRIGGER_WORDS.get(fold(on).strip()) if isinstance(on, str) else None
    if kind is None:
        raise PlaybookError("bad_trigger", (*path, "on"), value=str(on)[:40])
    extra = {k for k in raw if k != "on"}
    wanted = {TriggerKind.STAGE: {"stage"}, TriggerKind.RENEWAL: {"window"},
              TriggerKind.HEALTH: {"color"}}.get(kind, set())
    for key in sorted(extra - wanted):
        raise PlaybookError("trigger_extra", (*path, key), key=key, on=kind.value)
    if kind is TriggerKind.STAGE:
        stage = parse_stage(str(raw.get("stage", "")))
        if stage is None:
            raise PlaybookError("bad_stage", (*path, "stage"), value=str(raw.get("stage"))[:40])
        return Trigger(kind, stage=stage)
    if kind is TriggerKind.RENEWAL:
        window = raw.get("window", max(windows) if windows else 90)
        if isinstance(window, bool) or not isinstance(window, int) or window not in windows:
            raise PlaybookError("bad_window", (*path, "window"), value=str(window)[:20],
                                windows=", ".join(str(w) for w in windows))
        return Trigger(kind, window=window)
    if kind is TriggerKind.HEALTH:
        color = _COLORS.get(fold(str(raw.get("color", ""))).strip())
        if color is None:
            raise PlaybookError("bad_color", (*path, "color"), value=str(raw.get("color"))[:20])
        return Trigger(kind, color=color)
    return Trigger(kind)


def _step(raw: Any, index: int) -> Step:
    path: Path_ = ("steps", index)
    if not isinstance(raw, dict):
        raise PlaybookError("not_table", path)
    _no_unknown(raw, _STEP, path)
    title = _title(raw.get("title"), (*path, "title"))
    owner_raw = raw.get("owner")
    if owner_raw is None:
        raise PlaybookError("missing", (*path, "owner"))
    owner = owner_of(str(owner_raw))
    if owner is None:
        raise PlaybookError("bad_owner", (*path, "owner"), value=str(owner_raw)[:40])
    due = raw.get("due", 0)
    if isinstance(due, bool) or not isinstance(due, int) or not 0 <= due <= MAX_DUE_DAYS:
        raise PlaybookError("bad_due", (*path, "due"), value=str(due)[:20], max=MAX_DUE_DAYS)
    shared = raw.get("shared", False)
    if not isinstance(shared, bool):
        raise PlaybookError("bad_shared", (*path, "shared"), value=str(shared)[:20])
    return Step(title=title, owner=owner, due_days=due, shared=shared)


def owner_of(text: str) -> str | None:
    """AR / SR / FR / sponsor (in either language) or the customer's side."""
    if fold(text).strip() in _CUSTOMER:
        return "CUSTOMER"
    return parse_role(text)


# --- where a field is ----------------------------------------------------------------------


def locate(text: str, fmt: str, path: Path_) -> int | None:
    """The line (1-based) where ``path`` is written, when it can be found."""
    if not path:
        return None
    if fmt == "yaml":
        try:
            node: Any = yaml.compose(text)
        except yaml.YAMLError:
            return None
        line = node.start_mark.line + 1 if node is not None else None
        for part in path:
            found = None
            if isinstance(part, int) and isinstance(node, yaml.SequenceNode):
                found = node.value[part] if part < len(node.value) else None
            elif isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if key.value == part:
                        line = key.start_mark.line + 1
                        found = value
                        break
            if found is None:
                return line
            node = found
            line = node.start_mark.line + 1
        return line
    return _locate_toml(text.splitlines(), path)


def _locate_toml(lines: list[str], path: Path_) -> int | None:
    """Good enough for playbook files: ``[[steps]]`` blocks, ``[trigger]`` or inline tables."""
    start, end = 0, len(lines)
    parts = list(path)
    found: int | None = None
    if len(parts) >= 2 and isinstance(parts[1], int):
        headers = [i for i, line in enumerate(lines)
                   if re.match(rf"^\s*\[\[\s*{re.escape(str(parts[0]))}\s*\]\]", line)]
        if parts[1] >= len(headers):
            return None
        start = headers[parts[1]]
        found = start + 1
        nxt = [i for i, line in enumerate(lines) if i > start and re.match(r"^\s*\[", line)]
        end = nxt[0] if nxt else len(lines)
        parts = parts[2:]
    for part in parts:
        key = re.escape(str(part))
        for i in range(start, end):
            if re.match(rf"^\s*{key}\s*=", lines[i]) or re.match(rf"^\s*\[\s*{key}\s*\]", lines[i]):
                found = i + 1
                start = i
                break
            if found is not None and i > start and re.search(rf"[{{,]\s*{key}\s*=", lines[i]):
                found = i + 1
                break
        else:
            break
    return found


# --- the library ---------------------------------------------------------------------------


@dataclass
class Library:
    """The playbooks this deployment has, by name, and the files that could not be read."""

    playbooks: dict[str, Playbook] = field(default_factory=dict)
    errors: list[PlaybookError] = field(default_factory=list)

    def find(self, text: str) -> Playbook | None:
        """By name, or by its title in either language (``续约``, ``Renewal``)."""
        key = fold(text).strip()
        if key in self.playbooks:
            return self.playbooks[key]
        for playbook in self.playbooks.values():
            if key in {fold(title).strip() for title in playbook.title.values()}:
                return playbook
        return None

    def by_trigger(self, kind: TriggerKind) -> list[Playbook]:
        return [p for p in self.playbooks.values() if p.trigger.kind is kind]


def load_source(text: str, fmt: str, *, source: str, windows: Sequence[int]) -> Playbook:
    """One definition from its text; errors carry the file and line."""
    try:
        return build(parse_text(text, fmt), windows=windows, source=source)
    except PlaybookError as err:
        err.file = source
        if err.line is None:
            err.line = locate(text, fmt, err.path)
        raise


@cache
def _builtin(windows: tuple[int, ...]) -> tuple[Playbook, ...]:
    return tuple(
        load_source(path.read_text(encoding="utf-8"), "toml", source="built-in",
                    windows=windows)
        for path in sorted(BUILTIN.glob("*.toml"))
    )


def load_library(
    *, folder: str | Path | None, windows: Sequence[int],
    chat: Iterable[tuple[str, str, str]] = (),
) -> Library:
    """Built-in playbooks, then the folder's files, then those added from chat
    (``(name, source, format)``): a later one of the same name replaces an earlier one."""
    windows = tuple(windows)
    library = Library()
    for playbook in _builtin(windows):
        library.playbooks[playbook.name] = playbook
    from_files: dict[str, str] = {}
    if folder:
        root = Path(folder)
        if not root.is_dir():
            missing = PlaybookError("no_folder", folder=str(root))
            missing.file = str(root)
            library.errors.append(missing)
        else:
            for path in sorted(p for p in root.iterdir() if p.suffix.lower() in SUFFIXES):
                try:
                    text = path.read_text(encoding="utf-8")
                    playbook = load_source(text, SUFFIXES[path.suffix.lower()],
                                           source=str(path), windows=windows)
                except UnicodeDecodeError:
                    binary = PlaybookError("not_text")
                    binary.file = str(path)
                    library.errors.append(binary)
                    continue
                except PlaybookError as err:
                    library.errors.append(err)
                    continue
                if playbook.name in from_files:
                    twice = PlaybookError("duplicate_name", ("name",), name=playbook.name,
                                          other=from_files[playbook.name])
                    twice.file = str(path)
                    twice.line = locate(text, SUFFIXES[path.suffix.lower()], ("name",))
                    library.errors.append(twice)
                    continue
                from_files[playbook.name] = str(path)
                library.playbooks[playbook.name] = playbook
    for name, text, fmt in chat:
        try:
            library.playbooks[name] = load_source(text, fmt, source="chat", windows=windows)
        except PlaybookError as err:
            # The renewal windows changed since it was added, say: reported, not used.
            err.file = f"chat:{name}"
            library.errors.append(err)
    return library
