"""The selection is exact: on small known cases it equals the brute-force optimum, must-dos
are always in, and it names the limit that keeps projects out."""
from __future__ import annotations

import itertools
import random

import pytest

from plugins.portfolio.selection import Candidate, choose


def brute_force(cands, budget, capacities):
    best = None
    for picks in itertools.product((0, 1), repeat=len(cands)):
        chosen = [c for c, p in zip(cands, picks) if p]
        if any(c.must_do and not p for c, p in zip(cands, picks)):
            continue
        if budget is not None and sum(c.cost for c in chosen) > budget + 1e-9:
            continue
        if any(sum(c.demands.get(k, 0) for c in chosen) > cap + 1e-9 for k, cap in capacities.items()):
            continue
        value = sum(c.value for c in chosen)
        if best is None or value > best + 1e-9:
            best = value
    return best


def test_a_known_case_picks_the_best_pair_not_the_greedy_one():
    # Greedy by value takes A (4.0, cost 60) and then nothing fits; B + C (3.0 + 2.5) is better.
    cands = [Candidate("A", 4.0, 60), Candidate("B", 3.0, 50), Candidate("C", 2.5, 50), Candidate("D", 1.0, 90)]
    result = choose(cands, 100, {})
    assert sorted(result.chosen) == ["B", "C"]
    assert result.value == pytest.approx(5.5) == brute_force(cands, 100, {})
    assert [limit.name for limit in result.binding] == ["budget"]
    assert result.limits[0].blocks == ["A", "D"]


def test_must_do_is_forced_in_even_when_it_costs_the_optimum():
    cands = [Candidate("A", 4.0, 60), Candidate("B", 3.0, 50, must_do=True), Candidate("C", 2.5, 50)]
    result = choose(cands, 100, {})
    assert "B" in result.chosen and result.value == pytest.approx(brute_force(cands, 100, {}))


def test_capacity_binds_when_the_budget_does_not():
    dev = ("Developer", "2026-Q1")
    cands = [Candidate("A", 4.0, 10, demands={dev: 80}), Candidate("B", 3.0, 10, demands={dev: 50}),
             Candidate("C", 2.0, 10, demands={dev: 40})]
    result = choose(cands, 1000, {dev: 100})
    assert sorted(result.chosen) == ["B", "C"]
    assert [limit.name for limit in result.binding] == ["Developer capacity in 2026-Q1"]
    assert not result.limits[0].binding  # the budget has room: it keeps nobody out


def test_must_dos_beyond_the_budget_are_reported_not_guessed():
    result = choose([Candidate("A", 1, 80, True), Candidate("B", 1, 70, True)], 100, {})
    assert not result.feasible and result.chosen == []
    assert [limit.name for limit in result.exceeded_by_must_dos] == ["budget"]


def test_random_small_cases_equal_brute_force():
    rng = random.Random(7)
    roles = [("Dev", "2026-Q1"), ("BA", "2026-Q1")]
    for _ in range(60):
        cands = [Candidate(n, round(rng.uniform(0, 5), 2), float(rng.randrange(1, 50)), rng.random() < 0.1,
                           {r: float(rng.randrange(0, 30)) for r in roles}) for n in range(rng.randrange(1, 9))]
        budget = float(rng.randrange(20, 150))
        caps = {r: float(rng.randrange(20, 80)) for r in roles}
        expected = brute_force(cands, budget, caps)
        result = choose(cands, budget, caps)
        if expected is None:
            assert not result.feasible
        else:
            assert result.feasible and result.value == pytest.approx(expected, abs=1e-6)
