"""Risks through the core's spreadsheet import (the ``import_kinds`` hook): ``pmo import risks``
and /imports/risks check every row, then record all of them in one save, or none."""
from __future__ import annotations

import io

from click.testing import CliRunner
from openpyxl import Workbook

from core.importing import import_file, kinds
from events.context import command_context
from plugins.risk import queries
from tests.conftest import csrf_token_from
from tests.plugins.risk.test_import import events_by

# The register's own export headings; "Score" is not imported (the ledger computes it).
GOOD = """ID,Title,Owner,Project,Probability,Impact,Response,Status,Category,Score
R-001,Supplier late,bo,P-OWN,4,3,reduce: weekly delivery check,open,supplier,12
,Key developer leaves,bo,P-OWN,3,4,transfer,open,people,12
,Budget cut,pia,,2,5,,closed,financial,10
"""
# Row 3 has an impact off the scale; row 4 a project nobody registered and no owner.
BAD = """ID,Title,Owner,Project,Probability,Impact
R-1,Supplier late,bo,P-OWN,4,3
R-2,Key developer leaves,bo,P-OWN,3,7
R-3,Vendor lock-in,,P-NONE,2,2
"""


def test_only_an_enabled_plugin_offers_its_kind(the_pmo, people):
    assert "risks" not in kinds(the_pmo)
    from core.services.plugins import enable_plugin

    with command_context("admin", "We start a risk register"):
        enable_plugin(the_pmo, "risk")
    assert list(kinds(the_pmo)) == ["projects", "milestones", "actions", "risks"]


def test_a_good_file_is_one_batch_by_the_importer_numbering_rows_without_an_id(enabled, places):
    head = enabled.ledger.max_position()
    with command_context("pmo-user", "migration"):
        report = import_file(enabled, "risks", GOOD.encode(), "register.csv", dry_run=False)
    assert report.ok and report.imported == 3, report.errors
    assert report.mapped == {"ID": "ref", "Title": "title", "Owner": "owner", "Project": "project",
                             "Probability": "probability", "Impact": "impact", "Response": "response",
                             "Status": "status", "Category": "category"} and report.ignored == ["Score"]
    rows = {r["title"]: r for r in queries.list_risks(enabled, status="all")}
    supplier, leaver, cut = rows["Supplier late"], rows["Key developer leaves"], rows["Budget cut"]
    assert (supplier["ref"], supplier["project_code"], supplier["inherent_score"], supplier["strategy"],
            supplier["response"]) == ("R-001", "P-OWN", 12, "reduce", "weekly delivery check")
    assert leaver["ref"] == "R-002" and leaver["category"] == "people"  # R-001 is the file's: the next one
    assert cut["scope"] == "portfolio" and cut["status"] == "closed"
    # Every event by the importer, the file named in the reason, in one run of the log.
    log = enabled.log_index.table
    with enabled.read() as conn:
        written = conn.execute(log.select().with_only_columns(log.c.position, log.c.actor, log.c.reason)
                               .where(log.c.position > head)).all()
    assert {(actor, reason) for _p, actor, reason in written} == {("pmo-user", "Imported from register.csv: migration")}
    assert [p for p, *_ in written] == list(range(head + 1, head + 1 + len(written))) == \
        list(range(head + 1, enabled.ledger.max_position() + 1))


def test_one_bad_row_refuses_the_whole_file_naming_row_and_field(enabled, places):
    head = enabled.ledger.max_position()
    with command_context("pmo-user"):
        report = import_file(enabled, "risks", BAD.encode(), "register.csv", dry_run=False)
    assert [(e.line, e.column, e.message) for e in report.errors] == [
        (3, "impact", "must be from 1 to 5"),
        (4, "owner", "required: this cell is empty"),
        (4, "project", "no project with code 'P-NONE'")]
    assert report.imported == 0 and "nothing was imported" in report.summary()
    assert enabled.ledger.max_position() == head and queries.list_risks(enabled, status="all") == []


