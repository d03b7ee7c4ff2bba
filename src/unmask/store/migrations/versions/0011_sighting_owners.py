"""Owners for the sightings that had none; no plain CSRF tokens in the base.

Since this revision a sighting posted to the server (``POST /api/v1/indicators/{value}/
sightings``) is kept under an owner key (``unmask.store.access.owner_key``: a digest of
the poster's organisation and chosen audience, in ``sightings.sha256``) with a
``report_access`` row of its own (one key per organisation, marking and audience), and is marked AMBER+STRICT unless the poster chose a
marking. Rows recorded before had neither; this revision decides their scope:

- posted through the API (``source`` ``api:...``, no report): owned by the organisation
  of the token named in ``who`` (when every stored token of that name is of one
  organisation; else, and for the server's own ``--token``, the server's), marked
  AMBER+STRICT: shown only to that organisation's readers cleared for it. They were
  TLP:CLEAR, shown to every reader and counted in everyone's scores;
- carried by a report before revision 0010 (no report named, marked AMBER+STRICT or
  RED): owned by the server's organisation (every report then was its own), no RED
  audience. They were shown to every organisation's readers cleared for their level;
- local rows (``unmask sightings``, sweeps: TLP:CLEAR) stay the server's own, shown to
  every reader, as before.

What this revision cannot undo: before it, API posts of one value, kind, source and day
were one row whatever the poster (the old unique key had no ``who``), its ``who`` the
last poster's and its count the sum. Such a row goes whole to the last poster's
organisation: another organisation's part of the count moves into that one's scores and
out of its own. The rows carry nothing that would split them.

The open sign-in sessions are ended: their rows kept the CSRF token itself, which is
now derived from the session id and kept only as a hash (``serve_sessions.csrf``).

Downgrading keeps the owners: revision 0010's code honours the keys as it does a
report's sha256.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

import datetime as dt
import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _owner_key(org: str | None, tlp: str) -> str:
    # The same digest as unmask.store.access.owner_key (no audience): keep in step.
    return hashlib.sha256(f"unmask:sighting-owner\n{org or ''}\n{tlp}\n".encode()).hexdigest()


def upgrade() -> None:
    bind = op.get_bind()
    now = dt.datetime.now(dt.UTC)
    orgs: dict[str, set[str | None]] = {}
    for name, org in bind.execute(sa.text("SELECT name, org FROM serve_tokens")):
        orgs.setdefault(str(name), set()).add(org or None)
    posted = bind.execute(sa.text(
        "SELECT DISTINCT who FROM sightings WHERE sha256 = '' AND source LIKE 'api:%'")).scalars().all()
    keys: dict[str, str | None] = {}
    for who in posted:
        found = orgs.get(str(who), set()) if who is not None else set()
        org = next(iter(found)) if len(found) == 1 else None
        key = _owner_key(org, "amber+strict")
        keys[key] = org
        where = "sha256 = '' AND source LIKE 'api:%' AND " + ("who = :who" if who is not None else "who IS NULL")
        bind.execute(sa.text(f"UPDATE sightings SET sha256 = :key, tlp = 'amber+strict' WHERE {where}"),  # noqa: S608 - fixed text
                     {"key": key, "who": who})
    for level in ("amber+strict", "red"):
        if bind.execute(sa.text("SELECT 1 FROM sightings WHERE sha256 = '' AND tlp = :tlp"),
                        {"tlp": level}).first() is not None:
            key = _owner_key(None, level)
            keys[key] = None
            bind.execute(sa.text("UPDATE sightings SET sha256 = :key WHERE sha256 = '' AND tlp = :tlp"),
                         {"key": key, "tlp": level})
    bind.execute(sa.text("DELETE FROM serve_sessions"))  # plain CSRF tokens: sign in again
    access = sa.table("report_access", sa.column("sha256", sa.String), sa.column("org", sa.String),
                      sa.column("audience", sa.JSON), sa.column("changed_at", sa.DateTime(timezone=True)))
    for key, org in keys.items():
        if bind.execute(sa.select(access.c.sha256).where(access.c.sha256 == key)).first() is None:
            bind.execute(sa.insert(access).values(sha256=key, org=org, audience=None, changed_at=now))


def downgrade() -> None:
    pass  # the owners stay: revision 0010 shows a keyed row by its report_access row
