"""Verification checks the chain a page at a time; tampering must be named at the same position
whatever the page size (a page boundary on either side of the change), on SQLite and PostgreSQL.

One ledger of a little over a hundred records (so it carries a signed seal) is written through
the services once; each test tampers with its own copy: the SQLite file copied, or the records
copied into a fresh PostgreSQL schema (the target's recorder chains and seals them as it writes).
"""
import shutil
import sqlite3

import psycopg
import pytest

from core.services import projects
from events.chain import GENESIS, SEAL_INTERVAL, iter_chain, iter_records, record_hash, verify_chain
from events.context import command_context
from events.copy import copy_ledger
from events.store import Ledger, parse_store_url
from tests.conftest import drop_pg_schema, postgres_store_url
from web.tenancy import open_pmo

PAGES = (1, 4, 7, 10_000)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    var = tmp_path_factory.mktemp("chain_pages")
    path = var / "template.sqlite"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PMO_VAR", str(var))
        pmo = open_pmo(f"sqlite:///{path}", entry_points=False)
        with command_context("pia", "a ledger just past its first seal"):
            for i in range(SEAL_INTERVAL + 1):
                projects.register_project(pmo, code=f"P-{i}", name=f"Project {i}")
        pmo.close()
    return var, path


class Store:
    """A copy of the template on one backend, and raw SQL behind the application's back."""

    def __init__(self, kind, template, tmp_path):
        var, path = template
        self.kind = kind
        if kind == "sqlite":
            copy = tmp_path / "pmo.sqlite"
            shutil.copy(path, copy)
            self.url = f"sqlite:///{copy}"
            self.events, self.chain, self.seals, self.position = "stored_events", "ledger_chain", "ledger_seals", "rowid"
        else:
            self.url = postgres_store_url()
            schema = self.url.rsplit("schema=", 1)[1]
            source, target = Ledger(parse_store_url(f"sqlite:///{path}")), Ledger(parse_store_url(self.url))
            copy_ledger(source, target)
            source.close()
            target.close()
            self.events, self.chain, self.seals = (f'"{schema}".pmo_events', f'"{schema}".pmo_events_chain',
                                                   f'"{schema}".pmo_events_seals')
            self.position = "notification_id"
        self.head = self.rows(f"SELECT max({self.position}) FROM {self.events}")[0][0]
        # Sealed at the head of the write that crossed SEAL_INTERVAL (the copy writes in one go).
        self.sealed = self.rows(f"SELECT min(position) FROM {self.seals}")[0][0]

    def sql(self, statement, params=()):
        if self.kind == "sqlite":
            with sqlite3.connect(self.url.removeprefix("sqlite:///")) as db:
                db.execute(statement, params)
        else:
            with psycopg.connect(self.url.split("?")[0], autocommit=True) as db:
                db.execute(statement.replace("?", "%s"), params)

    def rows(self, statement, params=()):
        if self.kind == "sqlite":
            with sqlite3.connect(self.url.removeprefix("sqlite:///")) as db:
                return db.execute(statement, params).fetchall()
        with psycopg.connect(self.url.split("?")[0]) as db:
            return db.execute(statement.replace("?", "%s"), params).fetchall()

    def state(self, position):
        return bytes(self.rows(f"SELECT state FROM {self.events} WHERE {self.position} = ?", (position,))[0][0])

    def verdicts(self, upto=None):
        """The verdict at every page size, and the progress reported at each."""
        ledger = Ledger(parse_store_url(self.url))
        recorder = ledger.recorder
        found = {}
        for page in PAGES:
            seen = []
            verdict = verify_chain(iter_records(recorder, batch=3), iter_chain(recorder, batch=5),
                                   recorder.select_seals(), ledger.sealer.public_key_b64, progress=seen.append,
                                   upto=upto, page=page)
            found[page] = (verdict, seen)
        ledger.close()
        return found


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, template, tmp_path, monkeypatch):
    monkeypatch.setenv("PMO_VAR", str(template[0]))  # the template's signing key
    made = Store(request.param, template, tmp_path)
    yield made
    if request.param == "postgres":
        drop_pg_schema(made.url)


