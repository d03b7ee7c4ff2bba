"""REST, TAXII 2.1 and the web UI over the knowledge base (``unmask serve``).

::

    from unmask.serve import create_app
    app = create_app(unmask.store.open(), max_tlp="green", token="s3cret")
    # uvicorn.run(app, host="127.0.0.1", port=8400)

FastAPI and uvicorn come with the ``serve`` extra; without them :func:`create_app`
raises :class:`~unmask.errors.MissingDependencyError`. See docs/serve.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from unmask.errors import MissingDependencyError

if TYPE_CHECKING:
    from fastapi import FastAPI

    from unmask.store import KnowledgeBase

__all__ = ["create_app", "require_serve_dependencies"]


def require_serve_dependencies() -> None:
    """Raise :class:`MissingDependencyError` unless FastAPI, uvicorn and Jinja2 import."""
    try:
        import fastapi  # noqa: F401
        import jinja2  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise MissingDependencyError("unmask serve", "serve") from exc


def create_app(kb: KnowledgeBase, **options: Any) -> FastAPI:
    """The web application over ``kb`` (see :func:`unmask.serve.app.create_app`)."""
    try:
        import fastapi  # noqa: F401
        import jinja2  # noqa: F401
    except ImportError as exc:
        raise MissingDependencyError("unmask serve", "serve") from exc
    from unmask.serve.app import create_app as build

    return build(kb, **options)
