"""The JSON API as a script uses it: people, allocations with their warnings, demand, the heat
map and search as of a moment, forgetting, and the import with its dry run."""
from __future__ import annotations

import io
from datetime import datetime, timezone
from urllib.parse import quote

from openpyxl import Workbook

from tests.plugins.resources.conftest import answer

API = "/api/resources"


def register(caller, name="Anna Berg", email="anna@example.org", role="Business analyst", **more) -> dict:
    return answer(caller.post(f"{API}/people", json={"name": name, "email": email, "role": role, **more}), 201)


def test_allocating_beyond_capacity_is_recorded_with_warnings_naming_month_and_projects(enabled, places, as_):
    anna = register(as_("pmo"), hours_per_week=32)
    assert answer(as_("manager").post(f"{API}/people", json={"name": "X", "email": "x@example.org", "role": "r"}),
                  403)["status"] == 403
    head = enabled.ledger.max_position()
    body = {"person_id": anna["id"], "project_id": str(places["P-OWN"]), "start_date": "2026-05-01",
            "end_date": "2026-06-30", "percent": 60, "hours_per_month": 10}
    assert "hours_per_month" in answer(as_("manager").post(f"{API}/allocations", json=body), 422)["errors"]
    body.pop("hours_per_month")
    answer(as_("manager").post(f"{API}/allocations", json={**body, "project_id": str(places["P-OTHER"])}), 403)
    assert enabled.ledger.max_position() == head  # refusals write nothing
    first = answer(as_("manager").post(f"{API}/allocations", json=body), 201)
    assert first["warnings"] == [] and first["person_name"] == "Anna Berg"
    # 60% of a full-time week is 24 of her 32 hours; 30% more on another project books her beyond them.
    second = answer(as_("pmo").post(f"{API}/allocations", json={
        **body, "project_id": str(places["P-OTHER"]), "percent": 30, "end_date": "2026-05-31"}), 201)
    assert [(w["month"], w["capacity"], w["allocated"], [p["code"] for p in w["projects"]])
            for w in second["warnings"]] == [("2026-05", 134.4, 151.2, ["P-OWN", "P-OTHER"])]
    listed = answer(as_("viewer").get(f"{API}/allocations?person_id={anna['id']}"), 200)
    assert {a["id"] for a in listed} == {first["id"], second["id"]}  # recorded all the same
    changed = as_("manager").patch(f"{API}/allocations/{first['id']}", json={"percent": 40},
                                   headers={"If-Match": f'"{first["version"]}"'})
    assert answer(changed, 200)["percent"] == 40 and changed.headers["ETag"] == '"2"'
    assert answer(as_("manager").post(f"{API}/allocations/{first['id']}/withdraw", json={},
                                      headers={"If-Match": '"1"'}), 409)["current_version"] == 2


def test_the_heat_map_warnings_and_search_as_of_a_moment(enabled, places, as_):
    anna = register(as_("pmo"))
    answer(as_("pmo").post(f"{API}/people/{anna['id']}/skills", json={"skill": "Risk management", "level": 4}), 200)
    moment = quote(datetime.now(timezone.utc).isoformat())
    for code, percent in (("P-OWN", 70), ("P-OTHER", 50)):
        answer(as_("pmo").post(f"{API}/allocations", json={
            "person_id": anna["id"], "project_id": str(places[code]), "start_date": "2026-05-01",
            "end_date": "2026-05-31", "percent": percent}), 201)
    now = answer(as_("viewer").get(f"{API}/heatmap?start=2026-05&months=2"), 200)
    cells = {r["label"]: r["cells"] for r in now["rows"]}["Anna Berg"]
    assert [(c["month"], c["capacity"], c["demand"], c["status"]) for c in cells] == [
        ("2026-05", 168.0, 201.6, "over"), ("2026-06", 176.0, 0.0, "under")]
    then = as_("viewer").get(f"{API}/heatmap?start=2026-05&months=1&as_of={moment}")
    assert answer(then, 200)["rows"][0]["cells"][0]["demand"] == 0.0 and then.headers["X-As-Of-Position"]
    warned = answer(as_("viewer").get(f"{API}/warnings?start=2026-05&months=2"), 200)
    assert [(w["month"], w["over_by"]) for w in warned] == [("2026-05", 33.6)]
    free = f"{API}/search?skill=risk%20management&min_level=3&free_in="
    assert [p["name"] for p in answer(as_("viewer").get(free + "2026-06"), 200)] == ["Anna Berg"]
    assert answer(as_("viewer").get(free + "2026-05"), 200) == []
    assert "free_in" in answer(as_("viewer").get(free + "May"), 422)["errors"]


