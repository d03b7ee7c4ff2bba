"""Start-up stays light: the CLI and ``import unmask`` load only what the command needs.

No timing assertions: these check *which modules* a fresh interpreter imports, which is
what made ``unmask analyze`` slow before (issue 2: under 1 s with a warm cache).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

#: Heavy modules no start-up path may import unless its command needs them.
HEAVY = ("stix2", "pymisp", "trafilatura", "pypdfium2", "pdfminer", "pypdf", "sqlalchemy", "alembic",
         "lxml", "sklearn", "scipy", "pymispgalaxies", "pymispwarninglists", "tldextract")


def _modules_after(code: str) -> set[str]:
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                            cwd=REPO, check=True, timeout=120)
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def _top(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_import_unmask_is_lazy() -> None:
    modules = _modules_after("import unmask")
    assert not {m for m in modules if m.startswith("unmask.")}, "import unmask must not import submodules"
    assert "numpy" not in _top(modules)


def test_cli_app_imports_no_engine() -> None:
    modules = _modules_after("import unmask.cli.app")
    top = _top(modules)
    assert not top & {*HEAVY, "numpy", "ahocorasick", "pydantic"}
    for package in ("unmask.extract", "unmask.pipeline", "unmask.documents", "unmask.store", "unmask.export"):
        assert package not in modules, f"{package} imported just to build the CLI"


def test_analyze_imports_only_what_it_uses() -> None:
    sample = REPO / "examples" / "paper-lantern.txt"
    code = (
        "import contextlib, io\n"
        "from unmask.cli.app import app\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = app(['analyze', {str(sample)!r}, '--format', 'json'], standalone_mode=False)\n"
        "assert not code, code\n"
    )
    _modules_after(code)  # builds the reference cache if it is cold (that imports the data packages)
    top = _top(_modules_after(code))
    assert "unmask" in top and "numpy" in top  # it did analyse
    assert not top & set(HEAVY), sorted(top & set(HEAVY))


def test_one_extractor_loads_alone() -> None:
    # `unmask iocs` needs the observable extractor only: importing it must not load
    # the others (actors, techniques, targets …) and their reference data.
    modules = _modules_after("from unmask.extract.observables import extract_observables")
    others = {m for m in modules if m.startswith("unmask.extract.") and not m.startswith("unmask.extract.observables")}
    assert not others, sorted(others)
    modules = _modules_after("from unmask.extract import split_sentences, find_actors")
    assert "unmask.extract.actors" in modules and "unmask.extract.techniques" not in modules


def _unmask(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    return subprocess.run([sys.executable, "-m", "unmask", *args], capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=120, check=False)


def test_main_exits_fast_with_the_status_and_all_output() -> None:
    # main() leaves with os._exit after flushing and running atexit handlers.
    done = _unmask("analyze", str(REPO / "examples" / "paper-lantern.txt"), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["schema"] == 1
    missing = _unmask("analyze", str(REPO / "no-such-file.txt"), "--format", "json")
    assert missing.returncode == 3
    assert json.loads(missing.stderr.strip().splitlines()[-1])["error"]["type"] == "DocumentError"
    assert _unmask("no-such-command").returncode == 2
    version = _unmask("--version")
    assert version.returncode == 0 and version.stdout.startswith("unmask ")


def test_version_is_lazy_and_right() -> None:
    import unmask

    assert unmask.__version__ == __import__("importlib.metadata").metadata.version("unmask")
    assert unmask.UnmaskError.__module__ == "unmask.errors"
    with pytest.raises(AttributeError):
        _ = unmask.no_such_name  # type: ignore[attr-defined]


def test_fast_exit_still_runs_atexit_handlers(tmp_path: Path) -> None:
    code = ("from unmask.reference.regexes import compile_cached\n"
            "compile_cached(r'only (this)? pattern')\n"
            "from unmask.cli.app import _leave\n"
            "print('bye', end='')\n"
            "_leave(4)\n")
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "UNMASK_CACHE_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60,
                          check=False)
    assert (done.returncode, done.stdout) == (4, "bye")
    assert list(tmp_path.glob("regex-*.pickle")), "the regex cache is written at exit"


def test_data_build_also_warms_the_extractor_caches() -> None:
    from typer.testing import CliRunner

    from unmask.cli.app import app

    result = CliRunner().invoke(app, ["data", "build"])
    assert result.exit_code == 0, result.output
    assert "extractors" in result.output and "reference index(es) ready" in result.output
