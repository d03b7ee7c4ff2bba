#!/usr/bin/env python3
"""Hostile requests against a running ``unmask serve``: answered in time and memory?

usage: python benchmarks/server_hostile.py [--documents 300] [--actors 40] [--seed 7]
                                           [--only NAME ...] [--json OUT]

Builds a synthetic base with ``benchmarks/kb.py``'s generator (a tenth of the reports
TLP:RED, the rest GREEN), starts ``unmask serve --allow-anonymous-writes`` on it as a subprocess on a free
loopback port (nothing leaves this machine; without tokens the writes would be refused
with 403 before any limit is reached, and such a row counts as missed), and sends each hostile request in turn:
long and repeated search queries, many phrases, huge bodies, a decompression-bomb PDF
built here, odd and oversized Host headers, direction controls, long names and paths,
TAXII filters by the thousand. Before each request the server's peak-RSS counter is
reset (``/proc/PID/clear_refs``), after it the peak is read (``VmHWM``; the budget is
the peak over the resident set the request started from); between two
requests a health request (``GET /api/v1/stats``) must answer within 2 s. The table
gives status, seconds, peak RSS and health time; the server's log is searched for
tracebacks at the end.

Budget: every answer within 10 s and 1 GB, the server responsive throughout, no
traceback. Exit status 1 when one is missed. Linux only (``/proc``).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kb import corpus

BUDGET_SECONDS = 10.0
BUDGET_BYTES = 1 << 30
HEALTH_SECONDS = 2.0
CLIENT_TIMEOUT = 60.0


@dataclass
class Request:
    name: str
    method: str
    path: str
    body: bytes = b""
    headers: dict[str, str] | None = None


def _bomb_pdf(expanded: int) -> bytes:
    """A small valid PDF whose one page's content stream inflates to ``expanded`` bytes
    of text-showing operators (a decompression bomb for the text layer)."""
    line = b"BT /F1 9 Tf 20 700 Td (" + b"A" * 200 + b") Tj ET\n"
    content = zlib.compress(line * (expanded // len(line)), 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _multipart(name: str, data: bytes, content_type: str) -> tuple[bytes, str]:
    boundary = "unmask-hostile-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            f"Content-Type: {content_type}\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def _requests(rng: random.Random) -> list[Request]:
    taxii = {"Accept": "application/taxii+json;version=2.1"}
    words = [f"w{rng.randrange(10**6)}" for _ in range(80)]
    bomb = _bomb_pdf(40_000_000)
    upload, upload_type = _multipart("bomb.pdf", bomb, "application/pdf")
    search = "/api/v1/search?"
    out = [
        Request("search 'a' x500", "GET", search + urlencode({"q": " ".join(["a"] * 500)})),
        Request("search 999 x 'a'", "GET", search + urlencode({"q": "a" * 999})),
        Request("search 80 phrases", "GET", search + urlencode({"q": " ".join(f'"{w} x"' for w in words)})),
        Request("search 16 OR words", "GET", search + urlencode(
            {"q": " OR ".join(["the", "and", "of", "to", "in", "a", "is", "for", "on", "with", "as",
                               "by", "at", "from", "that", "this"])})),
        Request("search 64-word phrase", "GET", search + urlencode({"q": '"' + " ".join(["the"] * 64) + '"'})),
        Request("search page 1000 chars", "GET", "/search?" + urlencode({"q": ("ab " * 333)[:1000]})),
        Request("search 100 kB query", "GET", search + urlencode({"q": "x" * 100_000})),
        Request("analyze 11 MB body", "POST", "/api/v1/analyze", b"A" * (11 << 20),
                {"Content-Type": "text/plain"}),
        Request("analyze 9 MB one line", "POST", "/api/v1/analyze",
                (" ".join(rng.choice(("APT28", "evil[.]com", "the", "1.2.3.4", "CVE-2024-1234"))
                          for _ in range(1_500_000)))[: 9 << 20].encode(),
                {"Content-Type": "text/plain"}),
        Request(f"analyze bomb PDF ({len(bomb) // 1024} KB -> 40 MB)", "POST", "/api/v1/analyze", bomb,
                {"Content-Type": "application/pdf"}),
        Request("upload bomb PDF", "POST", "/api/v1/analyze", upload, {"Content-Type": upload_type}),
        Request("Host: evil.example", "GET", "/api/v1/stats", headers={"Host": "evil.example"}),
        Request("Host: 8 kB", "GET", "/taxii2/", headers={"Host": "a" * 8000, **taxii}),
        Request("bidi actor name", "GET", "/actors/" + quote("APT\u202e92TPA")),
        Request("bidi search", "GET", "/search?" + urlencode({"q": "invoice\u202efdp.exe"})),
        Request("actor name 5,000 chars", "GET", "/api/v1/actors/" + "A" * 5000),
        Request("indicator 20,000 chars", "GET", "/api/v1/indicators/" + quote("a." * 10_000)),
        Request("report path 2,000 segments", "GET", "/reports/" + "a/" * 2000),
        Request("TAXII 1,000 match[id]", "GET", "/taxii2/api/collections/?" + "&".join(
            f"match[id]=indicator--{i:08d}" for i in range(1000)), headers=taxii),
        Request("TAXII bad next", "GET", "/taxii2/api/collections/x/objects/?next=" + "Z" * 5000,
                headers=taxii),
        Request("deep query string", "GET", "/api/v1/actors?" + "&".join(f"x{i}=1" for i in range(5000))),
    ]
    return out


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _peak_reset(pid: int) -> None:
    with open(f"/proc/{pid}/clear_refs", "w") as handle:
        handle.write("5")


def _memory(pid: int, field: str) -> int:
    """``VmHWM`` (peak resident set since the last reset) or ``VmRSS``, in bytes."""
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def _send(port: int, request: Request) -> tuple[int, float, int]:
    """(status, seconds, answer bytes); status 0 when the connection failed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
    headers = {"Host": f"127.0.0.1:{port}", **(request.headers or {})}
    started = time.monotonic()
    try:
        connection.putrequest(request.method, request.path, skip_host=True, skip_accept_encoding=True)
        for key, value in headers.items():
            connection.putheader(key, value)
        if request.method == "POST":
            connection.putheader("Content-Length", str(len(request.body)))
        connection.endheaders()
        if request.body:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                connection.send(request.body)  # the server may answer early (413) and close
        response = connection.getresponse()
        size = len(response.read())
        return response.status, time.monotonic() - started, size
    except (OSError, http.client.HTTPException):
        return 0, time.monotonic() - started, 0
    finally:
        connection.close()


