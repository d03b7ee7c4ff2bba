"""Golden files: each folder under tests/fixtures/observables holds an input we wrote,
the extraction context, and the expected observables (sorted keys, spans included).

Regenerate deliberately with ``UNMASK_REGENERATE_GOLDEN=1 pytest tests/observables``
and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from unmask.extract.observables import extract_observables
from unmask.model import ExtractContext

from ..conftest import FIXTURES

CASES = sorted(p for p in (FIXTURES / "observables").iterdir() if (p / "input.txt").is_file())
REGENERATE = os.environ.get("UNMASK_REGENERATE_GOLDEN") == "1"


def _run(case: Path) -> tuple[str, list[dict[str, object]]]:
    text = (case / "input.txt").read_text(encoding="utf-8")
    context = ExtractContext(**json.loads((case / "context.json").read_text(encoding="utf-8")))
    return text, [o.to_dict() for o in extract_observables(text, context=context)]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden(case: Path) -> None:
    text, found = _run(case)
    expected_path = case / "expected.json"
    if REGENERATE:
        expected_path.write_text(json.dumps(found, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    for item in expected:
        span = item["span"]
        assert text[span["start"] : span["end"]] == item["surface"], item
    assert found == expected


def _values(case: str, *, indicators_only: bool = False) -> set[tuple[str, str]]:
    _, found = _run(FIXTURES / "observables" / case)
    return {(str(o["type"]), str(o["value"])) for o in found if o["indicator"] or not indicators_only}


def test_every_defang_style_is_undone() -> None:
    values = _values("defang")
    for expected in [
        ("url", "http://update-check.net/load.php"),
        ("url", "https://cdn.files-share.org/a/b.bin"),
        ("url", "ftp://drop.example-cdn.ru/x"),
        ("url", "http://kitty.cat-c2.io/ping"),
        ("url", "http://panel.badhost.info/admin"),
        ("email", "ops@mailbox-secure.com"),
        ("email", "backup@mailbox-secure.com"),
        ("email", "billing@mailbox-secure.com"),
        ("email", "j.doe@corp-mail.net"),
        ("ipv4", "185.220.101.45"),
        ("ipv4", "91.203.5.146"),
        ("domain", "evil-domain.top"),
        ("domain", "tracker.baddomain.biz"),
    ]:
        assert expected in values, expected


def test_benign_noise_is_kept_with_reasons() -> None:
    _text, found = _run(FIXTURES / "observables" / "benign_noise")
    reasons = {(o["type"], o["value"]): set(o["benign_reasons"]) for o in found}  # type: ignore[arg-type]
    assert "own-site" in reasons[("domain", "feeds.securevendor.com")]
    assert "own-site" in reasons[("url", "https://securevendor.com/research")]
    assert "documentation-range" in reasons[("ipv4", "203.0.113.17")]
    assert "documentation-range" in reasons[("ipv6", "2001:db8::1")]
    assert "private-range" in reasons[("ipv4", "192.168.10.20")]
    assert "version-string" in reasons[("ipv4", "1.2.3.4")]
    assert "file-name" in reasons[("domain", "report.zip")]
    assert "file-name" in reasons[("domain", "setup.py")]
    # Extensions that are also (rarely used) TLDs: files first, still listed as domains.
    for name in ("msolui80.inc", "update.cab", "normal.dot"):
        assert "file-name" in reasons[("domain", name)], name
        assert ("file_name", name) in reasons, name
    for name in ("trojan.win32.patched.ps", "backdoor.msil.agent.ai", "turla.cc", "pterodo.ps"):
        assert "detection-name" in reasons[("domain", name)], name
    assert "redacted" in reasons[("domain", "www.xxxxxxxxtrust.com")]
    assert ("domain", "command_data.data") not in reasons
    assert ("file_name", "main.c") in reasons and ("file_name", "Ramsay.C") not in reasons
    assert any(r.startswith("warninglist:") for r in reasons[("ipv4", "8.8.8.8")])
    assert reasons[("ipv4", "45.77.65.211")] == set()
    assert reasons[("domain", "kxqwtr-gate.top")] == set()
    assert ("file_name", "invoice.pdf") in {(o["type"], o["value"]) for o in found}


def test_prose_yields_no_indicators() -> None:
    assert _values("prose", indicators_only=True) == set()


def test_url_wrapped_in_a_table_cell_is_joined() -> None:
    values = _values("corpus_quirks", indicators_only=True)
    assert ("url", "https://cdn.discordapp.com/attachments/9028829671/9029083223/xElj.dll") in values
    assert ("url", "https://github.com/someone/calc_security_poc/raw/master/calc.dll") in values
