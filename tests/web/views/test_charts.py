"""The SVG charts: right numbers, accessible names, and every label escaped."""
from __future__ import annotations

import re
from datetime import date

from markupsafe import Markup

from web import charts


def test_a_bar_chart_draws_one_bar_per_value_scaled_to_the_largest():
    svg = charts.bar_chart("c1", "Projects by stage", [("Idea", 1), ("Active", 4), ("Closed", 0)])
    assert isinstance(svg, Markup)
    assert 'role="img" aria-labelledby="c1-title c1-desc"' in svg
    assert '<desc id="c1-desc">Idea: 1, Active: 4, Closed: 0</desc>' in svg
    heights = [float(h) for h in re.findall(r'<rect class="bar"[^>]* height="([\d.]+)"', svg)]
    assert heights[1] == max(heights) and heights[0] == heights[1] / 4 and heights[2] == 0


def test_a_donut_splits_the_ring_by_share_and_shows_the_total():
    svg = charts.donut("d", "RAG", [("Green", 1, "rag-green"), ("Amber", 3, "rag-amber"), ("Red", 0, "rag-red")])
    dashes = re.findall(r'class="(rag-\w+)"[^>]*stroke-dasharray="([\d.]+) ', svg)
    assert dashes == [("rag-green", "25.000"), ("rag-amber", "75.000")]  # an empty segment draws nothing
    assert '>4</text>' in svg


def test_an_empty_portfolio_draws_empty_charts_without_failing():
    donut = charts.donut("d", "RAG", [("Green", 0, "rag-green")])
    assert "stroke-dasharray" not in donut and ">0</text>" in donut
    assert "<rect" not in charts.bar_chart("b", "Stages", [])
    assert "no published reports" in charts.rag_trend("t", "Trend", [])


def test_the_rag_trend_puts_green_on_top_and_red_at_the_bottom():
    svg = charts.rag_trend("t", "Trend", [(date(2025, 1, 31), "green"), (date(2025, 2, 28), "red")])
    ys = [float(y) for y in re.findall(r'<circle class="rag-\w+" cx="[\d.]+" cy="([\d.]+)"', svg)]
    assert ys[0] < ys[1]
    assert "2025-01-31: Green" in svg and "2025-02-28: Red" in svg


def test_the_milestone_timeline_shows_baseline_forecast_and_slip():
    milestones = [
        {"name": "Pilot", "baseline_date": date(2025, 3, 1), "forecast_date": date(2025, 3, 31),
         "actual_date": None, "slippage_days": 30},
        {"name": "Design", "baseline_date": date(2025, 2, 1), "forecast_date": date(2025, 1, 30),
         "actual_date": date(2025, 1, 30), "slippage_days": -2},
    ]
    svg = charts.milestone_timeline("m", "Milestones", milestones, today=date(2025, 2, 15))
    assert 'class="slip slip-late"' in svg and 'class="slip slip-early"' in svg
    assert 'class="ms-met"' in svg
    assert "Pilot: forecast 2025-03-31 (+30 days)" in svg


def test_labels_are_escaped():
    evil = '<script>alert("x")</script>'
    for svg in (
        charts.bar_chart("b", evil, [(evil, 1)]),
        charts.donut("d", evil, [(evil, 1, "rag-red")]),
        charts.milestone_timeline("m", evil, [{"name": evil, "baseline_date": date(2025, 1, 1),
                                               "forecast_date": date(2025, 1, 1), "actual_date": None,
                                               "slippage_days": 0}], date(2025, 1, 1)),
    ):
        assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert 'id="&#34;&gt;&lt;x-title"' in charts.rag_trend('"><x', "t", [])