def test_references_clash_with_the_register_and_within_the_file(enabled, places):
    with command_context("pmo-user"):
        assert import_file(enabled, "risks", b"ID,Title,Owner,Project\nR-1,First,bo,P-OWN\n", "a.csv",
                           dry_run=False).ok
        report = import_file(enabled, "risks", (
            "ID,Title,Owner,Project,Response,Kind\n"
            "R-1,Again,bo,P-OWN,,\n"               # already in P-OWN's register
            "R-1,Elsewhere,bo,P-OTHER,,\n"         # another project: a reference of its own
            "R-7,Twice,bo,P-OTHER,,\n"
            "r-7,Twice again,bo,P-OTHER,,\n"       # the same reference in any case
            "R-8,Wrong strategy,bo,,exploit,threat\n"
            ",Numbered,bo,,,\n"                   # the portfolio's next number: R-001
            "R-001,Numbered by hand,bo,,,\n"
            "R 9,Spaced,bo,,,\n").encode(), "b.csv")
    assert [(e.line, e.column) for e in report.errors] == [(2, "ref"), (5, "ref"), (6, "response"), (8, "ref"),
                                                          (9, "ref")]
    assert report.errors[0].message == "R-1 is already in the register"
    assert report.errors[1].message == "'r-7' is also on row 4"
    assert report.errors[3].message == "R-001 was given to an earlier row without an ID ('Numbered')"


def test_an_xlsx_register_imports_too(enabled, places):
    book = Workbook()
    for row in (["Risk ID", "Risk title", "Risk owner", "Likelihood", "Impact", "Review date"],
                ["R-9", "Data centre move", "bo", 2.0, 3.0, "2027-01-31"]):
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    with command_context("pmo-user"):
        report = import_file(enabled, "risks", data.getvalue(), "register.xlsx", dry_run=False)
    assert report.ok, report.errors
    [risk] = queries.list_risks(enabled, status="all")
    assert (risk["ref"], risk["inherent_score"], str(risk["review_date"])) == ("R-9", 6, "2027-01-31")


def test_the_import_page_offers_risks_and_lands_on_the_register(enabled, places, sign_in, client):
    sign_in("pmo")
    assert 'href="/imports/risks"' in client.get("/imports").get_data(as_text=True)
    token = csrf_token_from(client.get("/imports/risks").get_data(as_text=True))
    bad = client.post("/imports/risks", content_type="multipart/form-data", data={
        "csrf_token": token, "intent": "check", "file": (io.BytesIO(BAD.encode()), "register.csv")})
    assert bad.status_code == 422 and bad.get_data(as_text=True).count('<tr class="import-error">') == 3
    done = client.post("/imports/risks", content_type="multipart/form-data", data={
        "csrf_token": token, "intent": "import", "file": (io.BytesIO(GOOD.encode()), "register.csv")})
    assert done.status_code == 303 and done.headers["Location"].endswith("/risks/")
    assert {actor for _t, actor in events_by(enabled, "risk.Risk")} == {"pmo-user"}
    assert client.get("/imports/nothing").status_code == 404


def test_pmo_import_risks_exits_1_with_one_line_per_problem(tmp_path):
    from web.cli import make_cli

    url = f"sqlite:///{tmp_path}/cli.sqlite"  # the CLI opens its own store
    runner = CliRunner()

    def run(*args):
        return runner.invoke(make_cli(entry_points=False), ["--store", url, *args], catch_exceptions=False)

    bad = tmp_path / "register.csv"
    bad.write_text(BAD)
    assert run("--as", "tove", "init").exit_code == 0
    from core.services.projects import register_project
    from web.tenancy import open_pmo

    pmo = open_pmo(url, entry_points=False)
    with command_context("tove"):
        register_project(pmo, "P-OWN", "Portal")
    pmo.close()
    disabled = run("--as", "saga", "import", "risks", str(bad))
    assert disabled.exit_code == 1
    assert disabled.stderr.splitlines() == [
        "Error: cannot import 'risks'; choose projects, milestones, actions"]
    assert run("--as", "tove", "plugins", "enable", "risk", "--reason", "register").exit_code == 0
    result = run("--as", "saga", "import", "risks", str(bad))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-4:] == [
        "register.csv: row 3, impact: must be from 1 to 5",
        "register.csv: row 4, owner: required: this cell is empty",
        "register.csv: row 4, project: no project with code 'P-NONE'",
        "Error: 3 problems in register.csv: nothing was imported. Correct the file and check it again."]