def _health(port: int) -> float | None:
    status, seconds, _ = _send(port, Request("health", "GET", "/api/v1/stats"))
    return seconds if status == 200 else None


def _build(url: str, documents: int, actors: int, seed: int) -> None:
    from unmask.store import open_kb

    rng = random.Random(seed)
    _, analyses = corpus(seed, documents, actors)
    with open_kb(url) as kb:
        batch: list[Any] = []
        for analysis in analyses:
            batch.append(analysis)
            if len(batch) == 50:
                for item in batch:
                    kb.add_analysis(item, tlp="red" if rng.random() < 0.1 else "green")
                batch = []
        for item in batch:
            kb.add_analysis(item, tlp="red" if rng.random() < 0.1 else "green")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--actors", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--json")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="unmask-hostile-"))
    url = f"sqlite:///{workdir / 'kb.sqlite'}"
    started = time.monotonic()
    _build(url, args.documents, args.actors, args.seed)
    print(f"base: {args.documents} synthetic reports ({time.monotonic() - started:.1f} s)", file=sys.stderr)
    port = _free_port()
    log_path = workdir / "serve.log"
    env = {key: value for key, value in os.environ.items() if key != "UNMASK_SERVE_TOKEN"}
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "unmask", "serve", "--db", url, "--host", "127.0.0.1",
             "--port", str(port), "--allow-anonymous-writes"], stdout=log, stderr=subprocess.STDOUT, env=env)
    rows: list[dict[str, Any]] = []
    ok = True
    try:
        deadline = time.monotonic() + 120
        while _health(port) is None:
            if server.poll() is not None or time.monotonic() > deadline:
                print("the server did not start; its log:\n" + log_path.read_text(), file=sys.stderr)
                return 1
            time.sleep(0.3)
        wanted: Callable[[Request], bool] = (
            (lambda r: any(o.lower() in r.name.lower() for o in args.only)) if args.only else (lambda r: True))
        for request in filter(wanted, _requests(random.Random(args.seed))):
            _peak_reset(server.pid)
            before = _memory(server.pid, "VmRSS")
            status, seconds, size = _send(port, request)
            peak = _memory(server.pid, "VmHWM")
            health = _health(port)
            # The budget is what the request itself took: the peak over the resident set
            # it started from (freed memory is not always given back to the system).
            row = {"request": request.name, "status": status, "seconds": round(seconds, 3),
                   "added_mb": round(max(0, peak - before) / 2**20, 1),
                   "peak_rss_mb": round(peak / 2**20, 1), "answer_bytes": size,
                   "health_s": None if health is None else round(health, 3)}
            # A write refused for want of rights (401/403) never reached the limit it probes.
            probed = not (request.method == "POST" and status in (401, 403))
            row["ok"] = (probed and status != 0 and seconds <= BUDGET_SECONDS and peak - before <= BUDGET_BYTES
                         and status < 500 and health is not None and health <= HEALTH_SECONDS)
            ok &= bool(row["ok"])
            rows.append(row)
            print(f"{request.name:36} {status:>4} {seconds:8.2f} s +{row['added_mb']:7.1f} MB "
                  f"(peak {row['peak_rss_mb']:.0f}) health {row['health_s']}", file=sys.stderr)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    tracebacks = log_path.read_text(errors="replace").count("Traceback")
    ok &= tracebacks == 0
    print()
    print("| request | status | seconds | added MB | peak RSS MB | answer bytes | health s | ok |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for row in rows:
        print(f"| {row['request']} | {row['status']} | {row['seconds']:.2f} | {row['added_mb']:.0f} "
              f"| {row['peak_rss_mb']:.0f} | {row['answer_bytes']:,} | {row['health_s']} "
              f"| {'yes' if row['ok'] else 'NO'} |")
    print(f"\ntracebacks in the server log: {tracebacks}; server exit status after SIGTERM: "
          f"{server.returncode}; budget {BUDGET_SECONDS:g} s / {BUDGET_BYTES >> 20} MB per answer: "
          f"{'met' if ok else 'MISSED'}")
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "tracebacks": tracebacks, "ok": ok}, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
