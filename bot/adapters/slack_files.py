"""Files shared in Slack channels: what ``files.info`` says about one, and its bytes.

kambot does not read channel history, so a file reaches it through the ``file_shared``
event (scope ``files:read``): the event names the file and the channel, ``files.info``
gives its name, size and the share's message, and the bytes come from
``url_private_download`` with the bot token as a bearer header. The token never goes into
a URL, a log line or an error message; a redirect to another host drops it (httpx).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx


class DownloadError(Exception):
    """A file that could not be fetched; the message holds no token and no file content."""


@dataclass(frozen=True, slots=True)
class SharedFile:
    id: str
    name: str
    size: int
    url: str
    # The message the file was shared with, or the thread it was shared in.
    thread: str | None


def shared_file(info: dict[str, Any], channel: str) -> SharedFile:
    """The parts of a ``files.info`` file object that matter here."""
    thread: str | None = None
    shares = info.get("shares") or {}
    for scope in ("public", "private"):
        found = (shares.get(scope) or {}).get(channel) or []
        if found:
            thread = str(found[0].get("thread_ts") or found[0].get("ts") or "") or None
            break
    name = str(info.get("name") or info.get("title") or info.get("id") or "file")
    return SharedFile(
        id=str(info.get("id", "")),
        name=name,
        size=int(info.get("size") or 0),
        url=str(info.get("url_private_download") or info.get("url_private") or ""),
        thread=thread,
    )


def download(url: str, token: str, *, limit: int, timeout: float = 30.0) -> bytes:
    """The file at ``url``, read with the bot token; at most ``limit`` bytes."""
    if not url.startswith(("https://", "http://")):
        raise DownloadError("the file has no download address")
    if not token:
        raise DownloadError("no bot token to download with")
    chunks: list[bytes] = []
    total = 0
    try:
        with httpx.Client(timeout=timeout, follow_redirects=True) as client, client.stream(
            "GET", url, headers={"Authorization": f"Bearer {token}"}
        ) as response:
            if response.status_code != 200:
                raise DownloadError(f"HTTP {response.status_code}")
            if response.headers.get("content-type", "").startswith("text/html"):
                # Slack's sign-in page: the token lacks files:read, or the file is gone.
                raise DownloadError("Slack answered with a web page, not the file "
                                    "(does the app have the files:read scope?)")
            for chunk in response.iter_bytes():
                total += len(chunk)
                if total > limit:
                    raise DownloadError(f"larger than {limit} bytes")
                chunks.append(chunk)
    except httpx.HTTPError as exc:
        raise DownloadError(f"network error: {type(exc).__name__}") from None
    return b"".join(chunks)
