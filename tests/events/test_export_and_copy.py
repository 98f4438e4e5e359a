"""Auditors' exports verify offline; a ledger copied to another store has the same chain."""
import pytest

from core import queries
from core.services import projects, reporting
from events.chain import iter_chain, iter_records, verify_chain
from events.context import command_context
from events.copy import TargetNotEmptyError, copy_ledger
from events.export import export_rows, verify_export, write_export
from web.tenancy import open_pmo
import io
from datetime import date


@pytest.fixture
def source(tmp_path, monkeypatch):
    monkeypatch.setenv("PMO_VAR", str(tmp_path))
    pmo = open_pmo(f"sqlite:///{tmp_path}/source.sqlite", entry_points=False)
    with command_context("pia", "a small history"):
        for i in range(120):
            project = projects.register_project(pmo, code=f"P-{i}", name=f"Project {i}", manager="bo")
        reporting.submit_status_report(pmo, project.id, period_start=date(2026, 1, 1), period_end=date(2026, 1, 31),
                                       overall="red", schedule="red", cost="amber", scope="green", progress_pct=10)
    yield pmo
    pmo.close()


def export_text(pmo, fmt, first=1, last=None):
    out = io.StringIO()
    write_export(export_rows(pmo.ledger, first, last), out, fmt)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_an_export_verifies_offline_and_an_edited_one_does_not(source, fmt):
    text = export_text(source, fmt)
    key = source.ledger.sealer.public_key_b64
    verdict = verify_export(text, key)
    assert verdict.ok and verdict.checked == source.ledger.max_position()
    edited = text.replace("Project 7", "Project 8", 1)
    assert edited != text
    bad = verify_export(edited, key)
    assert not bad.ok and bad.position == 8


def test_a_partial_export_verifies_from_where_it_starts(source):
    verdict = verify_export(export_text(source, "jsonl", 50, 110), source.ledger.sealer.public_key_b64)
    assert verdict.ok and verdict.checked == 61


def test_dropping_a_line_or_forging_the_key_fails(source):
    text = export_text(source, "jsonl")
    lines = text.splitlines()
    assert not verify_export("\n".join(lines[:5] + lines[6:])).ok
    assert not verify_export(text, "A" * 43 + "=").ok


def test_copy_to_another_store_and_back_keeps_pages_and_chain_head(source, store_url, tmp_path):
    target = open_pmo(store_url, entry_points=False)
    copy_ledger(source.ledger, target.ledger)
    target.rebuild()
    head = lambda p: verify_chain(iter_records(p.ledger.recorder), iter_chain(p.ledger.recorder)).head  # noqa: E731
    assert head(target) == head(source)
    assert queries.list_projects(target) == queries.list_projects(source)
    with pytest.raises(TargetNotEmptyError):
        copy_ledger(source.ledger, target.ledger)
    back = open_pmo(f"sqlite:///{tmp_path}/back.sqlite", entry_points=False)
    copy_ledger(target.ledger, back.ledger)
    back.rebuild()
    assert head(back) == head(source)
    assert queries.list_projects(back) == queries.list_projects(source)
    target.close()
    back.close()
