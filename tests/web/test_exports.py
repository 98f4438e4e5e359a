"""Every list page exports, as CSV and XLSX, exactly the rows it shows: the same filters, the
same order, the same moment (``as_of``), with a download link on the page."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

import pytest
from openpyxl import load_workbook

from events.context import command_context
from tests.web.views.conftest import seeded, sign_in  # noqa: F401  (fixtures)

TITLE = r'<th scope="row"><a href="[^"]*">([^<]+)</a>'
# page: (query, what identifies a row on the page, the export's column holding it)
LISTS = {
    "/projects": ({"q": "P-"}, r'<span class="code">([^<]+)</span>', "Code"),
    "/actions": ({"owner": "pia"}, TITLE, "Action"),
    "/decisions": ({"project": "P-OWN"}, TITLE, "Title"),
    "/programmes": ({}, r'<td><a class="code" href="[^"]*">([^<]+)</a></td>', "Code"),
    "/ledger": ({"actor": "pia"}, r'<td class="num">(\d+)</td>', "Position"),
    "/risks/issues/": ({"status": "all"}, r'<td class="code">([^<]+)</td>', "ref"),
    "/risks/": ({"status": "all", "sort": "title"}, r'<td class="code">([^<]+)</td>', "ID"),
}
EXPORT_OF = {"/risks/issues/": "/risks/issues/export", "/risks/": "/risks/export"}


@pytest.fixture
def history(app, seeded, people):  # noqa: F811
    """The seeded PMO with the risk plugin, a moment ``then``, and changes made after it."""
    from core.services import logs, portfolio, projects
    from core.services.plugins import enable_plugin
    from plugins.risk import services as risk
    from web.tenancy import current_pmo

    own = seeded.own["id"]
    with app.app_context(), command_context("pia", "history"):
        pmo = current_pmo()
        enable_plugin(pmo, "risk")
        risk.identify_risk(pmo, "Supplier fails", "pia", scope="project", project_id=own, probability=3, impact=4)
        risk.raise_issue(pmo, "Server room floods", "pia", project_id=own)
        then = datetime.now(timezone.utc)
        projects.register_project(pmo, "P-LATER", "Registered after the moment")
        portfolio.register_programme(pmo, "LATE", "Later programme")
        logs.assign_action(pmo, "Assigned later", "pia", project_id=own)
        logs.close_action(pmo, seeded.overdue_action.id, "Chased")
        logs.record_decision(pmo, "Decided later", "Yes", "board", then.date(), project_id=own)
        risk.identify_risk(pmo, "Later risk", "pia", scope="project", project_id=own)
        risk.raise_issue(pmo, "Later issue", "pia", project_id=own)
    return then


def exported(client, path: str, query: dict, fmt: str) -> list[dict]:
    answer = client.get(f"{EXPORT_OF.get(path, path)}?{urlencode({**query, 'format': fmt})}")
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    assert "attachment" in answer.headers["Content-Disposition"]
    if fmt == "csv":
        assert answer.content_type == "text/csv; charset=utf-8"
        return list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    rows = list(load_workbook(io.BytesIO(answer.data)).active.values)
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_each_list_exports_the_rows_it_shows_under_a_filter_and_as_of(client, sign_in, history):  # noqa: F811
    sign_in("admin")  # the ledger is for auditors and admins; every list is open to the admin
    for path, (query, on_page, column) in LISTS.items():
        counts = []
        for moment in (history.isoformat(), None):
            shown_query = {**query, **({"as_of": moment} if moment else {})}
            page = client.get(f"{path}?{urlencode(shown_query)}").get_data(as_text=True)
            shown = re.findall(on_page, page)
            assert shown, f"{path} shows no rows"
            assert "Export CSV" in page and "Export XLSX" in page
            for fmt in ("csv", "xlsx"):
                rows = exported(client, path, shown_query, fmt)
                assert [str(r[column]) for r in rows] == shown, (path, moment, fmt)
            counts.append(len(shown))
        then, now = counts
        assert then < now, path  # as of the moment, what was recorded later is left out


def test_an_export_as_of_a_moment_shows_the_list_then_and_bad_requests_are_refused(
        client, sign_in, history):  # noqa: F811
    sign_in("viewer")
    then = exported(client, "/actions", {"owner": "pia", "status": "open", "as_of": history.isoformat()}, "csv")
    now = exported(client, "/actions", {"owner": "pia", "status": "open"}, "csv")
    assert "Chase supplier contract" not in [r["Action"] for r in now]   # closed since
    overdue = next(r for r in then if r["Action"] == "Chase supplier contract")
    assert (overdue["Overdue"], overdue["Project"], overdue["Status"]) == ("yes", "P-OWN", "open")
    # A bad format is refused, and so is a bad as_of: a file silently "as of now" would mislead.
    assert client.get("/projects?format=pdf").status_code == 400
    assert client.get("/projects?format=csv&as_of=yesterday-ish").status_code == 422
    tomorrow = (datetime.now(timezone.utc) + timedelta(days=1)).date().isoformat()
    assert client.get(f"/projects?format=xlsx&as_of={tomorrow}").status_code == 200
