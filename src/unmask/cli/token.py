"""``unmask token add|list|revoke`` and ``unmask audit [list|prune]``: the accounts of ``unmask serve``.

``token add`` prints the new token once, alone on standard output (``T=$(unmask token
add ...)``); the knowledge base keeps only a salted hash of it. Exit codes: 0 done,
1 nothing to revoke / no knowledge base, 2 usage error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from unmask.cli.common import EXIT_NOT_FOUND, EXIT_USAGE, check_format, err, fail, out, print_json
from unmask.errors import ConfigError, StoreError, UnmaskError

if TYPE_CHECKING:
    from unmask.store import KnowledgeBase

__all__ = ["register"]

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: UNMASK_DB, else SQLite in the user data dir)."),
]
FormatOption = Annotated[str, typer.Option("--format", "-f", help="text or json.")]

token_app = typer.Typer(help="API tokens of unmask serve: add, list, revoke.", no_args_is_help=True)


@contextmanager
def _open(db: str | None, *, as_json: bool) -> Iterator[KnowledgeBase]:
    from unmask.store import open as open_kb

    try:
        kb = open_kb(db)
    except ConfigError as exc:
        raise fail(exc, as_json=as_json, code=EXIT_USAGE) from exc
    except UnmaskError as exc:
        raise fail(exc, as_json=as_json, code=EXIT_NOT_FOUND) from exc
    try:
        yield kb
    except StoreError as exc:
        raise fail(exc, as_json=as_json, code=EXIT_NOT_FOUND) from exc
    finally:
        kb.close()


def _moment(value: str | None, flag: str) -> dt.datetime | None:
    """A date (00:00 UTC that day) or an ISO date-time (UTC unless it says otherwise)."""
    if value is None:
        return None
    try:
        if len(value.strip()) == 10:
            day = dt.date.fromisoformat(value.strip())
            return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD) or date-time",
                                 param_hint=flag) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@token_app.command("add")
def add_command(
    name: Annotated[str, typer.Argument(help="Who the token is for (shown in the audit trail).")],
    role: Annotated[str, typer.Option("--role", help="reader, analyst or admin.")] = "reader",
    max_tlp: Annotated[
        str, typer.Option("--max-tlp", help="Highest TLP the token may read: clear, green, amber, "
                                            "amber+strict, red (the server's --max-tlp still caps it).")
    ] = "green",
    expires: Annotated[
        str | None, typer.Option("--expires", help="Refused from then on: YYYY-MM-DD (00:00 UTC) "
                                                   "or an ISO date-time.")
    ] = None,
    org: Annotated[
        str | None, typer.Option("--org", help="Its organisation (default: the server's own): it "
                                               "sees AMBER+STRICT and RED reports of that one only.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Add a token and print it once (only a salted hash of it is stored)."""
    from unmask.store.accounts import ROLES, add_token
    from unmask.store.write import check_tlp

    if role.strip().lower() not in ROLES:
        raise typer.BadParameter(f"choose from {', '.join(ROLES)}", param_hint="--role")
    try:
        level = check_tlp(max_tlp)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--max-tlp") from None
    until = _moment(expires, "--expires")
    if until is not None and until <= dt.datetime.now(dt.UTC):
        raise typer.BadParameter("that moment has passed", param_hint="--expires")
    with _open(db, as_json=False) as kb:
        try:
            secret, info = add_token(kb, name, role=role, max_tlp=level, expires=until, org=org)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--org" if "organisation" in str(exc)
                                     else "NAME") from None
    out.print(secret, markup=False)
    err.print(f"token {escape(info.name)!r} ({info.role}, up to TLP:{info.max_tlp.upper()}"
              + (f", until {info.expires_at.isoformat()}" if info.expires_at else "")
              + "): shown once, keep it now; only its hash is stored", highlight=False)


@token_app.command("list")
def list_command(db: DbOption = None, format: FormatOption = "text") -> None:
    """List the tokens (never their secrets): name, role, clearance, state."""
    from unmask.store.accounts import tokens

    format = check_format(format, ("text", "json"))
    with _open(db, as_json=format == "json") as kb:
        found = tokens(kb)
    if format == "json":
        print_json({"tokens": [t.to_dict() for t in found]})
        return
    if not found:
        err.print("no tokens (unmask token add NAME --role reader --max-tlp green)")
        return
    for t in found:
        until = t.expires_at.isoformat() if t.expires_at else "-"
        out.print(f"{t.key_id}  {t.name}  {t.role}  {t.max_tlp}  {t.org or '-'}  {t.state()}  "
                  f"created {t.created_at.isoformat()}  expires {until}", markup=False,
                  soft_wrap=True)


