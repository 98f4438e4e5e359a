"""A plugin switched on today starts with history: the projects and cost ratings recorded
under the core years before it was installed are in its register, as of any moment."""
from datetime import date, datetime, timezone

from budget_testing import as_user, make_app, the_pmo
from core.asof import position_at
from core.services import plugins, projects, reporting
from pmo_budget import queries

REPORT = dict(schedule="green", scope="green", overall="amber", progress_pct=20)


def test_enabled_years_later_the_register_shows_what_the_core_recorded_before():
    app = make_app()
    pmo = the_pmo(app)
    # 2024: the PMO runs on the core only. A project reports amber on cost, later red.
    with as_user("pia", "portal programme starts", "2024-03-01T09:00"):
        portal = projects.register_project(pmo, "OLD-1", "Old portal", manager="pia")
        reporting.submit_status_report(pmo, portal.id, period_start=date(2024, 2, 1), period_end=date(2024, 2, 29),
                                       cost="amber", summary="Licences dearer", **REPORT)
    with as_user("pia", "", "2024-06-03T09:00"):
        reporting.submit_status_report(pmo, portal.id, period_start=date(2024, 5, 1), period_end=date(2024, 5, 31),
                                       cost="red", summary="Overrun", **REPORT)
    assert pmo.runner.positions()["budget"] == 0  # installed, never enabled: nothing built

    # Today the admin enables the budget plugin: its read model is built from the whole ledger.
    with as_user("admin", "we follow budgets now"):
        change = plugins.enable_plugin(pmo, "budget")
    assert change.plugins == ("budget",) and change.events_read >= 6
    assert pmo.runner.positions()["budget"] == pmo.ledger.max_position()

    def register(moment: str) -> list[tuple]:
        at = position_at(pmo, datetime.fromisoformat(moment).replace(tzinfo=timezone.utc))
        return [(r["code"], r["cost_rag"], r["amount"]) for r in queries.list_budgets(pmo, at)]

    assert register("2024-02-28T00:00") == []                               # before the project
    assert register("2024-04-30T00:00") == [("OLD-1", "amber", None)]       # its first report
    assert register("2025-01-01T00:00") == [("OLD-1", "red", None)]         # the later one
    assert [(r["code"], r["cost_rag"]) for r in queries.list_budgets(pmo)] == [("OLD-1", "red")]


def test_a_budget_then_costs_change_the_figures_and_the_past_stays_as_it_was(app, pmo):
    p1 = app.config["P1"]
    with as_user("pia", "approved at gate 2", "2030-01-10T09:00"):
        from pmo_budget import services

        services.set_budget(pmo, p1, 100_000, "EUR")
    with as_user("pia", "invoices", "2030-02-01T09:00"):
        services.record_cost(pmo, p1, 60_000, date(2030, 1, 31), "January")
    with as_user("pia", "invoices", "2030-03-01T09:00"):
        services.record_cost(pmo, p1, 35_000, date(2030, 2, 28), "February")
    row = queries.get_budget(pmo, "P-1")
    assert (row["actual"], row["remaining"], row["spent_pct"], row["status"]) == (95_000, 5_000, 95, "watch")
    with as_user("pia", "invoices", "2030-04-01T09:00"):
        services.record_cost(pmo, p1, 10_000, date(2030, 3, 31), "March")
    assert queries.get_budget(pmo, "P-1")["status"] == "over"

    in_february = position_at(pmo, datetime(2030, 2, 15, tzinfo=timezone.utc))
    then = queries.get_budget(pmo, p1, in_february)
    assert (then["actual"], then["status"], then["version"]) == (60_000, "within", 2)
    assert [c["description"] for c in queries.list_costs(pmo, p1, in_february)] == ["January"]
    assert [c["description"] for c in queries.list_costs(pmo, p1)] == ["March", "February", "January"]
    assert queries.totals(queries.list_budgets(pmo)) == {"EUR": {"amount": 100_000, "actual": 105_000, "projects": 1}}
