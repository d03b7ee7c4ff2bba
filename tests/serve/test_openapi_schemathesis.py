"""schemathesis against the live application: every REST operation of /api/openapi.json,
bounded examples (:data:`MAX_EXAMPLES` per operation), every check, no network (the
ASGI application in process).

Run on a server without a token and on one with a token (the security schemes it then
documents); a failure of any check on any operation fails the test, so the document
and the answers agree. (schemathesis' pytest plugin is not used: the operations are
walked here, each with its own hypothesis run.)
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from unmask.store import KnowledgeBase, open_kb

from .conftest import TOKEN, Base

schemathesis = pytest.importorskip("schemathesis")
hypothesis = pytest.importorskip("hypothesis")

#: Examples per operation (kept small: analysis runs the extractors).
MAX_EXAMPLES = 20
#: A schema-valid body to analyse may still be no document unmask reads (an image, an
#: empty upload): 422, documented; or unfold past the text limit: 413; or come past the
#: caller's rate limit: 429.
CONFIG = {"operations": [{
    "include-path": "/api/v1/analyze",
    "checks": {"positive_data_acceptance": {"expected-statuses": [200, 413, 422, 429]}},
}]}


def _failures(kb: KnowledgeBase, headers: dict[str, str], **options: Any) -> tuple[int, list[str]]:
    """(operations run, one line per failing operation) for a server over ``kb``."""
    from unmask.serve import create_app
    from unmask.serve.limits import Limits

    # The in-process client calls itself "testserver": a name the server must allow.
    # Rate limits high enough that every generated analysis runs, and every generated wrong
    # secret gets its 401 rather than the source's 429 (both limits are tested elsewhere:
    # one client here sends all of schemathesis's invalid-credential cases).
    app = create_app(kb, max_tlp="green", max_upload=64 * 1024, max_text=20_000,
                     allowed_hosts=["testserver"],
                     limits=Limits(analyze_rate=1000.0, analyze_burst=1000.0,
                                   failure_rate=1000.0, failure_burst=1000.0), **options)
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app, headers=headers,
                                            config=schemathesis.Config.from_dict(CONFIG))
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @hypothesis.given(case=operation.as_strategy())
        @hypothesis.settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
                             database=None, suppress_health_check=list(hypothesis.HealthCheck),
                             phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate])
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # every failure is reported
            failures.append(f"{operation.label}: {type(exc).__name__}: {str(exc)[:2000]}")
    return operations, failures


def test_server_without_token_matches_its_openapi(kb: KnowledgeBase) -> None:
    operations, failures = _failures(kb, {}, allow_anonymous_writes=True)  # the local single user
    assert operations >= 11
    assert not failures, "\n\n".join(failures)


def test_server_with_token_matches_its_openapi(base: Base, tmp_path: Path) -> None:
    # A token that may write records sightings: on a copy, not the session's base.
    copy = tmp_path / "kb.sqlite"
    shutil.copyfile(base.url.removeprefix("sqlite:///"), copy)
    with open_kb(f"sqlite:///{copy}") as kb:
        operations, failures = _failures(kb, {"Authorization": f"Bearer {TOKEN}"}, token=TOKEN)
    assert operations >= 11
    assert not failures, "\n\n".join(failures)
