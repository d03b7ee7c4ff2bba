"""Clients behind a trusted reverse proxy each have their own wrong-secret allowance
(issue 20): ``create_app(trusted_proxies=...)`` / ``unmask serve --trusted-proxy CIDR``.

The address a request is counted and audited under is the rightmost hop of
``Forwarded`` / ``X-Forwarded-For`` that is not a trusted proxy, and only when the
connecting peer is one; headers from any other peer are ignored, so a client cannot
choose a fresh address per try.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from unmask.serve.limits import Limits, client_address, proxy_networks
from unmask.store import open_kb
from unmask.store.accounts import add_token, audit_entries

from .conftest import LOCAL

pytestmark = pytest.mark.filterwarnings("error")

PROXIES = proxy_networks(["10.0.0.0/8", "fd00::/8"])


class _Headers:
    def __init__(self, **lines: list[str]) -> None:
        self.lines = {k.replace("_", "-"): v for k, v in lines.items()}

    def getlist(self, name: str) -> list[str]:
        return self.lines.get(name, [])


@pytest.mark.parametrize(("peer", "headers", "expected"), [
    # an untrusted peer's headers are ignored, whatever they say
    ("203.0.113.5", _Headers(x_forwarded_for=["198.51.100.1"]), "203.0.113.5"),
    # through the proxy: the hop it saw (a client's own spoofed entry is further left)
    ("10.0.0.1", _Headers(x_forwarded_for=["6.6.6.6, 198.51.100.7"]), "198.51.100.7"),
    ("10.0.0.1", _Headers(x_forwarded_for=["6.6.6.6", "198.51.100.7"]), "198.51.100.7"),
    # two trusted proxies in a row
    ("10.0.0.1", _Headers(x_forwarded_for=["198.51.100.7, 10.2.3.4"]), "198.51.100.7"),
    # a proxy that appends X-Forwarded-For passes a client's own Forwarded through: unread
    ("10.0.0.5", _Headers(x_forwarded_for=["203.0.113.9"], forwarded=["for=198.51.100.77"]),
     "203.0.113.9"),
    ("10.0.0.1", _Headers(forwarded=["for=192.0.2.61"]), "10.0.0.1"),
    # a hop that is no address stops the walk at the proxy that reported it
    ("10.0.0.1", _Headers(x_forwarded_for=["198.51.100.7, not-an-ip"]), "10.0.0.1"),
    # every hop trusted: the farthest; no header: the proxy
    ("10.0.0.1", _Headers(x_forwarded_for=["10.9.9.9"]), "10.9.9.9"),
    ("10.0.0.1", _Headers(), "10.0.0.1"),
    ("::ffff:10.0.0.1", _Headers(x_forwarded_for=["198.51.100.8"]), "198.51.100.8"),
])
def test_the_client_is_the_rightmost_hop_that_is_not_a_trusted_proxy(
        peer: str, headers: _Headers, expected: str) -> None:
    assert client_address(peer, headers, PROXIES) == expected


@pytest.mark.parametrize(("peer", "headers", "expected"), [
    ("203.0.113.5", _Headers(forwarded=["for=198.51.100.1"]), "203.0.113.5"),
    # RFC 7239, IPv6 with a port, quoted; a client's own X-Forwarded-For is not read
    ("fd00::1", _Headers(forwarded=['for=192.0.2.60;proto=http, for="[2001:db8::17]:4711"'],
                         x_forwarded_for=["6.6.6.6"]), "2001:db8::17"),
    ("10.0.0.1", _Headers(forwarded=["proto=https;for=192.0.2.61:8080"]), "192.0.2.61"),
    ("10.0.0.1", _Headers(x_forwarded_for=["198.51.100.7"]), "10.0.0.1"),
    ("10.0.0.1", _Headers(forwarded=["for=unknown"]), "10.0.0.1"),
])
def test_behind_a_proxy_that_writes_forwarded_only_forwarded_is_read(
        peer: str, headers: _Headers, expected: str) -> None:
    assert client_address(peer, headers, PROXIES, "Forwarded") == expected


def test_a_forwarding_header_is_one_of_two() -> None:
    with pytest.raises(ValueError, match="not a forwarding header"):
        client_address("10.0.0.1", _Headers(), PROXIES, "x-real-ip")


def test_without_trusted_proxies_the_peer_is_the_client() -> None:
    assert client_address("10.0.0.1", _Headers(x_forwarded_for=["198.51.100.7"]), ()) == "10.0.0.1"
    with pytest.raises(ValueError, match="not an address or a CIDR"):
        proxy_networks(["10.0.0.0/33"])


def _app(kb: Any, **options: Any) -> Any:
    from unmask.serve import create_app

    return create_app(kb, recheck=0, accounts=True,
                      limits=Limits(failure_burst=3, failure_rate=0.01), **options)


def _wrong(client: Any, forwarded_for: str, times: int) -> list[int]:
    return [client.get("/api/v1/stats", headers={"Authorization": "Bearer um_nope.wrong",
                                                  "X-Forwarded-For": forwarded_for}).status_code
            for _ in range(times)]


def test_one_client_behind_the_proxy_does_not_lock_out_the_others(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    with open_kb(f"sqlite:///{tmp_path / 'kb.db'}") as kb:
        good, _ = add_token(kb, "gina", role="reader", max_tlp="green")
        app = _app(kb, trusted_proxies=["10.0.0.0/8"])
        with TestClient(app, base_url=LOCAL, client=("10.0.0.1", 40000)) as proxy:
            assert _wrong(proxy, "198.51.100.1", 5)[-1] == 429
            # another client behind the same proxy, its correct token never seen here yet
            answer = proxy.get("/api/v1/stats", headers={"Authorization": f"Bearer {good}",
                                                          "X-Forwarded-For": "198.51.100.2"})
            assert answer.status_code == 200
            # the locked-out client stays locked out
            assert _wrong(proxy, "198.51.100.1", 1) == [429]
            # the audit trail names the client, not the proxy (a refused write is audited)
            refused = proxy.post("/api/v1/analyze", json={"text": "x"}, headers={
                "Authorization": f"Bearer {good}", "X-Forwarded-For": "198.51.100.2"})
            assert refused.status_code == 403
        app.state.audit_log.flush()
        assert [e.client for e in audit_entries(kb)] == ["198.51.100.2"]


def test_an_untrusted_peer_cannot_spoof_a_fresh_address_per_try(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    with open_kb(f"sqlite:///{tmp_path / 'kb.db'}") as kb:
        add_token(kb, "gina", role="reader", max_tlp="green")
        app = _app(kb, trusted_proxies=["10.0.0.0/8"])
        with TestClient(app, base_url=LOCAL, client=("203.0.113.5", 40000)) as outsider:
            codes = [_wrong(outsider, f"198.51.100.{n}", 1)[0] for n in range(6)]
        assert codes[:3] == [401, 401, 401] and codes[3:] == [429, 429, 429]


def test_serve_takes_trusted_proxies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from unmask.cli.app import app

    started: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda application, **kw: started.append((application, kw)))
    monkeypatch.delenv("UNMASK_SERVE_TOKEN", raising=False)
    url = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    with open_kb(url) as kb:
        add_token(kb, "gina", role="reader", max_tlp="green")
    runner = CliRunner()
    done = runner.invoke(app, ["serve", "--db", url, "--trusted-proxy", "10.1.0.0/16",
                               "--trusted-proxy", "192.0.2.9"])
    assert done.exit_code == 0, done.output
    application, options = started[0]
    assert options["forwarded_allow_ips"] == "127.0.0.1,10.1.0.0/16,192.0.2.9/32"
    assert application.state.client_of is not None
    assert options["proxy_headers"] is True
    bad = runner.invoke(app, ["serve", "--db", url, "--trusted-proxy", "ten"])
    assert bad.exit_code == 2 and "trusted-proxy" in bad.output
    started.clear()
    done = runner.invoke(app, ["serve", "--db", url, "--trusted-proxy", "10.1.0.0/16",
                               "--trusted-proxy-header", "forwarded"])
    assert done.exit_code == 0, done.output
    # uvicorn reads only X-Forwarded-For: behind a Forwarded proxy it must not rewrite the peer
    assert started[0][1]["proxy_headers"] is False
    bad = runner.invoke(app, ["serve", "--db", url, "--trusted-proxy-header", "x-real-ip"])
    assert bad.exit_code == 2 and "trusted-proxy-header" in bad.output
