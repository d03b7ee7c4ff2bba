"""Start-up stays light: the CLI and ``import unmask`` load only what the command needs.

No timing assertions: these check *which modules* a fresh interpreter imports, which is
what made ``unmask analyze`` slow before (issue 2: under 1 s with a warm cache).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

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
        "import sys, contextlib, io\n"
        f"sys.argv = ['unmask', 'analyze', {str(sample)!r}, '--format', 'json']\n"
        "from unmask.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        main()\n"
        "    except SystemExit as exc:\n"
        "        assert exc.code == 0, exc.code\n"
    )
    _modules_after(code)  # builds the reference cache if it is cold (that imports the data packages)
    top = _top(_modules_after(code))
    assert "unmask" in top and "numpy" in top  # it did analyse
    assert not top & set(HEAVY), sorted(top & set(HEAVY))


def test_version_is_lazy_and_right() -> None:
    import unmask

    assert unmask.__version__ == __import__("importlib.metadata").metadata.version("unmask")
    assert unmask.UnmaskError.__module__ == "unmask.errors"
    with pytest.raises(AttributeError):
        _ = unmask.no_such_name  # type: ignore[attr-defined]
