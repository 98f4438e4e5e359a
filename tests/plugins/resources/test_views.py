"""The pages as a person uses them: register, allocate (and be warned), the heat map, the
project's team panel, forgetting, the import's dry run; each as of a moment too."""
from __future__ import annotations

import io
import re
from datetime import date

from events.context import command_context
from plugins.resources import capacity as cap
from plugins.resources import queries, services
from tests.conftest import csrf_token_from

NEXT = cap.add_months(cap.month_start(date.today()), 1)


def submit(client, url: str, data: dict, **kw):
    """Open the form, then post it with the page's CSRF token."""
    page = client.get(url)
    assert page.status_code == 200, page.get_data(as_text=True)
    return client.post(url, data={**data, "csrf_token": csrf_token_from(page.get_data(as_text=True))}, **kw)


def cells(html: str) -> dict[tuple[str, str], tuple[float, float, str]]:
    """The heat map's cells: (row, month) -> (capacity, demand, status), as the SVG carries them."""
    found = re.findall(r'<g class="cell status-(\w+)" data-row="([^"]+)" data-month="([\d-]+)" '
                       r'data-capacity="([\d.]+)" data-demand="([\d.]+)">', html)
    return {(row, month): (float(c), float(d), status) for status, row, month, c, d in found}


def test_register_allocate_beyond_capacity_and_see_it_on_the_heat_map_and_the_team_panel(enabled, places, sign_in):
    client = sign_in("pmo")
    response = submit(client, "/resources/people/new", {"name": "Anna Berg", "email": "anna@example.org",
                                                       "role": "Business analyst", "department": "Digital",
                                                       "hours_per_week": "40"})
    assert response.status_code == 303, response.get_data(as_text=True)
    anna = queries.list_people(enabled)[0]["id"]
    first, second = NEXT, cap.add_months(NEXT, 1)
    for code, percent in (("P-OWN", "80"), ("P-OTHER", "40")):
        response = submit(client, f"/resources/allocations/new?project={code}&person={anna}", {
            "person_id": str(anna), "project_id": str(places[code]), "start_date": first.isoformat(),
            "end_date": cap.month_end(second).isoformat(), "percent": percent}, follow_redirects=True)
        assert response.status_code == 200
    page = response.get_data(as_text=True)
    # The second allocation is recorded, and the page says where it over-books her: both months.
    full = cap.full_time_hours(first)
    assert (f"Over-allocated: Anna Berg is booked {round(1.2 * full, 1)} h of {full} h in {cap.label(first)} by "
            f"P-OWN ({round(0.8 * full, 1)} h), P-OTHER ({round(0.4 * full, 1)} h)") in page
    assert f"in {cap.label(second)} by" in page and "Allocation recorded." in page
    assert len(queries.list_allocations(enabled, person_id=anna)) == 2
    heat = client.get(f"/resources/heatmap?start={cap.label(first)}&months=3").get_data(as_text=True)
    assert {k: v for k, v in cells(heat).items() if k[0] == str(anna)} == {
        (str(anna), cap.label(m)): (cap.full_time_hours(m), round(load * cap.full_time_hours(m), 1), state)
        for m, load, state in ((first, 1.2, "over"), (second, 1.2, "over"), (cap.add_months(NEXT, 2), 0, "under"))}
    assert '<svg class="chart resources-heatmap"' in heat and f"Anna Berg, {cap.label(first)}: " in heat
    panel = client.get("/projects/P-OWN").get_data(as_text=True)
    assert "Team (1)" in panel and "Anna Berg" in panel and "80%" in panel
    # As of a moment before the allocations, nobody was booked.
    before = client.get(f"/resources/heatmap?start={cap.label(first)}&months=1&as_of=2020-01-01").get_data(as_text=True)
    assert cells(before) == {}


def test_bad_input_re_shows_the_form_with_422_and_writes_nothing(enabled, places, sign_in):
    with command_context("pmo-user", "hiring"):
        anna = services.register_person(enabled, "Anna Berg", "anna@example.org", "Analyst")
    client = sign_in("manager")
    head = enabled.ledger.max_position()
    both = submit(client, "/resources/allocations/new", {"person_id": str(anna.id), "project_id": str(places["P-OWN"]),
                                                         "start_date": "2026-05-01", "end_date": "2026-04-01",
                                                         "percent": "50"})
    assert both.status_code == 422 and "the period ends before it starts" in both.get_data(as_text=True)
    other = submit(client, "/resources/allocations/new", {"person_id": str(anna.id),
                                                          "project_id": str(places["P-OTHER"])})
    assert other.status_code == 403
    assert client.get("/resources/people/new").status_code == 403  # people's records: pmo and admin
    assert enabled.ledger.max_position() == head


def test_forgetting_through_the_page_leaves_a_forgotten_person_in_the_plan(enabled, places, sign_in):
    with command_context("pmo-user", "hiring"):
        anna = services.register_person(enabled, "Anna Berg", "anna@example.org", "Analyst")
        services.allocate(enabled, anna.id, places["P-OWN"], NEXT, cap.month_end(NEXT), percent=50)
    client = sign_in("admin")
    refused = submit(client, f"/resources/people/{anna.id}/forget", {"reason": ""})
    assert refused.status_code == 422 and queries.get_person(enabled, anna.id)["name"] == "Anna Berg"
    done = submit(client, f"/resources/people/{anna.id}/forget", {"reason": "erasure request 7"},
                  follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "Anna Berg" not in page and "anna@example.org" not in page and 'id="forgotten-notice"' in page
    for url in ("/resources/", "/resources/allocations/", "/resources/heatmap", "/projects/P-OWN",
                "/resources/?format=csv"):
        shown = client.get(url).get_data(as_text=True)
        assert "Anna Berg" not in shown and "forgotten person" in shown, url


def test_the_import_page_dry_run_lists_bad_rows_and_imports_nothing(enabled, sign_in):
    client = sign_in("pmo")
    data = b"name,email,role\nAnna Berg,anna@example.org,Analyst\nBo Ek,not-an-email,Developer\n"
    page = client.get("/resources/import")
    response = client.post("/resources/import", data={
        "kind": "people", "dry_run": "no", "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        "file": (io.BytesIO(data), "people.csv")}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "nothing was imported" in html
    assert '<tr class="import-error"><td>3</td><td>email</td>' in html
    assert queries.list_people(enabled) == []
