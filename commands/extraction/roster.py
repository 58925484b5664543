"""Who a note can name: the account's people, the customer's people, roles and team words.

The caller builds a :class:`Roster` from storage (plain data, so the extractor stays pure)
and :class:`OwnerMatcher` finds an owner at a place in a line: a display name, a first
name, a username or ``@handle``, a nickname (``Bob`` for Robert, from the ``nicknames``
package's hand-curated table), a Chinese form of address (``张总``, ``小王``, ``老陈``,
``李工``), a role (``AR``, ``客户经理``, ``the delivery team``, ``交付``), the customer
(``the customer``, ``they``, ``客户方``, the account's name) or ``I`` (the note's author).
Case does not matter. A form shared by two people names neither (it stays unplaced).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from commands.routing import parse_role

__all__ = ["Owner", "OwnerMatcher", "Roster", "RosterPerson", "RosterStakeholder", "known_given_name",
           "person_forms"]

CUSTOMER = "CUSTOMER"


@dataclass(frozen=True)
class RosterPerson:
    """Someone on our side: ``key`` is what the caller uses to find them (Person.id)."""

    key: int | str
    name: str
    username: str | None = None
    roles: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class RosterStakeholder:
    """Someone of the customer's (a stakeholder): their commitments are the customer's."""

    key: int | str
    name: str
    title: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Roster:
    people: tuple[RosterPerson, ...] = ()
    stakeholders: tuple[RosterStakeholder, ...] = ()
    account: str = ""  # the customer's name: "Acme to provide ..." is theirs
    author: int | str | None = None  # the person writing the note: "I will ..."


@dataclass(frozen=True)
class Owner:
    """Who an action belongs to.

    ``kind``: ``person`` (on the team: ``person`` is their key, ``role`` the role they hold
    or None), ``role`` (a role named, e.g. "the delivery team"), ``customer`` (the
    customer's side; ``stakeholder`` when a person of theirs was named), ``team`` ("we":
    routed by the wording), ``text`` (someone we cannot place, kept as written) or
    ``mention`` (a platform mention the caller resolves). ``text`` is the owner as written.
    """

    kind: str
    text: str
    role: str | None = None
    person: int | str | None = None
    stakeholder: int | str | None = None

    @property
    def is_customer(self) -> bool:
        return self.kind == "customer"


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


_CJK = re.compile(r"[\u3400-\u9fff]")
# Team words for roles, beyond the role names commands.routing knows.
_TEAM_WORDS = {
    "AR": ("account manager", "account team", "sales", "sales team", "our ar", "the ar",
           "account responsible", "客户经理", "客户负责人", "销售", "商务"),
    "SR": ("solution team", "the solution team", "solutions team", "the solutions team",
           "solution manager", "solution lead", "presales", "pre-sales", "our sr", "the sr",
           "解决方案经理", "方案经理", "解决方案团队", "方案团队", "售前", "售前团队"),
    "FR": ("delivery", "delivery team", "the delivery team", "delivery manager",
           "delivery lead", "fulfillment", "fulfilment", "our fr", "the fr", "交付经理",
           "交付负责人", "交付团队", "交付", "实施团队", "交付组"),
    "SPONSOR": ("sponsor", "our sponsor", "the sponsor", "executive sponsor", "exec sponsor",
                "executive", "our executive", "高层负责人", "高层领导", "高层", "我方高层", "赞助人",
                "高层赞助人", "项目赞助人"),
}
_CUSTOMER_WORDS = (
    "the customer", "customer", "the client", "client", "they", "their", "their side", "their team",
    "customer side", "the customer side", "客户方", "客户那边", "客户侧", "客户", "甲方", "对方",
    # a department of the customer's: "客户IT下周五前…", "customer IT to …"
    *(f"{who}{dept}" for who in ("客户", "客户的", "客户方", "甲方", "对方")
      for dept in ("IT", "it", "信息部", "信息中心", "技术部", "技术团队", "法务", "财务", "采购", "运维",
                   "安全团队", "项目组", "团队")),
    *(f"{who} {dept}" for who in ("customer", "the customer", "customer's", "the customer's", "client",
                                  "the client", "client's", "the client's", "their")
      for dept in ("it", "it team", "legal", "legal team", "procurement", "finance", "security team",
                   "ops", "ops team", "team", "project team")),
)
_TEAM_US = ("we", "us", "our team", "the team", "team", "everyone", "all",
            "我们", "我方", "大家", "团队")
_AUTHOR = ("i", "me", "myself", "我")
_HONORIFIC_AFTER = ("总", "经理", "工", "老师", "哥", "姐", "主任", "总监")
_HONORIFIC_BEFORE = ("小", "老", "阿")


@functools.lru_cache(maxsize=1)
def _nicknamer() -> object | None:
    try:
        from nicknames import NickNamer  # a hand-curated table of English nicknames
    except ImportError:  # the matcher works without nicknames
        return None
    return NickNamer()


def _nicknames(first: str) -> set[str]:
    namer = _nicknamer()
    if namer is None or not first.isascii():
        return set()
    try:
        found = namer.nicknames_of(first.lower()) | namer.canonicals_of(first.lower())  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - a data package must not break extraction
        return set()
    return {name for name in found if len(name) >= 3}


def known_given_name(word: str) -> bool:
    """``word`` is an English given name or nickname of the ``nicknames`` table (Kevin,
    Mike): evidence that an unknown capitalised word is a person."""
    namer = _nicknamer()
    if namer is None or not word.isascii() or len(word) < 3:
        return False
    try:
        low = word.lower()
        return bool(namer.nicknames_of(low) or namer.canonicals_of(low))  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - a data package must not break extraction
        return False


def _title_forms(title: str, account: str) -> set[str]:
    """How a note names a customer's person by their title: "their CIO", "Acme's CIO",
    "the CIO", "信息中心主任", "客户信息中心主任"."""
    title = " ".join(title.split())
    if not title:
        return set()
    if _CJK.search(title):
        return {title, "客户" + title, "对方" + title, "甲方" + title}
    forms = {title, "the " + title, "their " + title, "the customer's " + title, "the client's " + title}
    for name in {account, account.split(" ")[0]} if account else set():
        forms |= {f"{name}'s {title}", f"{name}’s {title}", f"{name} {title}"}
    return forms


def _person_forms(name: str) -> tuple[set[str], set[str]]:
    """Strong forms (the name itself) and weak ones (first name, nicknames, 张总, 小王)."""
    name = " ".join(name.split())
    strong = {name}
    weak: set[str] = set()
    if not name:
        return set(), set()
    if _CJK.search(name) and " " not in name:
        if 2 <= len(name) <= 4:
            surname, given = name[0], name[1:]
            weak |= {surname + h for h in _HONORIFIC_AFTER}
            weak |= {h + surname for h in _HONORIFIC_BEFORE}
            if len(given) >= 2:
                weak.add(given)
            else:  # 李娜: 娜娜, 小娜, 阿娜, as colleagues call her
                weak |= {given * 2, "小" + given, "阿" + given}
        return strong, weak
    parts = name.split(" ")
    first = parts[0]
    if len(first) >= 2:
        weak.add(first)
        weak |= _nicknames(first)
    if len(parts) >= 2:
        weak.add(f"{first} {parts[-1][0]}")
        weak.add(f"{first} {parts[-1][0]}.")
        if len(parts[-1]) >= 3:
            weak.add(parts[-1])
    return strong, weak


class OwnerMatcher:
    """Finds an owner at a position of a line. Built once per note; pure afterwards."""

    def __init__(self, roster: Roster | None) -> None:
        roster = roster or Roster()
        self.roster = roster
        strong: dict[str, set[Owner]] = {}
        weak: dict[str, set[Owner]] = {}

        def add(table: dict[str, set[Owner]], form: str, owner: Owner) -> None:
            key = _fold(form).strip()
            if key:
                table.setdefault(key, set()).add(owner)

        for person in roster.people:
            role = next((r for r in person.roles if r in ("AR", "SR", "FR")), None)
            role = role or next(iter(person.roles), None)
            owner = Owner("person", person.name, role=role, person=person.key)
            names, loose = _person_forms(person.name)
            for form in names | set(person.aliases):
                add(strong, form, owner)
            if person.username:
                add(strong, person.username.lstrip("@"), owner)
                add(strong, "@" + person.username.lstrip("@"), owner)
            for form in loose:
                add(weak, form, owner)
        for holder in roster.stakeholders:
            owner = Owner("customer", holder.name, role=CUSTOMER, stakeholder=holder.key)
            names, loose = _person_forms(holder.name)
            loose |= _title_forms(holder.title or "", " ".join(roster.account.split()))
            for form in names | set(holder.aliases):
                add(strong, form, owner)
            for form in loose:
                add(weak, form, owner)
        fixed: dict[str, Owner] = {}
        for role, words in _TEAM_WORDS.items():
            for word in words:
                fixed[_fold(word)] = Owner("role", word, role=role)
        for word in ("ar", "sr", "fr", "客户经理", "解决方案经理", "交付经理", "高层负责人"):
            role_code = parse_role(word)
            if role_code:
                fixed[_fold(word)] = Owner("role", word, role=role_code)
        for word in _CUSTOMER_WORDS:
            fixed[_fold(word)] = Owner("customer", word, role=CUSTOMER)
        if roster.account:
            account = " ".join(roster.account.split())
            for form in {account, account.split(" ")[0]} if " " in account else {account}:
                if len(form) >= 2:
                    fixed[_fold(form)] = Owner("customer", form, role=CUSTOMER)
        for word in _TEAM_US:
            fixed[_fold(word)] = Owner("team", word)
        if roster.author is not None:
            me = next((p for p in roster.people if p.key == roster.author), None)
            if me is not None:
                role = next((r for r in me.roles if r in ("AR", "SR", "FR")), None)
                for word in _AUTHOR:
                    fixed[_fold(word)] = Owner("person", me.name, role=role, person=me.key)
        table: dict[str, Owner] = dict(fixed)
        # People's forms win over team words ("Delivery" the person beats the role word);
        # a form two people share names neither.
        for key, owners in weak.items():
            if len(owners) == 1 and key not in strong:
                table[key] = next(iter(owners))
        for key, owners in strong.items():
            if len(owners) == 1:
                table[key] = next(iter(owners))
            else:
                table.pop(key, None)
        self._table = table
        forms = sorted(table, key=len, reverse=True)
        self._forms = forms
        # Only a quick "could any form start here?" test: the forms are tried longest first.
        firsts = sorted({f[0] for f in forms})
        self._regex = re.compile("[" + "".join(re.escape(c) for c in firsts) + "]") if forms else None
        self._people = {p.key: p for p in roster.people}

    def person(self, key: int | str | None) -> RosterPerson | None:
        return self._people.get(key) if key is not None else None

    def match(self, folded: str, pos: int = 0) -> tuple[Owner, int] | None:
        """The longest owner form starting at ``pos`` of ``folded`` (see :func:`fold_line`)
        that ends on a word edge, and where it ends; None when there is none."""
        if self._regex is None or self._regex.match(folded, pos) is None:
            return None
        for form in self._forms:
            if not folded.startswith(form, pos):
                continue
            end = pos + len(form)
            nxt = folded[end : end + 1]
            if form[-1].isascii() and form[-1].isalnum() and nxt.isascii() and (nxt.isalnum() or nxt == "_"):
                continue
            return self._table[form], end
        return None

    def find(self, text: str) -> Owner | None:
        """An owner that is the whole of ``text`` (a trailing "(Alice)", a table cell)."""
        folded = fold_line(text).strip(" @*_:：,，.。")
        if not folded:
            return None
        owner = self._table.get(folded)
        if owner is None and folded.startswith("@"):
            owner = self._table.get(folded[1:])
        return owner


def fold_line(text: str) -> str:
    """Case-folded, width-folded ``text``, one character for one (so positions carry over)."""
    out = []
    for ch in text:
        folded = _fold(ch)
        out.append(folded if len(folded) == 1 else ch.lower() if len(ch.lower()) == 1 else ch)
    return "".join(out)


def person_forms(name: str) -> tuple[set[str], set[str]]:
    """How a person is written: strong forms (the name itself) and weak ones (a first or
    last name, its nicknames, 张总 / 小王). The one table of name forms, used by the owner
    matcher above and by the question reader (commands.ask.understand)."""
    return _person_forms(name)
