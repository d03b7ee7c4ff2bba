"""``unmask serve``: the REST API, the TAXII 2.1 server and the web UI over the knowledge base.

Exit codes: 0 after a clean shutdown, 1 no knowledge base (or it cannot be opened),
2 usage error (bad TLP, a non-loopback address without a token, missing extra).

SIGTERM or Ctrl-C stops the server within seconds: requests still running after
:data:`GRACE` seconds are cancelled (a slow upload, a client that never finishes its
body), and a worker thread still busy after that does not keep the process alive.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import threading
import time
from typing import Annotated, Any

import typer

from unmask.cli.common import EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, err, fail
from unmask.errors import ConfigError, UnmaskError

__all__ = ["GRACE", "is_loopback", "register", "serve_command"]

TOKEN_ENV = "UNMASK_SERVE_TOKEN"  # noqa: S105 - the variable name, not a secret
#: Seconds running requests get to finish once the server is told to stop.
GRACE = 3
_log = logging.getLogger(__name__)


def _wait_for_workers(seconds: float) -> bool:
    """Whether every non-daemon thread but this one ended within ``seconds``."""
    deadline = time.monotonic() + seconds
    for thread in threading.enumerate():
        if thread is threading.current_thread() or thread.daemon:
            continue
        thread.join(max(0.0, deadline - time.monotonic()))
    return not any(t.is_alive() and not t.daemon and t is not threading.current_thread()
                   for t in threading.enumerate())


def is_loopback(host: str) -> bool:
    """Whether ``host`` only listens on this machine."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve_command(
    db: Annotated[
        str | None,
        typer.Option("--db", help="Database URL (default: UNMASK_DB, else SQLite in the user data dir)."),
    ] = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on.")] = 8400,
    max_tlp: Annotated[
        str, typer.Option("--max-tlp", help="Highest TLP served: clear, green, amber, amber+strict, red.")
    ] = "green",
    token: Annotated[
        str | None,
        typer.Option("--token", envvar=TOKEN_ENV, show_envvar=True,
                     help="Require 'Authorization: Bearer <token>' (or HTTP Basic with it as password)."),
    ] = None,
    insecure: Annotated[
        bool, typer.Option("--insecure", help="Allow a non-loopback address without a token.")
    ] = False,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option("--allowed-host",
                     help="A host name clients may give in the Host header besides localhost, "
                          "127.0.0.1 and [::1] (repeat for several; '*' for any)."),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=64,
                          help="Worker processes sharing the port (more than 1: a PostgreSQL base).")
    ] = 1,
    org: Annotated[
        str | None, typer.Option("--org", help="This server's organisation: that of reports and tokens given none.")
    ] = None,
    behind_tls_proxy: Annotated[
        bool, typer.Option("--behind-tls-proxy", help="A TLS proxy is in front: sign-in cookies are Secure.")
    ] = False,
    trusted_proxy: Annotated[
        list[str] | None,
        typer.Option("--trusted-proxy",
                     help="A reverse proxy (address or CIDR) whose forwarding header names the client "
                          "(rightmost hop not a trusted proxy); repeat for several."),
    ] = None,
    trusted_proxy_header: Annotated[
        str, typer.Option("--trusted-proxy-header",
                          help="The one header the trusted proxies write: x-forwarded-for (default) or "
                               "forwarded (RFC 7239); the other is never read.")
    ] = "x-forwarded-for",
    allow_anonymous_writes: Annotated[
        bool, typer.Option("--allow-anonymous-writes",
                           help="Without tokens, let anyone who reaches the server analyse, upload, ingest and push (default: reads only).")
    ] = False,
) -> None:
    """Serve the knowledge base: REST (/api/v1), TAXII 2.1 (/taxii2/) and web pages (/)."""
    from unmask.store import check_tlp, open_existing

    try:
        ceiling = check_tlp(max_tlp)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--max-tlp") from None
    token = token or os.environ.get(TOKEN_ENV) or None
    from unmask.serve.limits import check_proxy_header, proxy_networks

    try:
        proxies = [str(net) for net in proxy_networks(trusted_proxy or ())]
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--trusted-proxy") from None
    try:
        proxy_header = check_proxy_header(trusted_proxy_header)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--trusted-proxy-header") from None
    # uvicorn rewrites the peer from X-Forwarded-For for these (and loopback) too: the
    # same rightmost-untrusted rule, so the app's own walk agrees with it. It reads no
    # Forwarded header: behind a proxy that writes Forwarded it must not rewrite the
    # peer at all (a client's own X-Forwarded-For passes such a proxy untouched).
    uvicorn_proxy = proxy_header == "x-forwarded-for"
    forwarded = ",".join(["127.0.0.1", *proxies]) if proxies else None  # None: uvicorn's default
    try:
        from unmask.serve import create_app, require_serve_dependencies

        require_serve_dependencies()
    except UnmaskError as exc:
        raise fail(exc, as_json=False, code=EXIT_USAGE) from exc
    import uvicorn

    try:
        kb = open_existing(db)
    except ConfigError as exc:
        raise fail(exc, as_json=False, code=EXIT_USAGE) from exc
    except UnmaskError as exc:
        raise fail(exc, as_json=False, code=EXIT_NOT_FOUND) from exc
    if kb is None:
        err.print("[bold red]error:[/] no knowledge base yet: ingest reports first "
                  "(unmask ingest FILES...) or give --db")
        raise typer.Exit(EXIT_NOT_FOUND)
    from unmask.store.accounts import TokenChecker

    accounts = TokenChecker(kb).any_active()
    if not is_loopback(host) and token is None and not accounts and not insecure:
        kb.close()
        raise fail(ConfigError(
            f"refusing to serve on {host} without a token: anyone who can reach it could read "
            f"the knowledge base. Give --token (or {TOKEN_ENV}), add one with unmask token add, "
            "or --insecure to serve anyway."
        ), as_json=False, code=EXIT_USAGE)
    try:
        hosts = list(allowed_host or ())
        if not is_loopback(host) and host not in {"0.0.0.0", "::", "[::]"}:  # noqa: S104
            hosts.append(host)  # the address it listens on is a name clients may use
        if workers > 1:
            _serve_workers(kb, db, workers, host=host, port=port, options={
                "max_tlp": ceiling, "token": token, "allowed_hosts": hosts, "accounts": accounts,
                "org": org, "tls_proxy": behind_tls_proxy, "prewarm": True,
                "allow_anonymous_writes": allow_anonymous_writes, "trusted_proxies": proxies,
                "trusted_proxy_header": proxy_header},
                forwarded=forwarded, proxy_headers=uvicorn_proxy)
            return
        app = create_app(kb, max_tlp=ceiling, token=token, allowed_hosts=hosts, accounts=accounts,
                         org=org, tls_proxy=behind_tls_proxy, prewarm=True,
                         allow_anonymous_writes=allow_anonymous_writes, trusted_proxies=proxies,
                         trusted_proxy_header=proxy_header)
        shown = f"[{host}]" if ":" in host else host
        base = f"http://{shown}:{port}"
        err.print(f"unmask serve: {kb.url}, reports up to TLP:{ceiling.upper()}"
                  + (", token required" if token or accounts else ", no token")
                  + (" (the knowledge base's tokens accepted)" if accounts else ""), highlight=False)
        err.print(f"  web UI          {base}/", highlight=False)
        err.print(f"  REST API        {base}/api-reference", highlight=False)
        err.print(f"  TAXII discovery {base}/taxii2/", highlight=False)
        if token is None and not accounts and not is_loopback(host):
            err.print("[bold yellow]warning:[/] no token on a non-loopback address (--insecure)")
        uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=uvicorn_proxy,
                    forwarded_allow_ips=forwarded, timeout_graceful_shutdown=GRACE)
    finally:
        kb.close()
    if not _wait_for_workers(GRACE):
        # A request's worker thread still computing (the search budget, an analysis):
        # the server has stopped answering; its threads must not keep the process up.
        _log.warning("unmask serve: worker threads still busy after %s s; exiting", GRACE)
        err.file.flush()
        os._exit(EXIT_OK)
    raise typer.Exit(EXIT_OK)


