"""Which candidates to run: the exact 0/1 choice that maximises total value within limits.

The problem is a multi-dimensional 0/1 knapsack: one budget row plus one row per role and
period with a capacity, must-do projects fixed at 1. A dynamic programme is exact for one
budget only, and its table grows with the budget in money units; so it is solved as an
integer programme with ``scipy.optimize.milp`` (the HiGHS branch-and-cut solver, bundled
with SciPy: no solver binary to install), which proves optimality for any number of rows.
The tests check the answer against brute force on small cases.

Pure: no Flask, no ledger. ``choose`` takes plain candidates and limits.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


EPS = 1e-6


@dataclass(frozen=True)
class Candidate:
    key: Any
    value: float
    cost: float
    must_do: bool = False
    demands: dict[tuple[str, str], float] = field(default_factory=dict)  # (role, period) -> amount


@dataclass
class Limit:
    """One constraint: the budget, or a role's capacity in a period."""
    name: str
    limit: float
    row: tuple[str, str] | None = None  # (role, period); None: the budget
    used: float = 0.0
    blocks: list[Any] = field(default_factory=list)  # candidates left out because they would exceed it
    forced: float = 0.0                              # what the must-dos alone take

    @property
    def slack(self) -> float:
        return self.limit - self.used

    @property
    def binding(self) -> bool:
        """It keeps a candidate out: without this limit a left-out project would fit."""
        return bool(self.blocks)


@dataclass
class Choice:
    feasible: bool
    chosen: list[Any]
    left_out: list[Any]
    value: float
    limits: list[Limit]

    @property
    def binding(self) -> list[Limit]:
        return [limit for limit in self.limits if limit.binding]

    @property
    def exceeded_by_must_dos(self) -> list[Limit]:
        return [limit for limit in self.limits if limit.forced > limit.limit + EPS]


def _usage(candidate: Candidate, limit: Limit) -> float:
    return candidate.cost if limit.row is None else candidate.demands.get(limit.row, 0.0)


def limit_name(role: str, period: str) -> str:
    return f"{role} capacity in {period}"


def choose(candidates: list[Candidate], budget: float | None,
           capacities: dict[tuple[str, str], float] | None = None) -> Choice:
    """The set of candidates of greatest total value whose cost stays within ``budget`` (None:
    no budget) and whose demands stay within each capacity, every must-do included."""
    capacities = capacities or {}
    limits = ([Limit("budget", float(budget))] if budget is not None else []) + [
        Limit(limit_name(*row), float(capacities[row]), row) for row in sorted(capacities)]
    for limit in limits:
        limit.forced = sum(_usage(c, limit) for c in candidates if c.must_do)
    if any(limit.forced > limit.limit + EPS for limit in limits):
        return Choice(False, [], [c.key for c in candidates], 0.0, limits)
    if not candidates:
        return Choice(True, [], [], 0.0, limits)

    # Imported here, not at the top: SciPy costs every worker ~1.5 s of start-up otherwise.
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    n = len(candidates)
    lower = np.array([1.0 if c.must_do else 0.0 for c in candidates])
    # A tiny penalty per unit of cost: of two equally valuable sets, the cheaper one (stable answers).
    scale = max((c.cost for c in candidates), default=1.0) or 1.0
    objective = -np.array([c.value - 1e-7 * c.cost / scale for c in candidates])
    constraints = []
    if limits:
        matrix = np.array([[_usage(c, limit) for c in candidates] for limit in limits])
        constraints.append(LinearConstraint(matrix, -np.inf, np.array([limit.limit for limit in limits])))
    result = milp(objective, constraints=constraints, integrality=np.ones(n), bounds=Bounds(lower, np.ones(n)))
    if result.x is None:  # unreachable after the must-do check, but never guess a selection
        return Choice(False, [], [c.key for c in candidates], 0.0, limits)
    picked = [bool(round(x)) for x in result.x]
    chosen = [c for c, p in zip(candidates, picked) if p]
    for limit in limits:
        limit.used = sum(_usage(c, limit) for c in chosen)
        limit.blocks = [c.key for c, p in zip(candidates, picked)
                        if not p and c.value > 0 and _usage(c, limit) > limit.slack + EPS]
    return Choice(True, [c.key for c in chosen], [c.key for c, p in zip(candidates, picked) if not p],
                  sum(c.value for c in chosen), limits)