def same_everywhere(found):
    verdicts = {page: verdict for page, (verdict, _seen) in found.items()}
    assert len(set(verdicts.values())) == 1, verdicts
    return verdicts[PAGES[0]]


def test_an_untouched_ledger_verifies_at_every_page_size_with_progress_to_the_head(store):
    found = store.verdicts()
    verdict = same_everywhere(found)
    assert verdict.ok and verdict.checked == store.head == SEAL_INTERVAL + 1
    for page, (_verdict, seen) in found.items():
        assert seen[-1] == store.head and seen == sorted(seen), page


def test_records_past_upto_are_left_alone(store):
    store.sql(f"UPDATE {store.events} SET state = ? WHERE {store.position} = ?",
              (store.state(store.head).replace(b"Project", b"Tampered"), store.head))
    assert same_everywhere(store.verdicts(upto=store.head - 1)).checked == store.head - 1
    assert same_everywhere(store.verdicts()).position == store.head


def test_an_altered_record_is_named(store):
    store.sql(f"UPDATE {store.events} SET state = ? WHERE {store.position} = 9",
              (store.state(9).replace(b"Project 8", b"Project X"),))
    verdict = same_everywhere(store.verdicts())
    assert (verdict.ok, verdict.position, verdict.checked) == (False, 9, 8) and "altered" in verdict.problem


def test_a_deleted_record_is_named(store):
    store.sql(f"DELETE FROM {store.events} WHERE {store.position} = 13")
    verdict = same_everywhere(store.verdicts())
    assert (verdict.ok, verdict.position) == (False, 13) and "deleted" in verdict.problem


def test_a_deleted_chain_row_names_the_record_as_inserted(store):
    store.sql(f"DELETE FROM {store.chain} WHERE position = 6")
    verdict = same_everywhere(store.verdicts())
    assert (verdict.ok, verdict.position) == (False, 6) and "inserted" in verdict.problem


def test_two_swapped_records_are_named_at_the_first(store):
    first, second = (store.rows(f"SELECT state FROM {store.events} WHERE {store.position} = ?", (p,))[0][0]
                     for p in (3, 10))
    store.sql(f"UPDATE {store.events} SET state = ? WHERE {store.position} = 3", (second,))
    store.sql(f"UPDATE {store.events} SET state = ? WHERE {store.position} = 10", (first,))
    verdict = same_everywhere(store.verdicts())
    assert (verdict.ok, verdict.position) == (False, 3) and "reordered" in verdict.problem


def test_records_and_chain_rewritten_together_are_caught_by_the_seal(store):
    store.sql(f"UPDATE {store.events} SET state = ? WHERE {store.position} = 50",
              (store.state(50).replace(b"Project 49", b"Project Z"),))
    previous = GENESIS
    for position, oid, version, topic, state in store.rows(
            f"SELECT {store.position}, originator_id, originator_version, topic, state FROM {store.events} "
            f"ORDER BY {store.position}"):
        previous = record_hash(previous, oid, version, topic, bytes(state))
        store.sql(f"UPDATE {store.chain} SET hash = ? WHERE position = ?", (previous, position))
    verdict = same_everywhere(store.verdicts())
    assert (verdict.ok, verdict.position) == (False, store.sealed) and "seal" in verdict.problem


def test_a_forged_signature_on_an_intact_chain_is_named(store):
    store.sql(f"UPDATE {store.seals} SET signature = ? WHERE position = ?", ("Zm9yZ2Vk", store.sealed))
    verdict = same_everywhere(store.verdicts())
    assert (verdict.ok, verdict.position, verdict.checked) == (False, store.sealed, store.sealed - 1)
    assert "seal" in verdict.problem
