"""``unmask serve --workers N``: the application each worker process builds.

uvicorn starts N processes that share the listening socket; each imports this module
and calls :func:`application`, which opens the knowledge base and builds the server
from the options the command put in :data:`OPTIONS_ENV` (JSON). What the processes
answer does not depend on which one answers, because everything an answer depends on
is in the shared PostgreSQL base or derived from it:

- TAXII ``date_added`` values are recorded in the base the first time an object
  version is served (the first insert wins, every process reads it back);
- snapshot, profile and actor-table caches are dropped when the base changes (each
  process looks at most every recheck interval, 1 s), and are built the same way from
  the same rows;
- stored tokens are re-read every recheck interval, so a revocation reaches every
  process within it;
- ``next`` tokens are signed with the secret in ``UNMASK_SERVE_SECRET``, which the
  command sets once for all its workers, so a page token from one process is accepted
  by the others.

Per process, and so not shared: the status resources of TAXII pushes (a status id is
known to the process that took the push), rate limits and the audit trail's write
buffer (each process writes its own entries).
"""

from __future__ import annotations

import json
import os
from typing import Any

__all__ = ["OPTIONS_ENV", "application"]

#: Environment variable with the JSON options of :func:`application`: ``db`` (the
#: knowledge base URL, or null for the default) and ``app`` (keyword arguments of
#: :func:`unmask.serve.create_app`).
OPTIONS_ENV = "UNMASK_SERVE_WORKER_OPTIONS"


def application() -> Any:
    """The FastAPI application of one worker process (uvicorn's ``factory``)."""
    from unmask.errors import ConfigError
    from unmask.serve import create_app
    from unmask.store import open_existing

    raw = os.environ.get(OPTIONS_ENV)
    if not raw:
        raise ConfigError(f"{OPTIONS_ENV} is not set: start workers with unmask serve --workers N")
    options = json.loads(raw)
    kb = open_existing(options.get("db"))
    if kb is None:
        raise ConfigError("no knowledge base: ingest reports first or give --db")
    return create_app(kb, **options.get("app", {}))