def test_demand_is_filled_in_part_and_the_rest_stays_unfilled(enabled, places, as_):
    anna = register(as_("pmo"))
    demand = answer(as_("manager").post(f"{API}/demands", json={
        "project_id": str(places["P-OWN"]), "role": "Business analyst", "fte": 2, "start_date": "2026-07-01",
        "end_date": "2026-09-30"}), 201)
    filled = answer(as_("manager").post(f"{API}/demands/{demand['id']}/fill", json={"person_id": anna["id"]}), 201)
    assert (filled["percent"], filled["demand_id"], filled["start_date"]) == (100, demand["id"], "2026-07-01")
    [still] = answer(as_("viewer").get(f"{API}/demands"), 200)
    assert (still["open_fte"], [f["person_name"] for f in still["fills"]]) == (1.0, ["Anna Berg"])
    by_role = answer(as_("viewer").get(f"{API}/heatmap?by=role&start=2026-07&months=1"), 200)["rows"]
    assert [(r["label"], r["cells"][0]["allocated"], r["cells"][0]["unfilled"]) for r in by_role] == [
        ("Business analyst", 184.0, 184.0)]


def test_only_the_admin_forgets_and_says_why(enabled, places, as_):
    anna = register(as_("pmo"))
    answer(as_("pmo").post(f"{API}/people/{anna['id']}/forget", json={"reason": "erasure request"}), 403)
    assert "reason" in answer(as_("admin").post(f"{API}/people/{anna['id']}/forget", json={}), 422)["errors"]
    gone = answer(as_("admin").post(f"{API}/people/{anna['id']}/forget", json={"reason": "erasure request 7"}), 200)
    assert (gone["name"], gone["email"], gone["forgotten"]) == ("forgotten person", "", True)
    answer(as_("pmo").patch(f"{API}/people/{anna['id']}", json={"role": "Developer"}), 422)
    assert "forgotten" in answer(as_("pmo").post(f"{API}/allocations", json={
        "person_id": anna["id"], "project_id": str(places["P-OWN"]), "start_date": "2026-05-01",
        "end_date": "2026-05-31", "percent": 50}), 422)["detail"]


def xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_import_checks_every_row_and_imports_all_or_nothing(enabled, places, as_):
    def upload(kind: str, data: bytes, name: str, dry: bool = False):
        return as_("pmo").post(f"{API}/import?kind={kind}&dry_run={'true' if dry else 'false'}",
                               data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")

    people = [["Name", "E-mail", "Job title", "Dept", "FTE", "Skills"],
              ["Anna Berg", "anna@example.org", "Business analyst", "Digital", 0.8, "Risk management:4; Planning:3"],
              ["Bo Ek", "bo@example.org", "Developer", "IT", 1, ""]]
    checked = answer(upload("people", xlsx(people), "people.xlsx", dry=True), 200)
    assert (checked["ok"], checked["imported"]) == (True, 0) and answer(as_("viewer").get(f"{API}/people"), 200) == []
    assert answer(upload("people", xlsx(people), "people.xlsx"), 200)["imported"] == 2
    anna = next(p for p in answer(as_("viewer").get(f"{API}/people"), 200) if p["name"] == "Anna Berg")
    assert (anna["hours_per_week"], [(s["skill"], s["level"]) for s in anna["skills"]]) == (
        32.0, [("Planning", 3), ("Risk management", 4)])
    sheet = ("person,project,start,end,percent,hours per month\n"
             "anna@example.org,P-OWN,2026-05-01,2026-05-31,90,\n"
             "nobody@example.org,P-OWN,2026-05-01,2026-05-31,50,\n"
             "bo@example.org,P-NONE,2026-05-01,31/05/2026,,20\n").encode()
    head = enabled.ledger.max_position()
    bad = answer(upload("allocations", sheet, "plan.csv"), 422)
    assert bad["errors"] == {"line 3": ["person: no person with email 'nobody@example.org'"],
                             "line 4": ["end_date: '31/05/2026' is not a date: write it as YYYY-MM-DD, e.g. 2026-03-31"]}
    assert enabled.ledger.max_position() == head
    good = sheet.split(b"\n")[:2] + [b"bo@example.org,P-OTHER,2026-05-01,2026-05-31,,20", b""]
    done = answer(upload("allocations", b"\n".join(good), "plan.csv"), 200)
    assert done["imported"] == 2 and done["warnings"] == [
        "Anna Berg is booked 151.2 h of 134.4 h in 2026-05 by P-OWN (151.2 h)"]
