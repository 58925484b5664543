"""Full-text search over an account's meeting notes, on SQLite (FTS5) and PostgreSQL.

Both databases index the same text, made here by :func:`index_text`: Latin words are
case-folded and Chinese runs become overlapping character bigrams (客户确认 -> 客户 户确 确认),
the scheme of Lucene's CJK analyzer. A query word is matched as the phrase of its bigrams,
so any Chinese word of two or more characters is found wherever it stands, without
trusting a segmenter to cut the note and the question the same way. jieba only splits the
question into words (and drops filler such as 还有 / 哪些).

The index is kept by :func:`index_note` (call it when a note is added) and, so that notes
written by any path are never missed, :func:`search_notes` first indexes the account's
notes that are not in it yet (a cheap anti-join).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa
from sqlmodel import Session, col

from storage.models import Note

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]+|[^\W{_CJK}_]+(?:[-.'][^\W{_CJK}_]+)*", re.UNICODE)
_CJK_RUN = re.compile(rf"^[{_CJK}]+$")
_PLAIN = re.compile(r"[^\w]", re.UNICODE)

MAX_QUERY_TERMS = 16

# Filler words that would match almost every note; questions are full of them.
STOPWORDS = frozenset(
    """a an and are as at be by did do does for from has have how i in is it its last me my
    of on or our s the their them they this to us was we what whats when where which who
    whom why with you your about any anything tell show give there still all
    open pending overdue agree agreed discuss discussed month week year ago
    的 了 和 与 是 在 有 吗 呢 吧 啊 我们 他们 她们 你们 什么 哪些 哪个 还有 一下 请问 请 谁
    上个月 上月 本月 这个 那个 一些 目前 现在 事项 情况 怎么 怎样 如何 多少 没有""".split()
)

log = logging.getLogger(__name__)


@cache
def _jieba():  # type: ignore[no-untyped-def]
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def warm_up() -> None:
    """Load jieba's dictionary now (about a second, once per process) rather than on the
    first Chinese question; call it at start-up, e.g. in a background thread."""
    _jieba().initialize()


_JIEBA_CHUNK = 100


def _bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def index_text(text: str) -> str:
    """The form a note is indexed in: words case-folded, Chinese as character bigrams."""
    out: list[str] = []
    for match in _TOKEN.finditer(_fold(text)):
        token = match.group(0)
        if _CJK_RUN.match(token):
            out.extend(_bigrams(token))
        else:
            out.append(_PLAIN.sub("", token))
    return " ".join(t for t in out if t)


def query_terms(question: str, *, ignore: Iterable[str] = ()) -> list[list[str]]:
    """The question as search terms; each term is a phrase (a list of index tokens).

    Words in ``ignore`` (e.g. the account's name) and filler words are left out.
    """
    ignored = {_fold(w) for w in ignore}
    terms: list[list[str]] = []
    seen: set[str] = set()
    for match in _TOKEN.finditer(_fold(question)):
        if len(terms) >= MAX_QUERY_TERMS:
            break  # enough terms; the rest of a long question is not read
        token = match.group(0)
        if _CJK_RUN.match(token):
            # jieba is superlinear on a long run of one character: cut it in bounded chunks.
            words = [w for i in range(0, len(token), _JIEBA_CHUNK)
                     for w in _jieba().cut(token[i:i + _JIEBA_CHUNK]) if len(w) >= 2]
        else:
            words = [_PLAIN.sub("", token)]
        for word in words:
            if not word or word in STOPWORDS or word in ignored or word in seen:
                continue
            if not _CJK_RUN.match(word) and len(word) < 2 and not word.isdigit():
                continue
            seen.add(word)
            terms.append(_bigrams(word) if _CJK_RUN.match(word) else [word])
    return terms[:MAX_QUERY_TERMS]


@dataclass(frozen=True, slots=True)
class Hit:
    note_id: int
    score: float


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def index_note(session: Session, *, note: Note) -> None:
    """Put one note into the index (idempotent). The caller owns the transaction."""
    assert note.id is not None
    _index_rows(session, [(note.id, note.account_id, note.text)])


def unindex_note(session: Session, *, note_id: int) -> None:
    """Take a note out of the index (it is being deleted). The caller owns the transaction."""
    dialect = _dialect(session)
    if dialect == "sqlite":
        session.execute(sa.text("DELETE FROM note_fts WHERE rowid = :id"), {"id": note_id})
    elif dialect == "postgresql":
        session.execute(sa.text("DELETE FROM note_search WHERE note_id = :id"), {"id": note_id})


def _index_rows(session: Session, rows: Sequence[tuple[int, int, str]]) -> None:
    if not rows:
        return
    dialect = _dialect(session)
    params = [{"id": i, "a": a, "b": index_text(text)} for i, a, text in rows]
    if dialect == "sqlite":
        session.execute(sa.text("DELETE FROM note_fts WHERE rowid = :id"), [{"id": p["id"]} for p in params])
        session.execute(
            sa.text("INSERT INTO note_fts (rowid, body, scope, account_id) "
                    "VALUES (:id, :b, :s, :a)"),
            [dict(p, s=scope_token(a)) for p, (_, a, _) in zip(params, rows, strict=True)],
        )
    elif dialect == "postgresql":
        session.execute(
            sa.text(
                "INSERT INTO note_search (note_id, account_id, body) VALUES (:id, :a, :b) "
                "ON CONFLICT (note_id) DO UPDATE SET body = EXCLUDED.body, "
                "account_id = EXCLUDED.account_id"
            ),
            params,
        )


def catch_up(session: Session, *, account_id: int, batch: int = 2000) -> int:
    """Index the account's notes the index does not hold yet; returns how many."""
    dialect = _dialect(session)
    if dialect == "sqlite":
        missing = sa.text(
            "SELECT n.id, n.account_id, n.text FROM note n WHERE n.account_id = :a "
            "AND NOT EXISTS (SELECT 1 FROM note_fts f WHERE f.rowid = n.id) LIMIT :lim"
        )
    elif dialect == "postgresql":
        missing = sa.text(
            "SELECT n.id, n.account_id, n.text FROM note n WHERE n.account_id = :a "
            "AND NOT EXISTS (SELECT 1 FROM note_search s WHERE s.note_id = n.id) LIMIT :lim"
        )
    else:
        return 0
    done = 0
    while True:
        rows = [tuple(r) for r in session.execute(missing, {"a": account_id, "lim": batch})]
        if not rows:
            return done
        _index_rows(session, rows)  # type: ignore[arg-type]
        done += len(rows)


def scope_token(account_id: int) -> str:
    """The account as one token of the SQLite index's ``scope`` column."""
    return f"a{int(account_id)}"


def _fts5_query(terms: list[list[str]]) -> str:
    return " OR ".join('"' + " ".join(term) + '"' for term in terms)


def _tsquery(terms: list[list[str]]) -> str:
    return " | ".join("(" + " <-> ".join(term) + ")" for term in terms)


def search_notes(
    session: Session, *, account_id: int, question: str, limit: int = 8,
    ignore: Iterable[str] = (),
) -> list[Hit]:
    """The account's notes most relevant to ``question``, best first (only this account)."""
    terms = query_terms(question, ignore=ignore)
    if not terms:
        return []
    catch_up(session, account_id=account_id)
    dialect = _dialect(session)
    if dialect == "sqlite":
        rows = session.execute(
            sa.text(
                # The account is matched in the index (its scope token), not by reading
                # every account's hits; bm25 weighs the body only.
                "SELECT rowid, bm25(note_fts, 1.0, 0.0) AS s FROM note_fts "
                "WHERE note_fts MATCH :q ORDER BY s LIMIT :lim"
            ),
            {"q": f"scope:{scope_token(account_id)} AND body:({_fts5_query(terms)})",
             "lim": limit},
        )
        return [Hit(int(r[0]), -float(r[1])) for r in rows]
    if dialect == "postgresql":
        rows = session.execute(
            sa.text(
                "SELECT note_id, ts_rank(tsv, q) AS s FROM note_search, "
                "to_tsquery('simple', :q) AS q WHERE account_id = :a AND tsv @@ q "
                "ORDER BY s DESC, note_id DESC LIMIT :lim"
            ),
            {"q": _tsquery(terms), "a": account_id, "lim": limit},
        )
        return [Hit(int(r[0]), float(r[1])) for r in rows]
    # Any other database: a plain LIKE over the raw text, newest first.
    words = [term[0] + "".join(gram[-1] for gram in term[1:]) for term in terms]
    clause = sa.or_(*[sa.func.lower(col(Note.text)).like(f"%{w}%") for w in words])
    found = session.execute(
        sa.select(col(Note.id)).where(col(Note.account_id) == account_id, clause)
        .order_by(col(Note.id).desc()).limit(limit)
    )
    return [Hit(int(r[0]), 0.0) for r in found]


def forget_account(session: Session, *, account_id: int) -> int:
    """Take every note of the account out of the index, for good (account delete).

    On SQLite an FTS5 delete leaves the old terms in the index's segments until they are
    merged, so the index is merged at once ('optimize'): nothing of the notes stays."""
    dialect = _dialect(session)
    if dialect == "sqlite":
        result = session.execute(
            sa.text("DELETE FROM note_fts WHERE rowid IN "
                    "(SELECT rowid FROM note_fts WHERE note_fts MATCH :q)"),
            {"q": f"scope:{scope_token(account_id)}"})
        session.execute(sa.text("INSERT INTO note_fts (note_fts) VALUES ('optimize')"))
    elif dialect == "postgresql":
        result = session.execute(sa.text("DELETE FROM note_search WHERE account_id = :a"),
                                 {"a": account_id})
    else:
        return 0
    return int(getattr(result, "rowcount", 0) or 0)
