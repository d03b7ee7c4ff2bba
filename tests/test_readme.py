"""The README's examples give what the README says they give (a new user tries them first)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import unmask
from unmask.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _block(after: str, language: str = "") -> list[str]:
    """The lines of the first fenced block that follows the heading or line ``after``."""
    start = README.index(after)
    fence = README.index("```" + language, start)
    body_start = README.index("\n", fence) + 1
    end = README.index("```", body_start)
    return README[body_start:end].splitlines()


def test_python_examples_return_what_their_comments_say() -> None:
    checked = 0
    for line in _block("## Python", "python"):
        if "unmask." not in line.split("  # ")[0] or "  # " not in line or "=" in line.split("(")[0]:
            continue
        code, comment = line.split("  # ", 1)
        result = eval(code, {"unmask": unmask})  # the README's own example
        try:
            expected = ast.literal_eval(comment.strip())
        except (ValueError, SyntaxError):
            assert result, f"README example returns nothing: {code}"
            continue
        assert result == expected, f"README says {code} gives {expected!r}, it gives {result!r}"
        checked += 1
    assert checked >= 3


def test_lookalike_example_output_is_todays(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the README runs it from the repository's root
    lines = README.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("$ unmask lookalike scan"))
    args = lines[at].removeprefix("$ unmask ").split()
    end = lines.index("```", at)
    expected = lines[at + 1:end]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == expected


def test_first_command_of_the_readme_analyses_the_shipped_example() -> None:
    first = next(line for line in README.splitlines() if "unmask analyze examples/" in line)
    example = re.search(r"unmask analyze (examples/\S+)", first)
    assert example is not None and (ROOT / example.group(1)).is_file()
    result = CliRunner().invoke(app, ["analyze", str(ROOT / example.group(1))])
    assert result.exit_code == 0, result.output
    assert "Kimsuky" in result.stdout


@pytest.mark.parametrize("fmt", ["txt", "text"])
def test_plain_text_has_one_name_on_every_command(fmt: str) -> None:
    example = str(ROOT / "examples" / "paper-lantern.txt")
    iocs = str(ROOT / "tests" / "fixtures" / "defend" / "sweep" / "iocs.txt")
    log = str(ROOT / "tests" / "fixtures" / "defend" / "sweep" / "proxy.log")
    for args in (["analyze", example], ["lookalike", "scan", example, "--protect", "nknews.org"],
                 ["lookalike", "permute", "nknews.org"], ["iocs", example],
                 ["sweep", log, "--iocs", iocs]):
        result = CliRunner().invoke(app, [*args, "--format", fmt])
        assert result.exit_code == 0, (args, result.output)
        assert not result.stdout.lstrip().startswith(("{", "[")), args  # plain text, not JSON
