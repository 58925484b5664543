"""The `kambot` command line (DESIGN.md "CLI")."""

from __future__ import annotations

import argparse
import atexit
import logging
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.app import Core, build_core
from bot.settings import Settings

log = logging.getLogger("kambot")
#: Seconds after a bot starts before jieba's dictionary is loaded.
WARM_UP_AFTER = 5.0


def _settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SystemExit(settings_problems(exc)) from None


def settings_problems(exc: ValidationError) -> str:
    """One line per bad setting, ``kambot: bad setting: NAME: what is wrong``.

    Pydantic's message names the field and the problem, never a secret's value.
    """
    return "\n".join(f"kambot: bad setting: {_problem(e)}" for e in exc.errors())


def _problem(error: Any) -> str:
    """``NAME: what is wrong``, once (a validator's message may name its setting itself)."""
    name = ".".join(map(str, error["loc"]))
    message = str(error["msg"]).removeprefix("Value error, ")
    return message if message.startswith(name) else f"{name}: {message}"


def _logging(verbose: bool, *, quiet: bool = False) -> None:
    level = logging.DEBUG if verbose else (logging.WARNING if quiet else logging.INFO)
    logging.basicConfig(level=level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # HTTP client loggers print request URLs, and a Telegram URL carries the bot token.
    for noisy in ("httpx", "httpcore", "urllib3", "telegram.ext", "apscheduler", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.adapters.console import run_console
    from bot.demo import seed_demo

    db = Path(args.database) if args.database else Path(tempfile.mkdtemp(prefix="kambot-demo-")) / "demo.db"
    settings = _settings(DATABASE_URL=f"sqlite:///{db}", KAMBOT_ADMINS=["console:alice"])
    core = build_core(settings, auto_playbooks=True)
    info = seed_demo(core)
    banner = (
        "kambot demo: four accounts (Acme Corp, Globex, Initech, 华星零售) on a fresh SQLite "
        f"database at {db}.\nYou are alice, the AR of Acme Corp, in its channel #acme. Try: "
        "open · account · triangle · task \"Book the QBR\" due=friday · note ... · health · "
        "opportunities · playbooks · pipeline · help\nSwitch with :channel globex / :channel huaxing, :user bob, :dm; quit with :quit "
        "or Ctrl-D."
    )
    return run_console(core, channel=info.channel, user=info.user, stdin=sys.stdin,
                       stdout=sys.stdout, banner=banner)


def cmd_console(args: argparse.Namespace) -> int:
    from bot.adapters.console import run_console

    core = build_core(_settings(), auto_playbooks=True)
    return run_console(core, channel=args.channel, user=args.user, stdin=sys.stdin,
                       stdout=sys.stdout, banner="kambot console: type help; :quit to leave.")


def cmd_db(args: argparse.Namespace) -> int:
    from storage.db import current_revision, make_engine, upgrade

    settings = _settings()
    engine = make_engine(settings.DATABASE_URL)
    upgrade(engine)
    print(f"database at revision {current_revision(engine)}")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from bot.doctor import run_doctor

    return run_doctor(out=sys.stdout, lang=args.lang)


def _entry(module: str, name: str) -> Callable[..., int]:
    """A platform or job entry point, imported only when asked for."""
    import importlib

    try:
        return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]
    except (ImportError, AttributeError) as exc:
        raise SystemExit(f"kambot: {module}.{name} is not available: {exc}") from None


def _listener_overrides(args: argparse.Namespace) -> dict[str, object]:
    """``--host`` wins over KAMBOT_HTTP_HOST for every listener the command opens."""
    host = getattr(args, "host", None)
    return {"KAMBOT_HTTP_HOST": host} if host else {}


def _platform_core(args: argparse.Namespace) -> Core:
    """A core for a long-running bot: every configured platform can be posted to."""
    from bot.platforms import add_configured_senders, enable_followups

    core = build_core(_settings(**_listener_overrides(args)), auto_playbooks=True, background=True)
    add_configured_senders(core)
    enable_followups(core)
    # The after-write checks still waiting are finished when the process ends.
    atexit.register(core.services.get("stop") or (lambda: None))
    # jieba's dictionary loads a few seconds after start (once serving), not on the first
    # Chinese question and not in the way of start-up.
    from storage.search import warm_up

    timer = threading.Timer(WARM_UP_AFTER, warm_up)
    timer.daemon = True
    timer.start()
    return core


def cmd_slack(args: argparse.Namespace) -> int:
    core = _platform_core(args)
    mode = "socket" if args.socket else "http" if args.http else None
    run_slack = _entry("bot.adapters.slack", "run_slack")

    def scheduler() -> AbstractContextManager[object]:
        # Imported and started once the app serves (its jobs import the reports).
        from bot.scheduler import scheduling

        return scheduling(core)

    return run_slack(core, mode=mode, beside=scheduler)


def cmd_telegram(args: argparse.Namespace) -> int:
    from bot.scheduler import scheduling

    core = _platform_core(args)
    run_telegram = _entry("bot.adapters.telegram", "run_telegram")
    with scheduling(core):
        # --webhook forces webhook mode; without it, TELEGRAM_WEBHOOK_URL decides.
        return run_telegram(core, webhook=True if args.webhook else None)


def cmd_run(args: argparse.Namespace) -> int:
    core = _platform_core(args)
    return _entry("bot.runner", "run_all")(core)


def cmd_worker(args: argparse.Namespace) -> int:
    from bot.app import job_work
    from bot.platforms import add_configured_senders
    from bot.tasks.engine import run_worker

    core = build_core(_settings())
    add_configured_senders(core)
    return run_worker(core.settings, job_work(core), concurrency=args.concurrency,
                      name=args.name)


def cmd_digest(args: argparse.Namespace) -> int:
    from bot.platforms import add_configured_senders

    core = build_core(_settings())
    add_configured_senders(core)
    return _entry("bot.jobs", "digest_command")(core, month=args.month, dry_run=args.dry_run)


def cmd_alerts(args: argparse.Namespace) -> int:
    from bot.platforms import add_configured_senders

    core = build_core(_settings())
    add_configured_senders(core)
    return _entry("bot.alerts", "alerts_command")(core, dry_run=args.dry_run)


def cmd_import(args: argparse.Namespace) -> int:
    if args.what == "transcript":
        from bot.import_transcript import import_transcript_file

        if not args.account:
            raise SystemExit("kambot import transcript: say which account: --account NAME")
        core = build_core(_settings())
        return import_transcript_file(core, Path(args.file), account=args.account,
                                      lang=args.lang, create=args.create, out=sys.stdout)
    core = build_core(_settings())
    if args.what == "account" or args.file.lower().endswith(".json"):
        from bot.transfer_record import import_record_file

        return import_record_file(core, Path(args.file), out=sys.stdout, dry_run=args.dry_run,
                                  lang=args.lang)
    from bot.transfer import import_accounts

    return import_accounts(core, Path(args.file), out=sys.stdout, dry_run=args.dry_run,
                           team=args.team, lang=args.lang)


def cmd_export(args: argparse.Namespace) -> int:
    from bot.transfer import export_record

    core = build_core(_settings())
    return export_record(core, what=args.what, account=args.account, out=sys.stdout,
                         lang=args.lang)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kambot", description=(
        "kambot keeps a key account's record in its team channel: notes, the iron "
        "triangle's actions, health alerts and monthly reports."))
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("demo", help="console on a seeded demo data set; nothing to set up")
    p.add_argument("--database", help="SQLite file to use (default: a fresh temporary one)")
    p.set_defaults(func=cmd_demo, quiet=True)

    p = sub.add_parser("console", help="talk to kambot on stdin/stdout")
    p.add_argument("--channel", default="general", help="channel to start in")
    p.add_argument("--user", default=os.environ.get("USER", "me") or "me", help="who you are")
    p.set_defaults(func=cmd_console, quiet=True)

    p = sub.add_parser("slack", help="run the Slack app (Socket Mode if SLACK_APP_TOKEN is set)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--http", action="store_true", help="HTTP mode on PORT")
    group.add_argument("--socket", action="store_true", help="Socket Mode")
    _host_option(p)
    p.set_defaults(func=cmd_slack)

    p = sub.add_parser("telegram", help="run the Telegram bot (long polling by default)")
    p.add_argument("--webhook", action="store_true", help="webhook mode (TELEGRAM_WEBHOOK_URL)")
    _host_option(p)
    p.set_defaults(func=cmd_telegram)

    p = sub.add_parser("run", help="every configured platform and the scheduler, one process")
    _host_option(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("worker", help="run scheduled and slow work as jobs (PostgreSQL, "
                                      "KAMBOT_JOB_ENGINE=procrastinate)")
    p.add_argument("--concurrency", type=int, default=2, metavar="N",
                   help="jobs at a time in this worker (default 2)")
    p.add_argument("--name", help="the worker's name in logs (default host:pid)")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("db", help="database maintenance")
    p.add_argument("action", choices=["upgrade"])
    p.set_defaults(func=cmd_db)

    p = sub.add_parser("doctor", help="check the settings, the database and each configured "
                       "platform, and say what to fix")
    p.add_argument("--lang", choices=["en", "zh"], help="language (default: KAMBOT_LANGUAGE)")
    p.set_defaults(func=cmd_doctor, quiet=True)

    p = sub.add_parser("digest", help="post the monthly reports and the portfolio digest now")
    p.add_argument("--month", help="YYYY-MM (default: the month that just ended)")
    p.add_argument("--dry-run", action="store_true", help="compose and print, post nothing")
    p.set_defaults(func=cmd_digest)

    p = sub.add_parser("alerts", help="run the health check and alerts now")
    p.add_argument("--dry-run", action="store_true", help="assess and print, post nothing")
    p.set_defaults(func=cmd_alerts)

    p = sub.add_parser("import", help="import data: accounts from CSV, an account's record "
                       "from JSON, a meeting transcript", description=(
        "import accounts FILE.csv: columns name,tier,industry,revenue,margin,renewal and "
        "AR,SR,FR (people by @username, display name or platform:user_id); a blank cell "
        "changes nothing, a new account needs a tier; --dry-run shows what would change. "
        "import account FILE.json: a record written by `kambot export account`, into a "
        "database that does not have the account yet. "
        "import transcript FILE --account NAME: a .vtt, .srt, .txt or .docx transcript or "
        "minutes file becomes a meeting note of the account (speakers kept); its actions "
        "and decisions are printed as proposals and nothing else is created unless "
        "--create is given (in the channel: accept <note> all)."))
    p.add_argument("what", choices=["accounts", "account", "transcript"])
    p.add_argument("file", help="accounts: a CSV; account: a JSON record; transcript: a .vtt, "
                                ".srt, .txt or .docx file")
    p.add_argument("--dry-run", action="store_true",
                   help="accounts, account: say what would change and save nothing")
    p.add_argument("--team", metavar="ROLE=COLUMN,...",
                   help="accounts: the columns naming the AR / SR / FR (default: columns "
                        "called AR, SR, FR), e.g. --team AR=owner,SR=architect")
    p.add_argument("--account", help="transcript: the account the meeting was with")
    p.add_argument("--lang", choices=["en", "zh"],
                   help="language of the output; transcript: also of the note's heading "
                        "(default: the account's, else KAMBOT_LANGUAGE)")
    p.add_argument("--create", action="store_true",
                   help="transcript: also create the proposed actions and record the decisions")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help="export the record (accounts as CSV, one account as JSON)")
    p.add_argument("what", choices=["accounts", "account"])
    p.add_argument("account", nargs="?", help="account name, for `export account`")
    p.add_argument("--lang", choices=["en", "zh"], help="language of messages")
    p.set_defaults(func=cmd_export)
    return parser


def _host_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", metavar="ADDRESS",
                        help="address the HTTP listener binds (default: KAMBOT_HTTP_HOST, "
                             "127.0.0.1; 0.0.0.0 for every interface)")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _logging(args.verbose, quiet=getattr(args, "quiet", False))
    return int(args.func(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
