"""Spreadsheets in and out without the web: reading CSV and XLSX, matching columns to fields,
checking every row of projects, milestones and actions, importing all of them or none, and
writing a table as CSV or XLSX."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta, timezone

import pytest
from openpyxl import Workbook, load_workbook

from core import queries
from core.importing import FileRefused, Table, import_file, read_table
from core.importing.columns import auto_map, overrides
from core.importing.kinds import PROJECT_FIELDS, stages_to
from core.importing.readers import MAX_BYTES, MAX_ROWS
from core.importing.writers import to_csv, to_xlsx
from core.services import logs, portfolio, projects, reporting
from events.context import command_context


def xlsx(*rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def office(pmo):
    """A programme DIG, an active project P-1 with milestone 'Go live' and action 'Call IT', and a
    closed project P-OLD."""
    with command_context("pia", "setup"):
        portfolio.register_programme(pmo, "DIG", "Digital")
        one = projects.register_project(pmo, "P-1", "Portal")
        old = projects.register_project(pmo, "P-OLD", "Old intranet")
        projects.move_project_to_stage(pmo, old.id, "cancelled", "Not needed")
        reporting.plan_milestone(pmo, one.id, "Go live", date(2026, 6, 1))
        logs.assign_action(pmo, "Call IT", "pia", project_id=one.id)
    return pmo


def check(pmo, kind: str, data: bytes, name: str = "file.csv", **kwargs):
    with command_context("saga", "spring clean-up", "import-correlation"):
        return import_file(pmo, kind, data, name, **kwargs)


def problems(report) -> list[tuple[int, str]]:
    return [(e.line, e.column) for e in report.errors]


# --- reading --------------------------------------------------------------------------------

def test_csv_with_semicolons_a_bom_blank_rows_and_a_multi_line_cell():
    text = '\ufeffCode;Name;Description\nP-1;Portal;"two\nlines"\n\n;;\nP-2;Payroll\n'
    sheet = read_table(text.encode(), "projects.csv")
    assert sheet.header == ["Code", "Name", "Description"]
    # Rows are numbered by the line they start on; a short row is padded with empty cells.
    assert sheet.rows == [(2, ["P-1", "Portal", "two\nlines"]), (6, ["P-2", "Payroll", ""])]


def test_xlsx_cells_keep_dates_and_read_whole_numbers_as_text():
    data = xlsx(["Code", "Name", "Start", "Budget"], [None, None, None, None],
                [42, "Portal", datetime(2026, 3, 1), 12.5], ["P-2", "Payroll", datetime(2026, 3, 1, 9, 30), 7.0])
    sheet = read_table(data, "projects.xlsx")
    assert sheet.rows == [(3, ["42", "Portal", date(2026, 3, 1), "12.5"]),
                          (4, ["P-2", "Payroll", datetime(2026, 3, 1, 9, 30), "7"])]


@pytest.mark.parametrize("data, name, message", [
    (b"x", "photo.png", "Only .csv files and .xlsx workbooks"),
    (b"x", "old.xls", "Old .xls workbooks"),
    ("Name\nÅsa\n".encode("cp1252"), "names.csv", "not UTF-8"),
    (b"Name\n\x00\n", "names.csv", "not a CSV text file"),
    (b"Code,Name\n", "renamed.xlsx", "not an .xlsx workbook"),
    (b"PK\x03\x04broken", "broken.xlsx", "damaged"),
    (b"a" * (MAX_BYTES + 1), "big.csv", "larger than"),
])
def test_files_that_cannot_be_read_are_refused_with_one_message(data, name, message):
    with pytest.raises(FileRefused, match=message) as refused:
        read_table(data, name)
    assert refused.value.field == "file"


def test_a_nameless_upload_is_sniffed_and_rows_beyond_the_limit_are_a_problem():
    assert read_table(xlsx(["Code"], ["P-1"]), "upload").rows == [(2, ["P-1"])]
    many = "Code\n" + "\n".join(f"P-{n}" for n in range(MAX_ROWS + 1)) + "\n"
    sheet = read_table(many.encode(), "upload")
    assert len(sheet.rows) == MAX_ROWS and "split the file" in sheet.errors[0].message


def test_columns_are_matched_by_heading_and_can_be_remapped():
    header = ["Project Code", "TITLE", "Kick-off", "Notes", "Programme"]
    assert auto_map(header, PROJECT_FIELDS) == {0: "code", 1: "name", 4: "programme"}
    mapping, errors = overrides(header, {"kick off": "start_date", "Programme": "", "Notes": "colour",
                                         "Missing": "name"}, PROJECT_FIELDS)
    assert mapping == {0: "code", 1: "name", 2: "start_date"}
    assert [(e.line, e.column) for e in errors] == [(1, "Notes"), (1, "Missing")]


def test_stages_are_reached_gate_by_gate():
    assert stages_to("idea") == []
    assert stages_to("active") == ["proposed", "approved", "active"]
    assert stages_to("closed") == ["proposed", "approved", "active", "closed"]
    assert stages_to("cancelled") == ["cancelled"]


# --- projects -------------------------------------------------------------------------------

def test_every_problem_of_a_projects_file_is_named_and_nothing_is_written(office):
    head = office.ledger.max_position()
    text = ("Code,Name,Programme,Start date,End date,Stage\n"
            "P-2,Portal two,DIG,2026-01-01,2026-12-31,active\n"     # fine
            "P-3,,NOPE,31/12/2026,,launched\n"                      # no name, programme, date, stage
            "p-2,Copy,,,,\n"                                        # the same code as row 2
            "P-1,Taken,,,,\n"                                       # already in the ledger
            "bad code,Spaces,,2026-02-01,2026-01-01,\n"             # a code with a space; end before start
            f"P-4,{'x' * 201},,,,\n")                               # longer than the column
    report = check(office, "projects", text.encode())
    # Each row's every problem: a row with a bad date still learns that its programme is unknown.
    assert problems(report) == [(3, "name"), (3, "start_date"), (3, "stage"), (3, "programme"), (4, "code"),
                                (5, "code"), (6, "code"), (6, "end_date"), (7, "name")]
    messages = {(e.line, e.column): e.message for e in report.errors}
    assert messages[(3, "start_date")] == "'31/12/2026' is not a date: write it as YYYY-MM-DD, e.g. 2026-03-31"
    assert messages[(4, "code")] == "'p-2' is also on row 2"
    assert messages[(5, "code")] == "project P-1 is already registered"
    assert "nothing was imported" in report.summary() and report.imported == 0
    assert office.ledger.max_position() == head
    assert queries.get_project(office, "P-2") is None


def test_a_clean_projects_file_is_one_batch_by_the_importer_with_the_file_as_reason(office):
    data = xlsx(["Code", "Name", "Programme", "Manager", "Start date", "Stage", "Colour"],
                ["P-2", "Portal two", "dig", "joris", datetime(2026, 1, 5), "Active", "blue"],
                ["P-3", "Payroll", None, None, None, None, "red"])
    head = office.ledger.max_position()
    dry = check(office, "projects", data, "portfolio.xlsx")
    assert dry.ok and dry.rows == 2 and dry.imported == 0 and dry.ignored == ["Colour"]
    assert office.ledger.max_position() == head  # a dry run writes nothing

    done = check(office, "projects", data, "portfolio.xlsx", dry_run=False)
    assert done.ok and done.imported == 2 and done.events == 5  # registered x2, three gates for P-2
    two = queries.get_project(office, "P-2")
    assert (two["stage"], two["manager"], two["start_date"]) == ("active", "joris", date(2026, 1, 5))
    assert two["programme_id"] == queries.list_programmes(office)[0]["id"]
    assert queries.get_project(office, "P-3")["stage"] == "idea"
    records = office.log_index.table
    with office.read() as conn:
        rows = conn.execute(records.select().where(records.c.position > head).order_by(records.c.position)).all()
    assert [r.position for r in rows] == list(range(head + 1, head + 6))
    assert {(r.actor, r.reason, r.correlation_id) for r in rows} == {
        ("saga", "Imported from portfolio.xlsx: spring clean-up", "import-correlation")}


# --- milestones and actions -----------------------------------------------------------------

def test_milestones_check_their_project_and_keep_forecast_and_actual_dates(office):
    text = ("Project,Milestone,Baseline,Forecast,Actual\n"
            "P-1,Design signed off,2026-02-01,,2026-02-03\n"
            "P-1,Pilot,2026-04-01,2026-05-01,\n"
            "P-1,go live,2026-07-01,,\n"                  # P-1 has 'Go live' already
            "P-OLD,Hand-over,2026-03-01,,\n"              # a cancelled project
            "P-9,Kick-off,2026-03-01,,\n"                 # no such project
            "P-1,Pilot,2026-04-02,,\n"                    # the same milestone twice
            ",Nameless,,,\n")                             # no project, no baseline
    bad = check(office, "milestones", text.encode())
    assert problems(bad) == [(4, "name"), (5, "project"), (6, "project"), (7, "name"), (8, "project"),
                             (8, "baseline_date")]
    good = "\n".join(text.splitlines()[:3]).encode()
    assert check(office, "milestones", good, dry_run=False).imported == 2
    by_name = {m["name"]: m for m in queries.list_milestones(office)}
    assert by_name["Design signed off"]["actual_date"] == date(2026, 2, 3)
    assert (by_name["Pilot"]["forecast_date"], by_name["Pilot"]["slippage_days"]) == (date(2026, 5, 1), 30)


def test_actions_take_priority_status_and_outcome_and_may_be_portfolio_wide(office):
    text = ("Action;Owner;Due;Project;Priority;Status;Outcome\n"
            "Book the room;pia;2026-03-01;;HIGH;;\n"
            "Send minutes;bo;;P-1;;done;Sent on time\n"
            "Order badges;bo;;P-1;;cancelled;Not needed\n"
            "call it;pia;;P-1;;;\n"                      # P-1 has 'Call IT' already
            "Tidy up;;;P-1;urgent;closed;\n")            # no owner, unknown priority and status
    bad = check(office, "actions", text.encode())
    assert problems(bad) == [(5, "title"), (6, "owner"), (6, "priority"), (6, "status")]
    good = "\n".join(text.splitlines()[:4]).encode()
    assert check(office, "actions", good, dry_run=False).imported == 3
    rows = {a["title"]: a for a in queries.list_actions(office)}
    assert (rows["Book the room"]["project_id"], rows["Book the room"]["priority"]) == (None, "high")
    assert (rows["Send minutes"]["status"], rows["Send minutes"]["outcome"]) == ("done", "Sent on time")
    assert rows["Order badges"]["status"] == "cancelled"


def test_a_required_field_without_a_column_stops_at_the_header(office):
    report = check(office, "actions", b"Task,Notes\nCall,x\n")
    assert problems(report) == [(1, "owner")]
    assert problems(check(office, "actions", b"Task,Notes\n")) == [(1, "owner")]
    assert problems(check(office, "actions", b"Task,Who\n")) == [(2, "row")]  # a header but no rows
    # The preview's mapping names a field for two columns.
    assert problems(check(office, "actions", b"Task,Who\nCall,pia\n", columns={0: "title", 1: "title"})) == [
        (1, "title"), (1, "owner")]


# --- writing --------------------------------------------------------------------------------

def test_tables_are_written_as_csv_and_xlsx_with_formulas_kept_as_text():
    moment = datetime(2026, 3, 1, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    table = Table("Projects: [all]", ["Code", "Due", "Recorded", "Late", "Count"], [
        ["=HYPERLINK(\"x\")", date(2026, 3, 1), moment, True, 3], ["-1", None, None, False, None]])
    assert to_csv(table).decode().splitlines() == [
        "Code,Due,Recorded,Late,Count", '"\'=HYPERLINK(""x"")",2026-03-01,2026-03-01T09:00:00Z,yes,3', "-1,,,no,"]
    sheet = load_workbook(io.BytesIO(to_xlsx(table))).active
    assert sheet.title == "Projects   all"
    assert list(sheet.values) == [("Code", "Due", "Recorded", "Late", "Count"),
                                  ("'=HYPERLINK(\"x\")", datetime(2026, 3, 1), datetime(2026, 3, 1, 9), "yes", 3),
                                  ("-1", None, None, "no", None)]