@token_app.command("revoke")
def revoke_command(
    name: Annotated[str, typer.Argument(help="The token's name (or its key id).")],
    db: DbOption = None,
) -> None:
    """Revoke a token: every server over the base refuses it within its recheck interval (1 s)."""
    from unmask.store.accounts import revoke_token

    with _open(db, as_json=False) as kb:
        done = revoke_token(kb, name)
    if not done:
        err.print(f"no active token named {escape(name)!r}")
        raise typer.Exit(EXIT_NOT_FOUND)
    err.print(f"revoked {done} token(s) named {escape(name)!r}", highlight=False)


audit_app = typer.Typer(help="The audit trail of unmask serve: list it (the default), prune it.",
                        invoke_without_command=True)

SinceOption = Annotated[
    str | None, typer.Option("--since", help="Only entries from then on: YYYY-MM-DD or a date-time.")
]
TokenNameOption = Annotated[str | None, typer.Option("--token", help="Only this token's entries (its name).")]
LimitOption = Annotated[int, typer.Option("--limit", min=1, help="The newest N entries.")]
UntilOption = Annotated[str | None, typer.Option("--until", help="Only entries before then.")]
RouteOption = Annotated[str | None, typer.Option("--route", help="Only routes starting with this path.")]
StatusOption = Annotated[int | None, typer.Option("--status", help="Only entries answered with this status.")]
WritesOption = Annotated[bool, typer.Option("--writes", help="Only requests that are not reads.")]


def _list(since: str | None, token: str | None, limit: int, until: str | None, route: str | None,
          status: int | None, writes: bool, db: str | None, format: str) -> None:
    from unmask.store.accounts import audit_entries

    format = check_format(format, ("text", "json"))
    start = _moment(since, "--since")
    end = _moment(until, "--until")
    with _open(db, as_json=format == "json") as kb:
        entries = audit_entries(kb, since=start, token=token, limit=limit, until=end, route=route,
                                status=status, writes=writes)
    if format == "json":
        print_json({"entries": [e.to_dict() for e in entries]})
        return
    for e in entries:
        shown = ", ".join(e.objects)
        out.print(f"{e.at.isoformat()}  {e.token} ({e.role})  {e.method} {e.route}  {e.status}"
                  f"  {(e.tlp or '-').upper()}  {e.client or '-'}" + (f"  {shown}" if shown else ""),
                  markup=False, soft_wrap=True)


@audit_app.callback()
def audit_command(
    ctx: typer.Context,
    since: SinceOption = None,
    token: TokenNameOption = None,
    limit: LimitOption = 1000,
    until: UntilOption = None,
    route: RouteOption = None,
    status: StatusOption = None,
    writes: WritesOption = False,
    db: DbOption = None,
    format: FormatOption = "text",
) -> None:
    """The audit trail of unmask serve: who read restricted reports or wrote, when, from where."""
    if ctx.invoked_subcommand is None:
        _list(since, token, limit, until, route, status, writes, db, format)


@audit_app.command("list")
def audit_list(
    since: SinceOption = None,
    token: TokenNameOption = None,
    limit: LimitOption = 1000,
    until: UntilOption = None,
    route: RouteOption = None,
    status: StatusOption = None,
    writes: WritesOption = False,
    db: DbOption = None,
    format: FormatOption = "text",
) -> None:
    """List audit entries, oldest first (the same as ``unmask audit`` alone)."""
    _list(since, token, limit, until, route, status, writes, db, format)


@audit_app.command("prune")
def audit_prune(
    older_than: Annotated[int, typer.Option("--older-than", min=1, help="Delete entries older than DAYS days.")],
    db: DbOption = None,
    format: FormatOption = "text",
) -> None:
    """Delete audit entries older than DAYS days (retention); the pruning is logged."""
    from unmask.store.accounts import prune_audit

    format = check_format(format, ("text", "json"))
    with _open(db, as_json=format == "json") as kb:
        before = kb.now() - dt.timedelta(days=older_than)
        done = prune_audit(kb, before)
    if format == "json":
        print_json({"deleted": done, "before": before.isoformat()})
        return
    err.print(f"deleted {done} audit entries older than {older_than} day(s) (before {before.isoformat()})",
              highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``unmask token`` and ``unmask audit`` to the app."""
    app.add_typer(token_app, name="token")
    app.add_typer(audit_app, name="audit")
