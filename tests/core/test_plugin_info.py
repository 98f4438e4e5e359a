"""A plugin describes itself (``plugin_info``); a description PMO Ledger cannot use stops the
start-up with a message that names the plugin, and each plugin knows its version."""
import importlib.metadata

import pytest

from core.hookspecs import hookimpl
from core.plugins import PluginInfoError, make_plugin_manager, plugin_infos
from plugins import BUILTINS
from tests import sample_plugin


class Described:
    def __init__(self, **info):
        self.info = {"name": "acme", "title": "ACME reports", **info}

    @hookimpl
    def plugin_info(self):
        return self.info


def infos(*plugins):
    return plugin_infos(make_plugin_manager(plugins, entry_points=False))


@pytest.mark.parametrize("info, message", [
    ({"maturity": 2}, "unknown keys 'maturity'"),
    ({"name": "ACME!"}, "name 'ACME!' must be 2-40 lowercase"),
    ({"title": " "}, "needs a title"),
    ({"maturity_level": 7}, "maturity_level 7 must be one of 1-5"),
    ({"maturity_level": True}, "maturity_level True"),
    ({"domain": "department"}, "domain 'department' must be one of project, programme, portfolio"),
    ({"depends": "risk"}, "depends 'risk' must be a list"),
    ({"depends": ["acme"]}, "depends on itself"),
    ({"addresses": {"vibes": ["good"]}}, "unknown self-assessment question 'vibes'"),
    ({"addresses": {"risks": ["excel"]}}, "addresses 'risks' with answers ['excel']"),
    ({"version": 2}, "version must be text"),
])
def test_a_description_pmo_ledger_cannot_use_is_refused_naming_the_plugin(info, message):
    with pytest.raises(PluginInfoError, match="plugin_info") as refused:
        infos(Described(**info))
    assert message in str(refused.value)
    assert "acme" in str(refused.value).lower() or "ACME!" in str(refused.value)


def test_plugins_that_need_each_other_in_a_circle_are_refused():
    first = Described(name="first", depends=["second"])
    second = Described(name="second", depends=["third"])
    third = Described(name="third", depends=["first"])
    with pytest.raises(PluginInfoError, match="circle: first -> second -> third -> first"):
        infos(first, second, third)


def test_a_dependency_that_is_not_installed_is_allowed_until_someone_enables_it():
    assert infos(Described(depends=["portfolio"]))["acme"].depends == ("portfolio",)


def test_each_plugin_has_the_version_of_the_package_that_ships_it():
    shipped = plugin_infos(make_plugin_manager([*BUILTINS, sample_plugin], entry_points=False))
    assert shipped["risk"].version == importlib.metadata.version("pmo-ledger")
    assert shipped["notes"].version == ""  # the tests' sample plugin belongs to no package
    assert infos(Described(version="2.1.0"))["acme"].version == "2.1.0"
    declared = infos(Described(maturity_level=3, domain="portfolio", addresses={"costs": ["spreadsheet"]}))["acme"]
    assert (declared.maturity_level, declared.domain, dict(declared.addresses)) == (
        3, "portfolio", {"costs": ("spreadsheet",)})
