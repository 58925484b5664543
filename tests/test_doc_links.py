"""Every file the README, the Slack manifest and the docs point to exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_local_links_resolve() -> None:
    missing = []
    sources = [ROOT / "README.md", ROOT / "manifest.yml", *sorted((ROOT / "docs").glob("*.md"))]
    for source in sources:
        text = source.read_text(encoding="utf-8")
        targets = set(re.findall(r"\]\(([^)#\s]+)", text))  # Markdown links
        targets |= set(re.findall(r"\bsee (docs/[\w.-]+\.md)", text, flags=re.I))
        targets |= set(re.findall(r"`(docs/[\w.-]+\.md)`", text))
        for target in targets:
            if "://" in target or target.startswith("mailto:"):
                continue
            if not (source.parent / target).exists() and not (ROOT / target).exists():
                missing.append(f"{source.name} -> {target}")
    assert not missing, missing
    assert (ROOT / "docs" / "slack.md").is_file()  # manifest.yml: "See docs/slack.md."
