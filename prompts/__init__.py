"""LLM prompt templates, one Markdown file each, rendered with ``$name`` variables.

Like simonw/llm's Template, rendering fails loudly: a variable the template uses but the
caller did not give raises :class:`PromptError`, and so does a variable given but unused
(a typo in either place is caught by the tests, never sent to a model).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from string import Template

_ROOT = Path(__file__).parent


class PromptError(KeyError):
    """A missing template, or a variable missing from (or unknown to) a template."""


@cache
def _template(name: str) -> Template:
    path = _ROOT / f"{name}.md"
    if not path.is_file():
        raise PromptError(f"no prompt template {name!r} in {_ROOT}")
    return Template(path.read_text(encoding="utf-8"))


def variables(name: str) -> set[str]:
    return set(_template(name).get_identifiers())


def render(name: str, /, **values: object) -> str:
    """The template ``prompts/<name>.md`` with ``values`` filled in."""
    template = _template(name)
    wanted = set(template.get_identifiers())
    missing = wanted - values.keys()
    if missing:
        raise PromptError(f"prompt {name!r} needs {sorted(missing)}")
    unknown = values.keys() - wanted
    if unknown:
        raise PromptError(f"prompt {name!r} has no variable(s) {sorted(unknown)}")
    return template.substitute({k: str(v) for k, v in values.items()})
