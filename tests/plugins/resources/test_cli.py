"""``pmo people ...`` run as an admin would, on a SQLite store: import with a dry run, warnings,
forget, and the audit that still verifies; a copied ledger takes its keys along."""
from __future__ import annotations

from click.testing import CliRunner

from core.services import projects
from events.context import command_context
from web.cli import make_cli
from web.tenancy import open_pmo

PEOPLE = "name;email;role;department;hours per week;skills\n" \
         "Anna Berg;anna@example.org;Business analyst;Digital;32;Risk management:4\n" \
         "Bo Ek;bo@example.org;Developer;IT;40;\n"
PLAN = "person,project,start date,end date,percent\n" \
       "anna@example.org,P-1,2026-05-01,2026-05-31,60\n" \
       "anna@example.org,P-2,2026-05-01,2026-05-31,30\n"


def test_import_warn_forget_and_verify(tmp_path):
    store = f"sqlite:///{tmp_path}/pmo.sqlite"
    cli, runner = make_cli(entry_points=False), CliRunner()

    def pmo(*args, ok: bool = True):
        result = runner.invoke(cli, ["--store", store, "--as", "saga", *args])
        assert (result.exit_code == 0) == ok, result.output
        return result.output

    pmo("--as", "admin", "plugins", "enable", "resources", "--reason", "resource planning")
    unit = open_pmo(store, entry_points=False)
    with command_context("saga", "intake"):
        for code in ("P-1", "P-2"):
            projects.register_project(unit, code, f"Project {code}")
    unit.close()
    (tmp_path / "people.csv").write_text(PEOPLE.replace("bo@example.org", "bo@"))
    refused = pmo("people", "import", str(tmp_path / "people.csv"), ok=False)
    assert "line 3, email: give an email address" in refused and "nothing was imported" in refused
    (tmp_path / "people.csv").write_text(PEOPLE)
    assert "are valid" in pmo("people", "import", str(tmp_path / "people.csv"), "--dry-run")
    assert pmo("people", "list") == ""
    assert "Imported 2 persons" in pmo("people", "import", str(tmp_path / "people.csv"))
    (tmp_path / "plan.csv").write_text(PLAN)
    imported = pmo("people", "import", str(tmp_path / "plan.csv"), "--kind", "allocations")
    assert "warning: Anna Berg is booked 151.2 h of 134.4 h in 2026-05 by P-1 (100.8 h), P-2 (50.4 h)" in imported
    assert pmo("people", "warnings", "--start", "2026-05", "--months", "1").startswith("Anna Berg is booked")

    assert "Forgotten" in pmo("--as", "admin", "people", "forget", "anna@example.org", "--reason", "erasure 2026-14")
    listed = pmo("people", "list")
    assert "Anna Berg" not in listed and "anna@example.org" not in listed and "forgotten person" in listed
    assert "forgotten person,P-1" in pmo("people", "export", "--what", "allocations")
    assert "OK" in pmo("audit", "verify")
    exported = tmp_path / "audit.jsonl"
    pmo("audit", "export", "-o", str(exported))
    assert "Anna" not in exported.read_text() and "Bo Ek" not in exported.read_text()

    # A ledger copied to a new store takes the keys along (they are not in the ledger); the
    # forgotten person's stays destroyed.
    copy = f"sqlite:///{tmp_path}/copy.sqlite"
    pmo("ledger", "copy", "--to", copy)
    copied = runner.invoke(cli, ["--store", copy, "people", "list"]).output
    assert "Bo Ek" in copied and "forgotten person" in copied and "Anna" not in copied
    assert "Copied 0 key(s)." in pmo("people", "copy-keys", "--to", copy)
