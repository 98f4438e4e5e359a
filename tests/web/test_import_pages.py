"""The PMO officer imports a spreadsheet through the pages: upload, preview (columns, first
rows, every problem by row and field), then one click imports every row in one batch."""
from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook

from core import queries
from core.importing import MAX_BYTES
from events.context import command_context
from tests.conftest import csrf_token_from
from tests.web.views.conftest import sign_in  # noqa: F401  (a fixture)

SELECT = re.compile(r'<select id="column-(\d+)" name="column-\d+">(.*?)</select>', re.S)
CHOSEN = re.compile(r'<option value="(\w*)" selected>')


def workbook(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def portfolio_xlsx(count: int) -> bytes:
    """An export from the PMO's old spreadsheet: its own headings, and a column we don't need."""
    return workbook([["Project code", "Project name", "Programme", "Project manager", "Start", "End date",
                      "Stage", "Budget (kEUR)"]] + [
        [f"P-{n:03}", f"Project {n}", "DIGI" if n % 2 else None, "joris", datetime(2026, 1, 1 + n % 28),
         "2026-12-31", ("idea", "proposed", "active", "closed")[n % 4], 100 + n] for n in range(count)])


@pytest.fixture
def pmo_officer(app, people, sign_in):  # noqa: F811
    from core.services import portfolio
    from web.tenancy import current_pmo

    with app.app_context(), command_context("setup", "fixture"):
        portfolio.register_programme(current_pmo(), "DIGI", "Digital services")
    sign_in("pmo")
    return people["pmo"]["username"]


def upload(client, kind: str, data: bytes, name: str, **form):
    token = csrf_token_from(client.get(f"/imports/{kind}").get_data(as_text=True))
    return client.post(f"/imports/{kind}", content_type="multipart/form-data",
                       data={"csrf_token": token, "intent": "check", "file": (io.BytesIO(data), name), **form})


def preview_form(page: str) -> dict[str, str]:
    """What the preview form posts back: the carried file and each column's chosen field."""
    form = {name: re.search(rf'name="{name}" value="([^"]*)"', page).group(1)
            for name in ("csrf_token", "upload", "filename", "mapped")}
    for index, options in SELECT.findall(page):
        chosen = CHOSEN.search(options)
        form[f"column-{index}"] = chosen.group(1) if chosen else ""
    return form


def problems(page: str) -> list[tuple[str, str]]:
    """(row, field label) of every problem listed."""
    return re.findall(r'<tr class="import-error"><td class="num">(\d+|–)</td><td>([^<]*)</td>', page)


def head(app) -> int:
    from web.tenancy import current_pmo

    with app.app_context():
        return current_pmo().ledger.max_position()


def test_200_projects_from_xlsx_import_in_one_step_after_the_preview(app, client, pmo_officer):
    before = head(app)
    preview = upload(client, "projects", portfolio_xlsx(200), "old-portfolio.xlsx")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "All 200 projects in old-portfolio.xlsx are valid. Nothing is imported yet." in page
    form = preview_form(page)
    # Headings were matched to fields; the budget column is not imported.
    assert [form[f"column-{i}"] for i in range(8)] == [
        "code", "name", "programme", "manager", "start_date", "end_date", "stage", ""]
    assert head(app) == before and "Import 200 projects</button>" in page

    done = client.post("/imports/projects", content_type="multipart/form-data", data={**form, "intent": "import"})
    assert done.status_code == 303 and done.headers["Location"].endswith("/projects")
    landing = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Imported 200 projects from old-portfolio.xlsx" in landing
    with app.app_context():
        from web.tenancy import current_pmo

        pmo = current_pmo()
        rows = {p["code"]: p for p in queries.list_projects(pmo)}
        assert len(rows) == 200
        assert (rows["P-003"]["stage"], rows["P-003"]["manager"]) == ("closed", "joris")
        assert rows["P-001"]["programme_id"] is not None and rows["P-002"]["programme_id"] is None
        # One batch: consecutive positions, one request, by the officer, the file as the reason.
        records = queries.events_for_correlation(pmo, done.headers["X-Correlation-ID"])
    assert [r["position"] for r in records] == list(range(before + 1, head(app) + 1))
    assert len(records) == 200 + 50 * (1 + 3 + 4)
    assert {(r["actor"], r["reason"]) for r in records} == {(pmo_officer, "Imported from old-portfolio.xlsx")}


def test_a_file_with_problems_lists_each_by_row_and_imports_nothing(app, client, pmo_officer):
    text = ("Code,Name,Start date,End date,Stage,Programme\n"
            "P-1,Portal,2026-01-01,2026-06-30,active,DIGI\n"
            "P-2,,2026-13-01,,launched,NOPE\n"
            "P-1,Again,,,,\n")
    before = head(app)
    preview = upload(client, "projects", text.encode(), "projects.csv", reason="Spring clean-up")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 422
    assert "5 problems in projects.csv: nothing was imported." in page
    assert problems(page) == [("3", "Name"), ("3", "Start date"), ("3", "Stage"), ("3", "Programme"), ("4", "Code")]
    assert "Import 1 project" not in page  # no import button until the file is clean
    # Posting the import anyway (a stale page, a crafted request) still imports nothing.
    forced = client.post("/imports/projects", content_type="multipart/form-data",
                         data={**preview_form(page), "intent": "import"})
    assert forced.status_code == 422 and len(problems(forced.get_data(as_text=True))) == 5
    assert head(app) == before


def test_a_column_the_import_did_not_recognise_is_mapped_in_the_preview(app, client, pmo_officer):
    text = "Task,Verantwortlich,Fällig\nBook the room,pia,2026-03-01\nSend minutes,bo,\n"
    first = upload(client, "actions", text.encode("utf-8"), "acties.csv")
    page = first.get_data(as_text=True)
    assert first.status_code == 422 and problems(page) == [("1", "Owner")]
    form = {**preview_form(page), "column-1": "owner", "column-2": "due_date", "intent": "check"}
    again = client.post("/imports/actions", content_type="multipart/form-data", data=form)
    assert again.status_code == 200 and "All 2 actions in acties.csv are valid" in again.get_data(as_text=True)
    done = client.post("/imports/actions", content_type="multipart/form-data", data={**form, "intent": "import"})
    assert done.status_code == 303
    with app.app_context():
        from web.tenancy import current_pmo

        owners = {a["title"]: (a["owner"], a["due_date"]) for a in queries.list_actions(current_pmo())}
    assert owners["Book the room"][0] == "pia" and str(owners["Book the room"][1]) == "2026-03-01"


def test_uploads_are_limited_in_type_and_size_with_a_clear_message(client, pmo_officer):
    refused = upload(client, "milestones", b"\x89PNG\r\n", "plan.png")
    assert refused.status_code == 422
    assert "Only .csv files and .xlsx workbooks can be imported." in refused.get_data(as_text=True)
    large = upload(client, "milestones", b"x" * (MAX_BYTES + 1), "plan.csv")
    assert large.status_code == 422 and "larger than 1024 KB" in large.get_data(as_text=True)
    # Over the server's own limit the view never runs: the upload form says why.
    huge = upload(client, "milestones", b"x" * (3 * 1024 * 1024), "plan.csv")
    assert huge.status_code == 413 and "at most 1024 KB" in huge.get_data(as_text=True)
    nothing = client.post("/imports/milestones", data={
        "csrf_token": csrf_token_from(client.get("/imports/milestones").get_data(as_text=True))})
    assert nothing.status_code == 422 and "Choose a CSV or XLSX file." in nothing.get_data(as_text=True)


def test_the_templates_carry_the_headings_the_import_recognises(client, pmo_officer):
    index = client.get("/imports").get_data(as_text=True)
    assert index.count("Empty XLSX template") == 3
    sheet = load_workbook(io.BytesIO(client.get("/imports/milestones/template?format=xlsx").data)).active
    assert next(sheet.values) == ("Project", "Milestone", "Baseline date", "Forecast date", "Actual date",
                                  "Description")
    assert client.get("/imports/actions/template?format=csv").get_data(as_text=True).startswith("Action,Owner,")
