"""The self-assessment and what it suggests: record a maturity profile, read its history,
recommend the plugins to enable next, and say what each domain's next level would add.

Reads take ``at`` (a log position; None: now) like every query: the profile, the history and
the enabled plugins are then those of that moment.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core import maturity_history as readmodel
from core.domain.maturity import MaturityProfile
from core.maturity import (
    DOMAINS, LEVELS, PLANNED, Level, Recommendation, next_level, recommend,
)
from core.pmo import PMO


def assess_maturity(pmo: PMO, answers: dict[str, str]) -> MaturityProfile:
    """Record the admin's answers to the self-assessment as the organisation's new profile."""
    profile_id = MaturityProfile.create_id()
    profile = pmo.get(MaturityProfile, profile_id) if pmo.exists(profile_id) else MaturityProfile()
    profile.assess(answers)
    pmo.save(profile)
    return profile


def maturity_history(pmo: PMO, at: int | None = None) -> list[dict[str, Any]]:
    """Every recorded assessment, oldest first: position, occurred_at, actor, reason,
    answers, levels (by domain) and model_version."""
    with pmo.read() as conn:
        return readmodel.history(conn, at)


def current_profile(pmo: PMO, at: int | None = None) -> dict[str, Any] | None:
    """The latest assessment (None: the PMO has not assessed itself yet)."""
    with pmo.read() as conn:
        return readmodel.latest(conn, at)


def recommendations(pmo: PMO, at: int | None = None) -> list[Recommendation]:
    """Installed plugins to enable next, with reasons, from the latest profile and the plugins
    enabled at ``at`` (none before the first self-assessment)."""
    profile = current_profile(pmo, at)
    if profile is None:
        return []
    return recommend(profile["answers"], profile["levels"], pmo.plugins, pmo.enabled_plugins(at))


@dataclass(frozen=True)
class PluginAtLevel:
    name: str
    title: str
    level: int
    domain: str
    state: str  # "enabled", "disabled" or "not installed"


def plugins_by_level(pmo: PMO, at: int | None = None) -> dict[int, dict[str, list[PluginAtLevel]]]:
    """``{level: {domain: [plugin, ...]}}`` for every installed plugin and the planned
    built-ins not installed yet."""
    enabled = set(pmo.enabled_plugins(at))
    grid: dict[int, dict[str, list[PluginAtLevel]]] = {lv.number: {d: [] for d in DOMAINS} for lv in LEVELS}
    for name, info in sorted(pmo.plugins.items()):
        grid[info.maturity_level][info.domain].append(PluginAtLevel(
            name, info.title, info.maturity_level, info.domain, "enabled" if name in enabled else "disabled"))
    for planned in PLANNED:
        if planned.name not in pmo.plugins:
            grid[planned.maturity_level][planned.domain].append(PluginAtLevel(
                planned.name, planned.title, planned.maturity_level, planned.domain, "not installed"))
    return grid


@dataclass(frozen=True)
class NextStep:
    domain: str
    level: int | None          # None: not assessed
    next: Level | None         # None: already at the top
    plugins: tuple[PluginAtLevel, ...]


def next_steps(pmo: PMO, at: int | None = None) -> list[NextStep]:
    """Per domain: where the PMO stands, the level above, and the plugins that serve it."""
    profile = current_profile(pmo, at)
    levels = profile["levels"] if profile else {}
    grid = plugins_by_level(pmo, at)
    steps = []
    for domain in DOMAINS:
        level = levels.get(domain)
        upcoming = next_level(level) if level is not None else None
        plugins = tuple(grid[upcoming.number][domain]) if upcoming else ()
        steps.append(NextStep(domain, level, upcoming, plugins))
    return steps
