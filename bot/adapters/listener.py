"""Where an HTTP listener listens, said the same way by every platform that opens one."""

from __future__ import annotations

from aiohttp import web


def listening(runner: web.AppRunner) -> str:
    """``host:port`` of each socket ``runner`` listens on (the port the system chose, if 0)."""
    out = []
    for address in runner.addresses:
        host, port = address[0], address[1]
        out.append(f"[{host}]:{port}" if ":" in str(host) else f"{host}:{port}")
    return ", ".join(out) or "nowhere"
