"""Owner keys of posted sightings and the scope's SQL (review LOW-3, session 9).

A RED audience is a set of token names: the order a poster lists them in must not mint
a second owner key (each key is a ``report_access`` row that every view of every other
organisation used to carry in a ``NOT IN`` list). An audience is capped. With an
allow-list the scope's WHERE clause names only what the reader may read, so its size
does not grow with other organisations' posts.
"""

from __future__ import annotations

import pytest
from sqlalchemy import column, table
from sqlalchemy.dialects import sqlite

from unmask.store.access import MAX_AUDIENCE, Scope, check_audience, owner_key, scope_where

pytestmark = pytest.mark.filterwarnings("error")


def test_the_audience_order_does_not_change_the_owner_key() -> None:
    assert owner_key("x", "red", ["bea", "al"]) == owner_key("x", "red", ["al", "bea"])
    assert owner_key("x", "red", ["al", "al", "bea"]) == owner_key("x", "red", ["bea", "al"])
    assert owner_key("x", "red", ["al"]) != owner_key("x", "red", ["al", "bea"])
    assert owner_key("x", "red", ["al"]) != owner_key("y", "red", ["al"])


def test_an_audience_is_capped() -> None:
    names = [f"analyst-{n}" for n in range(MAX_AUDIENCE)]
    assert check_audience(names) == names
    with pytest.raises(ValueError, match=f"at most {MAX_AUDIENCE}"):
        check_audience([*names, "one-more"])


def _sql(scope: Scope) -> str:
    docs = table("documents", column("tlp"), column("sha256"))
    clause = scope_where(docs.c, scope)
    return str(clause.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))


def test_with_an_allow_list_the_clause_does_not_list_what_others_posted() -> None:
    others = frozenset(f"{n:064x}" for n in range(500))
    mine = frozenset({"a" * 64})
    sql = _sql(Scope(("clear", "green", "amber", "amber+strict", "red"), others, mine))
    assert "NOT IN" not in sql.replace("tlp NOT IN", "")
    assert f"{1:064x}" not in sql and "a" * 64 in sql
    # without an allow-list the excluded set is still kept out
    legacy = _sql(Scope(("green", "red"), frozenset({"b" * 64})))
    assert "b" * 64 in legacy and "NOT IN" in legacy
