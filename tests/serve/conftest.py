"""A small knowledge base for the server tests: synthetic reports at several TLP levels.

Built once per session in a temporary directory (analysis is the slow part). At the
default ceiling (green) the two amber reports must never show: ``SECRET_*`` values
appear only in them, and Sandworm is named only in an amber one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES
from unmask.documents import parse_bytes
from unmask.pipeline import analyze
from unmask.store import KnowledgeBase, open_kb

pytest.importorskip("fastapi")

HOSTILE_TITLE = "<script>alert('owned')</script> APT41 & friends"
SECRET_DOMAIN = "amber-only-beacon.xyz"
SECRET_WORD = "quetzalcoatlus"
GREEN_DOMAIN = "update-check-cdn.top"
GREEN_URL = "https://cdn-sync.top/gate.php?id=1"
TOKEN = "s3cret-token"
#: The base URL of test clients: a loopback name, as a server without a token requires.
LOCAL = "http://localhost"

GREEN_APT29 = f"""APT29 phishing wave hits embassies

Researchers said APT29, also known as Cozy Bear, sent spear-phishing emails with
malicious attachments to diplomats in March 2024. The implant beaconed to
{GREEN_DOMAIN.replace('.', '[.]')} over HTTPS and used PowerShell to run its second stage.
The C2 server at 45.77.12.9 served {GREEN_URL.replace("https", "hxxps").replace(".top", "[.]top")}.
"""

AMBER_APT29 = f"""Internal note on APT29 infrastructure

APT29 operators were seen using {SECRET_DOMAIN.replace('.', '[.]')} as a command-and-control
server. The codename {SECRET_WORD} was used for the operation, which relied on
scheduled tasks for persistence.
"""

AMBER_SANDWORM = f"""Sandworm preparing another wiper

Sandworm, the GRU unit 74455 group, staged a new wiper on energy companies.
Its loader contacted {SECRET_DOMAIN.replace('.', '[.]')}. The campaign codename was
{SECRET_WORD}.
"""

HOSTILE_HTML = f"""<html><head><title>{HOSTILE_TITLE.replace('&', '&amp;').replace('<', '&lt;')}</title></head>
<body><p>APT41 exploited a VPN appliance and then used the domain
{GREEN_DOMAIN.replace('.', '[.]')} for command and control. The operators used PowerShell.</p>
<p>&lt;img src=x onerror=alert(1)&gt; was printed in the logs.</p></body></html>
"""


@dataclasses.dataclass(frozen=True)
class Base:
    url: str
    hashes: dict[str, str]


def _build(path: Path) -> Base:
    url = f"sqlite:///{path}"
    hashes: dict[str, str] = {}
    with open_kb(url) as kb:
        for name, tlp in (("apt41-campaign", "clear"), ("lazarus-crypto-report", "green"),
                          ("volt-typhoon-advisory", "green")):
            text = (FIXTURES / "articles" / f"{name}.txt").read_text(encoding="utf-8")
            doc = parse_bytes(text.encode(), source=f"articles/{name}.txt")
            hashes[name] = kb.add_analysis(analyze(doc), tlp=tlp).sha256
        for name, text, tlp in (("green-apt29", GREEN_APT29, "green"),
                                ("amber-apt29", AMBER_APT29, "amber"),
                                ("amber-sandworm", AMBER_SANDWORM, "amber")):
            doc = parse_bytes(text.encode(), source=f"notes/{name}.txt")
            hashes[name] = kb.add_analysis(analyze(doc), tlp=tlp).sha256
        doc = parse_bytes(HOSTILE_HTML.encode(), source="web/hostile.html")
        hashes["hostile"] = kb.add_analysis(analyze(doc), tlp="green").sha256
    return Base(url, hashes)


@pytest.fixture(scope="session")
def base(tmp_path_factory: pytest.TempPathFactory) -> Base:
    return _build(tmp_path_factory.mktemp("serve") / "kb.sqlite")


@pytest.fixture(scope="session")
def kb(base: Base) -> Iterator[KnowledgeBase]:
    with open_kb(base.url) as opened:
        yield opened


@pytest.fixture(scope="session")
def client(kb: KnowledgeBase) -> Iterator[object]:
    from fastapi.testclient import TestClient

    from unmask.serve import create_app

    with TestClient(create_app(kb, max_tlp="green", max_upload=64 * 1024, allow_anonymous_writes=True), base_url=LOCAL) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def amber_client(kb: KnowledgeBase) -> Iterator[object]:
    from fastapi.testclient import TestClient

    from unmask.serve import create_app

    with TestClient(create_app(kb, max_tlp="amber"), base_url=LOCAL) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def locked_client(kb: KnowledgeBase) -> Iterator[object]:
    from fastapi.testclient import TestClient

    from unmask.serve import create_app

    with TestClient(create_app(kb, token=TOKEN), base_url=LOCAL) as test_client:
        yield test_client


@contextlib.contextmanager
def running_server(app: Any) -> Iterator[str]:
    """``app`` under uvicorn on a free loopback port, in a thread; yields its base URL."""
    uvicorn = pytest.importorskip("uvicorn")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
