"""Bulk analysis on Dask distributed into the shared knowledge base.

::

    from unmask.cluster import ingest_on_cluster
    with unmask.store.open("postgresql+psycopg://unmask@db/unmask") as kb:
        report = ingest_on_cluster(kb, ["/shared/reports"], "tcp://scheduler:8786")

The client lists the sources; each one is read, analysed and written by a Dask worker
through the store's own per-document ingest (one transaction per document, skipped
when stored from the same content, analyser and reference data). Every worker must run
the same unmask and reference data as the client; one that does not is refused.

Dask is an optional extra (``pip install 'unmask[cluster]'``) and imported only here,
when a cluster is used. See docs/cluster.md.
"""

from __future__ import annotations

from unmask.cluster.ingest import CLUSTER_ENV, ingest_on_cluster, resolve_address
from unmask.cluster.worker import Fingerprint, local_fingerprint

__all__ = ["CLUSTER_ENV", "Fingerprint", "ingest_on_cluster", "local_fingerprint",
           "resolve_address"]
