"""Why did the ranking change between two moments? The two rankings side by side, and the
weights and scores that differ, each with who changed it and why (from the temporal rows, so
no replay: the rows visible at each position are the state there).
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from core.pmo import PMO
from events.temporal import visible
from plugins.portfolio import queries
from plugins.portfolio.projections import scores

Row = dict[str, Any]


def _scores(pmo: PMO, at: int | None) -> dict[str, Row]:
    return {r["key"]: r for r in queries.read_rows(pmo, sa.select(scores).where(visible(scores, at)))}


def ranking_changes(pmo: PMO, before: int | None, after: int | None) -> Row:
    """From position ``before`` to ``after`` (None: now): rank moves, weight changes, score changes."""
    old_rank = {r["project_id"]: r for r in queries.ranking(pmo, before)}
    new_rank = queries.ranking(pmo, after)
    moves = []
    for r in new_rank:
        was = old_rank.get(r["project_id"])
        moves.append({"code": r["code"], "name": r["name"], "rank": r["rank"], "weighted": r["weighted"],
                      "was_rank": was["rank"] if was else None, "was_weighted": was["weighted"] if was else None,
                      "moved": (was["rank"] - r["rank"]) if was else None})
    old_crit = {c["id"]: c for c in queries.list_criteria(pmo, before)}
    weights = []
    for c in queries.list_criteria(pmo, after):
        was = old_crit.get(c["id"])
        if was is None or was["weight"] != c["weight"]:
            weights.append({"ref": c["ref"], "name": c["name"], "before": was["weight"] if was else None,
                            "after": c["weight"], "by": c["updated_by"], "when": c["updated_at"],
                            "reason": c["reason"] or ""})
    crit_refs = {c["id"]: c["ref"] for c in queries.list_criteria(pmo, after)}
    codes = {r["project_id"]: r["code"] for r in new_rank}
    old_scores, changed = _scores(pmo, before), []
    for key, s in sorted(_scores(pmo, after).items()):
        was = old_scores.get(key)
        if was is None or was["score"] != s["score"] or was["rationale"] != s["rationale"]:
            changed.append({"code": codes.get(s["project_id"], "?"), "criterion": crit_refs.get(s["criterion_id"], "?"),
                            "before": was["score"] if was else None, "after": s["score"],
                            "rationale": s["rationale"], "by": s["scored_by"], "when": s["scored_at"],
                            "reason": s["reason"] or ""})
    return {"moves": moves, "weights": weights, "scores": changed,
            "reordered": any(m["moved"] for m in moves)}
