"""Importing an existing register for one place (/risks/import, its API and ``pmo risk import``):
the core's import of the ``risks`` kind, with rows that name no project or programme going to
that place. All rows or none; every bad row named by line and field; a good file imported as
events by the importing user."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from events.context import command_context
from plugins.risk import importer, queries
from tests.conftest import csrf_token_from
from tests.plugins.risk.conftest import problem

GOOD = """ID,title,description,owner,probability,impact,response,status
R1,Supplier late,The supplier has two other clients,bo,4,3,reduce: weekly delivery check,open
R2,Key developer leaves,,bo,3,4,transfer,open
R3,Old licence risk,Replaced by the new contract,pia,2,2,accept,closed
"""
# Line 3 has an impact off the scale; line 5 a bad status and an unknown strategy.
BAD = """ID,title,description,owner,probability,impact,response,status
R1,Supplier late,,bo,4,3,reduce,open
R2,Key developer leaves,,bo,3,7,reduce,open
R3,Fine row,,bo,1,1,,open
R4,Wishful thinking,,bo,2,2,hope for the best,maybe
"""


def events_by(pmo, topic_prefix: str) -> list[tuple[str, str]]:
    log = pmo.log_index.table
    with pmo.read() as conn:
        return [tuple(r) for r in conn.execute(
            sa.select(log.c.topic, log.c.actor).where(log.c.topic.like(f"{topic_prefix}%")).order_by(log.c.position))]


@pytest.fixture
def target(enabled, places):
    return importer.Target("project", places["P-OWN"])


def test_one_bad_row_imports_nothing_and_names_each_bad_line_and_column(enabled, target):
    head = enabled.ledger.max_position()
    with command_context("pmo-user", "import"):
        report = importer.import_register(enabled, BAD, target)
    assert [(e.line, e.column) for e in report.errors] == [(3, "impact"), (5, "status"), (5, "response")]
    assert report.imported == 0 and not report.ok and "nothing was imported" in report.summary()
    assert enabled.ledger.max_position() == head
    assert queries.list_risks(enabled, status="all") == []


def test_a_good_file_imports_every_row_as_events_by_the_importing_user(enabled, target):
    with command_context("pmo-user", "Old spreadsheet register"):
        report = importer.import_register(enabled, GOOD, target)
    assert report.ok and report.imported == 3
    rows = {r["ref"]: r for r in queries.list_risks(enabled, status="all")}
    assert set(rows) == {"R1", "R2", "R3"}
    assert (rows["R1"]["inherent_score"], rows["R1"]["strategy"], rows["R1"]["response"]) == (
        12, "reduce", "weekly delivery check")
    assert rows["R3"]["status"] == "closed"
    assert {actor for _topic, actor in events_by(enabled, "risk.")} == {"pmo-user"}
    # Importing the same file again clashes on every ID, and writes nothing.
    with command_context("pmo-user"):
        again = importer.import_register(enabled, GOOD, target)
    assert [(e.line, e.column, e.message) for e in again.errors] == [
        (2, "ref", "R1 is already in the register"), (3, "ref", "R2 is already in the register"),
        (4, "ref", "R3 is already in the register")]


def test_a_dry_run_checks_everything_and_writes_nothing(enabled, target):
    head = enabled.ledger.max_position()
    with command_context("pmo-user"):
        report = importer.import_register(enabled, GOOD, target, dry_run=True)
    assert report.ok and report.rows == 3 and report.imported == 0
    assert enabled.ledger.max_position() == head


@pytest.mark.parametrize("text, expected", [
    ("", [(1, "header"), (1, "title"), (1, "owner")]),
    ("ID,title\nR1,x\n", [(1, "owner")]),  # only title and owner are required columns
    ("ID,title,description,owner,probability,impact,response,status\n", [(2, "row")]),
    ("ID,title,description,owner,probability,impact,response,status\nR1,,x,,four,2,,open\n"
     "R2,y,,bo,1,1,,open\nr2,z,,bo,1,1,,open\n",
     [(2, "title"), (2, "owner"), (2, "probability"), (4, "ref")]),
    ("ID,title,description,owner,probability,impact,response,status\nR1,x,,bo,2,,,open\n", [(2, "impact")]),
    ("ID,title,description,owner,probability,impact,response,status,project\nR1,x,,bo,1,1,,open,NOPE\n",
     [(2, "project")]),
    ("ID,title,description,owner,probability,impact,response,status,review_date,kind\n"
     "R1,x,,bo,1,1,,open,31/12/2026,threat\nR2,y,,bo,1,1,exploit,open,,threat\n",
     [(2, "review_date"), (3, "response")]),
    ("ID,title,description,owner,probability,impact,response,status\nR1,x,,,1,1,,open\n", [(2, "owner")]),
])
def test_each_kind_of_problem_points_at_its_cell(enabled, target, text, expected):
    with command_context("pmo-user"):
        report = importer.import_register(enabled, text, target)
    assert [(e.line, e.column) for e in report.errors] == expected


def test_rows_naming_a_place_keep_it_and_the_others_go_to_the_target(enabled, places, target):
    text = ("ID,title,owner,project,programme,score\n"
            "R1,Ours,bo,,,12\n"                  # no place: the target's, P-OWN
            "R1,Theirs,bo,P-OTHER,,4\n"           # its own project: R1 there is another risk
            "R1,The programme's,bo,,PRG,6\n"
            "R2,Both,bo,P-OWN,PRG,6\n")
    with command_context("pmo-user"):
        refused = importer.import_register(enabled, text, target)
        assert [(e.line, e.column) for e in refused.errors] == [(5, "programme")]
        report = importer.import_register(enabled, text.rpartition("R2,")[0], target)
    assert report.ok and report.imported == 3 and report.ignored == ["score"]  # the ledger computes scores
    assert {r["title"]: r["where"] for r in queries.list_risks(enabled, status="all")} == {
        "Ours": "P-OWN", "Theirs": "P-OTHER", "The programme's": "Programme PRG"}


def test_the_export_names_each_risk_s_place_as_the_import_reads_it(enabled, places, target):
    text = "ID,title,owner,project,programme\nR1,Ours,bo,P-OWN,\nR2,The programme's,bo,,PRG\n"
    with command_context("pmo-user"):
        assert importer.import_register(enabled, text, target).ok
    head = list(importer.EXPORT_COLUMNS)
    places_of = {row[head.index("title")]: (row[head.index("project")], row[head.index("programme")])
                 for row in importer.export_rows(enabled)}
    # A project's risk names only its project (not also the project's programme: the import
    # refuses a row naming both), a programme's risk its programme.
    assert places_of == {"Ours": ("P-OWN", ""), "The programme's": ("", "PRG")}


def test_a_programme_target_takes_the_rows_without_a_place(enabled, places):
    with command_context("pmo-user"):
        report = importer.import_register(enabled, "title,owner\nVendor lock-in,bo\n",
                                          importer.Target("programme", None, places["PRG"]))
    assert report.ok, report.errors
    [risk] = queries.list_risks(enabled, status="all")
    assert (risk["ref"], risk["where"]) == ("R-001", "Programme PRG")


def test_multi_line_cells_keep_line_numbers_right(enabled, target):
    text = ('ID,title,description,owner,probability,impact,response,status\n'
            'R1,x,"first line\nsecond line",bo,1,1,,open\n'
            'R2,y,,bo,1,0,,open\n')
    with command_context("pmo-user"):
        report = importer.import_register(enabled, text, target)
    assert [(e.line, e.column) for e in report.errors] == [(4, "impact")]


def test_the_cli_imports_as_the_actor_given_with_as(tmp_path):
    from web.cli import make_cli

    cli = make_cli(entry_points=False)
    url = f"sqlite:///{tmp_path}/cli.sqlite"  # the CLI opens its own store
    runner = CliRunner()

    def run(*args):
        return runner.invoke(cli, ["--store", url, *args], catch_exceptions=False)

    assert run("--as", "tove", "init").exit_code == 0
    assert run("--as", "tove", "plugins", "enable", "risk", "--reason", "register").exit_code == 0
    from core.services.projects import register_project
    from web.tenancy import open_pmo

    pmo = open_pmo(url, entry_points=False)
    with command_context("tove"):
        register_project(pmo, "P-1", "Portal")
    pmo.close()
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_text(BAD)
    good.write_text(GOOD)

    result = run("--as", "saga", "risk", "import", str(bad), "--project", "P-1")
    assert result.exit_code == 1
    assert "bad.csv: line 3, impact: must be from 1 to 5" in result.stderr
    assert "nothing was imported" in result.stderr
    dry = run("--as", "saga", "risk", "import", str(good), "--project", "P-1", "--dry-run")
    assert dry.exit_code == 0 and "All 3 risks in good.csv are valid. Nothing is imported yet." in dry.stdout
    done = run("--as", "saga", "risk", "import", str(good), "--project", "P-1")
    assert done.exit_code == 0 and "Imported 3 risks from good.csv" in done.stdout

    pmo = open_pmo(url, entry_points=False)
    try:
        assert {actor for _t, actor in events_by(pmo, "risk.Risk")} == {"saga"}
        assert len(queries.list_risks(pmo, status="all")) == 3
    finally:
        pmo.close()
    exported = run("risk", "export", "--format", "csv")
    assert exported.exit_code == 0 and exported.stdout.count("\n") == 4
    xlsx = tmp_path / "r.xlsx"
    assert run("risk", "export", "--format", "xlsx", "--output", str(xlsx)).exit_code == 0
    assert xlsx.stat().st_size > 0


def test_the_upload_form_is_for_pmo_and_admin_with_size_and_type_limits(enabled, places, sign_in, client):
    def upload(data: bytes, name: str = "register.csv", mimetype: str = "text/csv", mode: str = "no"):
        page = client.get("/risks/import").get_data(as_text=True)
        return client.post("/risks/import", content_type="multipart/form-data", data={
            "csrf_token": csrf_token_from(page), "where": str(places["P-OWN"]), "dry_run": mode,
            "file": (io.BytesIO(data), name, mimetype)})

    sign_in("manager")
    assert client.get("/risks/import").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/").get_data(as_text=True))})
    sign_in("pmo")
    refused = upload(b"\x89PNG\r\n", "photo.png", "image/png")
    assert refused.status_code == 422 and "Only .csv files" in refused.get_data(as_text=True)
    assert upload(b"x" * (importer.MAX_BYTES + 10)).status_code == 422
    bad = upload(BAD.encode())
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and page.count('<tr class="import-error">') == 3
    assert "<td>3</td><td>impact</td>" in page
    assert queries.list_risks(enabled, status="all") == []
    checked = upload(GOOD.encode(), mode="yes")
    assert checked.status_code == 200 and "Nothing is imported yet" in checked.get_data(as_text=True)
    done = upload(GOOD.encode("utf-8-sig"))
    assert done.status_code == 303
    assert {actor for _t, actor in events_by(enabled, "risk.Risk")} == {"pmo-user"}


def test_the_api_import(enabled, places, as_):
    def post(caller, text: str, query: str = ""):
        return caller.post(f"/api/risks/import?project=P-OWN{query}", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(text.encode()), "r.csv")})

    problem(post(as_("manager"), GOOD), 403)
    bad = problem(post(as_("pmo"), BAD), 422)
    assert bad["errors"]["line 5"] == ["status: must be one of open, closed, not 'maybe'",
                                       "response: start with a strategy: avoid, reduce, transfer, exploit, "
                                       "enhance, share, accept"]
    dry = post(as_("pmo"), GOOD, "&dry_run=true")
    assert dry.status_code == 200 and dry.get_json()["imported"] == 0
    done = post(as_("pmo"), GOOD)
    assert done.get_json()["imported"] == 3 and len(done.get_json()["risk_ids"]) == 3
