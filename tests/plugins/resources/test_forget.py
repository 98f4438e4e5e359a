"""Forgetting a person on every store: afterwards no personal field of theirs can be read from
the stored events, the read models, the key table or any export (the database file included,
on SQLite), while the rest of history stays, and the hash chain still verifies."""
from __future__ import annotations

import io
import uuid
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from core.importing.writers import Table, to_csv
from core.services import plugins, projects
from events.chain import iter_chain, iter_records, verify_chain
from events.context import command_context
from events.export import export_rows, write_export
from plugins.resources import queries, services, vault, workload
from web.tenancy import open_pmo

SECRETS = ("Annika Privat-Testperson", "annika.privat@example.org", "Burnout recovery, doctor's note",
           "Debt counselling course", "Paid by the employee assistance programme")


def everything_readable(pmo) -> str:
    """Every value of every table in the database (ledger, read models, keys), as text."""
    found = []
    with pmo.engine.connect() as conn:
        for name in sa.inspect(conn).get_table_names():
            for row in conn.execute(sa.text(f'SELECT * FROM "{name}"')):
                found += [bytes(v).decode("latin-1") if isinstance(v, (bytes, memoryview)) else str(v) for v in row]
    return "\n".join(found)


def test_after_forget_nothing_personal_can_be_read_and_history_still_verifies(store_url):
    pmo = open_pmo(store_url, entry_points=False)
    try:
        with command_context("admin", "resource planning"):
            plugins.enable_plugin(pmo, "resources")
        with command_context("saga", "hiring"):
            project = projects.register_project(pmo, "P-1", "Portal")
            anna = services.register_person(pmo, SECRETS[0], SECRETS[1], "Business analyst", "Digital", 40.0)
            bo = services.register_person(pmo, "Bo Ek", "bo@example.org", "Developer", "IT", 40.0)
            services.change_capacity(pmo, anna.id, "leave", date(2026, 6, 1), date(2026, 6, 30), 0.0, SECRETS[2])
            services.record_development(pmo, anna.id, "training", SECRETS[3], note=SECRETS[4])
            services.assess_skill(pmo, anna.id, "Risk management", 4)
            services.allocate(pmo, anna.id, project.id, date(2026, 5, 1), date(2026, 7, 31), percent=50)
        assert queries.get_person(pmo, anna.id)["name"] == SECRETS[0]
        with pmo.read() as conn:
            key = conn.execute(sa.select(vault.keys_table.c.key).where(vault.keys_table.c.person_id == anna.id)).scalar()
        records_before = pmo.ledger.max_position()
        # Sealed from the start: the stored events never held the plaintext.
        records = list(iter_records(pmo.ledger.recorder))
        assert not any(secret.encode() in b"".join(r[-1] for r in records) for secret in SECRETS)
        hers = b"".join(state for _, oid, _, _, state in records if uuid.UUID(str(oid)) == anna.id).decode()

        with command_context("admin", "erasure request 2026-14"):
            services.forget_person(pmo, anna.id)

        # The key is gone; Bo's stays. No key left opens any of Anna's sealed values.
        ring = vault.keyring(pmo)
        assert anna.id not in ring and bo.id in ring
        tokens = [t for t in hers.split('"') if t.startswith(vault.PREFIX)]
        assert len(tokens) >= 3 and not any(vault.unseal(ring, pid, t) for t in tokens for pid in ring)
        everything = everything_readable(pmo)
        assert not any(secret in everything for secret in SECRETS)
        assert key.hex() not in everything and key.decode("latin-1") not in everything
        if store_url.startswith("sqlite"):
            path = Path(store_url[len("sqlite:///"):])
            raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
            assert key not in raw and not any(secret.encode() in raw for secret in SECRETS)
        # Exports: the auditors' (records and chain), and the people list.
        audit = io.StringIO()
        write_export(export_rows(pmo.ledger), audit)
        people = to_csv(Table("People", ["name", "email"], [[p["name"], p["email"]] for p in queries.list_people(pmo)]))
        assert not any(secret in audit.getvalue() or secret.encode() in people for secret in SECRETS)
        assert b"forgotten person" in people

        # History is otherwise intact: every record is still there and chained, the plan unchanged.
        assert pmo.ledger.max_position() == records_before + 1
        verdict = verify_chain(iter_records(pmo.ledger.recorder), iter_chain(pmo.ledger.recorder),
                               pmo.ledger.recorder.select_seals(), pmo.ledger.sealer.public_key_b64)
        assert verdict.ok, verdict
        row = queries.get_person(pmo, anna.id)
        assert (row["name"], row["email"], row["forgotten"], row["role"]) == ("forgotten person", "", True,
                                                                            "Business analyst")
        assert [s["skill"] for s in row["skills"]] == ["Risk management"]
        assert [a["person_name"] for a in queries.list_allocations(pmo, person_id=anna.id)] == ["forgotten person"]
        assert [d["title"] for d in queries.development_records(pmo, anna.id)] == ["(forgotten)"]
        grid = workload.heatmap(pmo, None, "person", date(2026, 5, 1), 1)
        assert [(r["label"], r["cells"][0]["allocated"]) for r in grid["rows"]] == [("Bo Ek", 0.0),
                                                                                  ("forgotten person", 84.0)]
        # A rebuild from the ledger forgets her again: the Forgotten event drops her key too.
        pmo.runner.rebuild(["resources"])
        assert queries.get_person(pmo, anna.id)["name"] == "forgotten person"
        assert not any(secret in everything_readable(pmo) for secret in SECRETS)
    finally:
        pmo.close()


def test_a_damaged_key_reads_as_unreadable_not_as_an_error(tmp_path, caplog):
    pmo = open_pmo(f"sqlite:///{tmp_path}/pmo.sqlite", entry_points=False)
    try:
        with command_context("admin", "resource planning"):
            plugins.enable_plugin(pmo, "resources")
        with command_context("saga", "hiring"):
            anna = services.register_person(pmo, SECRETS[0], SECRETS[1], "Business analyst", "Digital", 40.0)
            bo = services.register_person(pmo, "Bo Ek", "bo@example.org", "Developer", "IT", 40.0)
        with pmo.writer_engine.begin() as conn:  # as a hand edit of the key table would
            conn.execute(vault.keys_table.update().where(vault.keys_table.c.person_id == anna.id)
                         .values(key=b"short"))
        assert set(vault.keyring(pmo)) == {bo.id}
        assert "damaged" in caplog.text
        assert queries.get_person(pmo, anna.id)["name"] != SECRETS[0]
        assert queries.get_person(pmo, bo.id)["name"] == "Bo Ek"
    finally:
        pmo.close()