def _serve_workers(kb: Any, db: str | None, workers: int, *, host: str, port: int,
                   options: dict[str, Any], forwarded: str | None = None,
                   proxy_headers: bool = True) -> None:
    """Run ``workers`` uvicorn worker processes over ``kb`` (PostgreSQL only), each
    building its application with :func:`unmask.serve.workers.application`; they share
    one secret for TAXII ``next`` tokens (see :mod:`unmask.serve.workers`)."""
    import json
    import secrets

    import uvicorn

    from unmask.serve.taxii import SECRET_ENV
    from unmask.serve.workers import OPTIONS_ENV

    if kb.engine.dialect.name != "postgresql":
        raise fail(ConfigError(
            "--workers needs a PostgreSQL knowledge base (several processes write the TAXII "
            "dates and the audit trail at once); serve SQLite with one process"),
            as_json=False, code=EXIT_USAGE)
    os.environ[OPTIONS_ENV] = json.dumps({"db": db, "app": options})
    if not os.environ.get(SECRET_ENV, "").strip():
        os.environ[SECRET_ENV] = secrets.token_hex(32)  # one for all the workers
    shown = f"[{host}]" if ":" in host else host
    err.print(f"unmask serve: {kb.url}, {workers} worker processes, reports up to "
              f"TLP:{str(options['max_tlp']).upper()} at http://{shown}:{port}/", highlight=False)
    uvicorn.run("unmask.serve.workers:application", factory=True, workers=workers, host=host,
                port=port, log_level="info", proxy_headers=proxy_headers, forwarded_allow_ips=forwarded,
                timeout_graceful_shutdown=GRACE)


def register(app: typer.Typer) -> None:
    """Add ``unmask serve`` to the app."""
    app.command("serve")(serve_command)
