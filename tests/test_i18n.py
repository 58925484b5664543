"""Both languages are complete: same keys, same template fields, every key used exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from commands.i18n import CatalogError, Translator, catalog, t, template_fields

ROOT = Path(__file__).resolve().parents[1]


def test_every_key_exists_in_both_languages() -> None:
    en, zh = catalog("en"), catalog("zh")
    assert sorted(set(en) - set(zh)) == [], "missing in zh"
    assert sorted(set(zh) - set(en)) == [], "missing in en"


def test_templates_take_the_same_values_in_both_languages() -> None:
    en, zh = catalog("en"), catalog("zh")
    differ = [k for k in en if template_fields(en[k]) != template_fields(zh[k])]
    assert differ == []


def test_chinese_catalog_is_chinese() -> None:
    zh = catalog("zh")
    han = re.compile(r"[\u4e00-\u9fff]")
    # Short codes (AR, NPS) and pure templates may be language-neutral; English prose may not.
    def english_prose(value: str) -> bool:
        words = re.sub(r"\{[^}]*\}", "", value)
        return not han.search(words) and bool(re.search(r"[A-Za-z]{4,}\s+[A-Za-z]{3,}", words))

    english_only = [k for k, v in zh.items() if english_prose(v)]
    assert english_only == []


_KEY_USE = re.compile(r"""(?:\bt|ctx\.t|CommandError|error_reply)\(\s*(?:[a-z_.]+,\s*)?["']([a-z0-9_]+(?:\.[A-Za-z0-9_]+)+)["']""")


def test_every_literal_key_used_in_code_exists() -> None:
    en = catalog("en")
    missing = []
    for folder in ("bot", "commands"):
        for path in (ROOT / folder).rglob("*.py"):
            for key in _KEY_USE.findall(path.read_text(encoding="utf-8")):
                if key not in en:
                    missing.append(f"{path.relative_to(ROOT)}: {key}")
    assert missing == []


def test_every_registered_verb_has_help_in_both_languages() -> None:
    from commands.registry import load_handlers

    for name, cmd in load_handlers().items():
        for lang in ("en", "zh"):
            assert t(lang, cmd.summary_key), name
            assert t(lang, cmd.usage_key), name


def test_missing_key_or_value_fails_loudly() -> None:
    with pytest.raises(CatalogError):
        t("en", "no.such.key")
    with pytest.raises(CatalogError):
        t("en", "task.created")  # needs number and account
    assert Translator("zh-CN").lang == "zh"
