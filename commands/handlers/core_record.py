"""help: the verbs, and one verb's usage. (Stakeholders are in handlers/stakeholders.py, the
plan in handlers/plan.py.)"""

from __future__ import annotations

from bot.messages import Item, Reply, Section
from commands.options import chinese_verb, key_list
from commands.parsing import VERB_ALIASES, Args
from commands.registry import Command, CommandError, Context, command, load_handlers, lookup

# The order `help` lists verbs in: the daily ones first.
HELP_ORDER = (
    "note", "notes", "task", "open", "tasks", "done", "reopen", "cancel", "history", "undo",
    "account", "triangle", "handover",
    "health", "signal", "report", "ask", "stakeholder", "plan", "accounts", "help",
)


@command("help", aliases=("?", "h"), needs_account=False, readonly=True, keys=())
def help_(ctx: Context, args: Args) -> Reply:
    t = ctx.t
    registry = load_handlers()
    if args.words:
        wanted = args.words[0].lower().lstrip("/")
        cmd = lookup(VERB_ALIASES.get(wanted, wanted))
        if cmd is None:
            raise CommandError("error.unknown_verb", verb=wanted[:40])
        zh_alias = [k for k, v in VERB_ALIASES.items() if v == cmd.name]
        zh_alias += [a for a in cmd.aliases if not a.isascii() and a not in zh_alias]
        fields = [(t("help.usage"), t(cmd.usage_key))]
        if zh_alias:
            fields.append((t("help.aliases"), " / ".join(zh_alias)))
        if cmd.keys:
            fields.append((t("options.keys"), key_list(cmd, t.lang)))
        return Reply(title=f"{cmd.name} — {t(cmd.summary_key)}", sections=[Section(fields=fields)])
    names = [n for n in HELP_ORDER if n in registry] + sorted(set(registry) - set(HELP_ORDER))
    items = [Item(f"{_shown(registry[name], t.lang)} — {t(registry[name].summary_key)}")
             for name in names]
    intro = t("help.bound", account=ctx.account.name) if ctx.account else t("help.unbound")
    return Reply(
        title=t("help.title"),
        sections=[Section(text=intro), Section(items=items), Section(text=t("help.grammar"))],
    )


def _shown(cmd: Command, lang: str) -> str:
    """A verb as help lists it: in Chinese its Chinese form first (``任务 (task)``)."""
    zh = chinese_verb(cmd) if lang == "zh" else None
    return f"{zh} ({cmd.name})" if zh else cmd.name
