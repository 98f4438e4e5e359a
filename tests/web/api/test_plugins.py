"""An admin enables and disables plugins; everyone can see which are on."""
import pytest

from core.hookspecs import hookimpl
from tests.conftest import make_app
from tests.web.api.conftest import backdated, problem


class RiskPlugin:
    @hookimpl
    def plugin_info(self):
        return {"name": "risk", "title": "Risk register", "maturity_level": 2}


class HeatmapPlugin:
    @hookimpl
    def plugin_info(self):
        return {"name": "heatmap", "title": "Risk heatmap", "depends": ["risk"]}


@pytest.fixture
def app():
    return make_app(PMO_EXTRA_PLUGINS=(RiskPlugin(), HeatmapPlugin()))


def test_enable_and_disable_with_a_reason(as_):
    listed = as_("viewer").get("/api/plugins").get_json()
    assert [(p["name"], p["enabled"]) for p in listed if p["name"] in ("heatmap", "risk")] == [
        ("heatmap", False), ("risk", False)]

    admin = as_("admin")
    # A plugin needs what it depends on.
    assert "needs risk" in problem(admin.post("/api/plugins/heatmap/enable"), 422)["detail"]
    enabled = admin.post("/api/plugins/risk/enable", json={"reason": "we are at P3M3 level 2"})
    assert enabled.status_code == 200
    assert (enabled.get_json()["enabled"], enabled.get_json()["maturity_level"]) == (True, 2)
    assert as_("viewer").get("/api/plugins/risk").get_json()["enabled"] is True

    disabled = admin.post("/api/plugins/risk/disable", headers={"X-Reason": "not used"})
    assert disabled.status_code == 200 and disabled.get_json()["enabled"] is False


def test_only_admins_switch_plugins(as_):
    problem(as_("pmo").post("/api/plugins/risk/enable"), 403)
    problem(as_("admin").post("/api/plugins/nothing/enable"), 404)


def test_which_plugins_were_enabled_as_of_a_date(app, as_):
    from core.services.plugins import disable_plugin, enable_plugin

    with backdated(app, "admin-user", "2025-03-01T09:00", "level 2") as pmo:
        enable_plugin(pmo, "risk")
    with backdated(app, "admin-user", "2025-09-01T09:00", "not used") as pmo:
        disable_plugin(pmo, "risk")
    viewer = as_("viewer")
    enabled = {p["name"]: p["enabled"] for p in viewer.get("/api/plugins?as_of=2025-06-30").get_json()
               if p["name"] in ("heatmap", "risk")}
    assert enabled == {"heatmap": False, "risk": True}
    assert viewer.get("/api/plugins/risk?as_of=2025-02-28").get_json()["enabled"] is False
    assert viewer.get("/api/plugins/risk?as_of=2025-03-01").get_json()["enabled"] is True
    assert viewer.get("/api/plugins/risk").get_json()["enabled"] is False
