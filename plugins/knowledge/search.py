"""Ranked full-text search over lessons, in the read model's own database engine.

SQLite (also the memory store's read models): an FTS5 table with the Porter stemmer, fed by a
trigger from every inserted lesson row and ranked by ``bm25``. PostgreSQL: a stored, generated
``tsvector`` column with a GIN index, ranked by ``ts_rank``. Both index every *version* of a
lesson (each temporal row), so a search as of a past moment finds the words the lesson had then:
the match is joined to the rows visible at that position. The title and tags weigh most, then
what to repeat or avoid, then the story.

The DDL hangs on the table's create and drop, so ``pmo projections rebuild`` and a changed table
definition rebuild the index with the rows.
"""
from __future__ import annotations

import re

import sqlalchemy as sa

FTS = "knowledge_lessons_fts"
# Weights of title, what_happened, recommendation, tags, category (bm25: higher weighs more).
BM25 = (8.0, 1.0, 3.0, 6.0, 4.0)
_SQLITE = [
    f"DROP TABLE IF EXISTS {FTS}",
    # Contentless: the words live in knowledge_lessons; the index maps them to its row_id.
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(title, what_happened, recommendation, tags, category, "
    "content='', tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER knowledge_lessons_fts_insert AFTER INSERT ON knowledge_lessons BEGIN "
    f"INSERT INTO {FTS} (rowid, title, what_happened, recommendation, tags, category) VALUES (new.row_id, "
    "new.title, new.what_happened, new.recommendation, replace(coalesce(new.tag_keys, ''), '|', ' '), "
    "new.category); END",
]
_POSTGRES = [
    "ALTER TABLE knowledge_lessons ADD COLUMN search tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', replace(coalesce(tag_keys, ''), '|', ' ') || ' ' || coalesce(category, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(recommendation, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(what_happened, '')), 'C')) STORED",
    "CREATE INDEX ix_knowledge_lessons_search ON knowledge_lessons USING gin (search)",
]


def index(table: sa.Table) -> None:
    """Build the full-text index with ``table`` (create, drop) on SQLite and PostgreSQL."""
    for statement in _SQLITE:
        sa.event.listen(table, "after_create", sa.DDL(statement).execute_if(dialect="sqlite"))
    sa.event.listen(table, "after_drop", sa.DDL(f"DROP TABLE IF EXISTS {FTS}").execute_if(dialect="sqlite"))
    for statement in _POSTGRES:
        sa.event.listen(table, "after_create", sa.DDL(statement).execute_if(dialect="postgresql"))


def words(text: str | None) -> list[str]:
    """The words of a search, as the index splits them; punctuation and operators are dropped,
    so no input can be read as query syntax."""
    return re.findall(r"[^\W_]+", (text or "").lower())[:20]


def matching(table: sa.Table, dialect: str, text: str) -> tuple[sa.ColumnElement[bool], sa.ColumnElement, bool,
                                                                sa.FromClause | None]:
    """``(condition, rank, descending, join)`` for rows of ``table`` that hold every word of
    ``text`` (the last one also as a prefix: "suppl" finds "supplier")."""
    terms = words(text)
    if dialect == "postgresql":
        query = " & ".join(f"{t}:*" if i == len(terms) - 1 else t for i, t in enumerate(terms))
        tsquery = sa.func.to_tsquery(sa.literal_column("'english'"), query)
        vector = sa.literal_column(f"{table.name}.search")
        return vector.op("@@")(tsquery), sa.func.ts_rank(vector, tsquery), True, None
    fts = sa.table(FTS, sa.column("rowid"))
    query = " ".join(f'"{t}"*' if i == len(terms) - 1 else f'"{t}"' for i, t in enumerate(terms))
    rank = sa.func.bm25(sa.literal_column(FTS), *BM25)
    condition = sa.and_(sa.literal_column(FTS).op("MATCH")(query), fts.c.rowid == table.c.row_id)
    return condition, rank, False, fts
