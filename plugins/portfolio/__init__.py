"""Portfolio prioritisation (maturity level 4): which projects to do, and why.

The PMO defines scoring criteria with weights (value, urgency, risk, alignment with each
strategic objective of the benefits plugin), scores each project 0-5 per criterion with a
rationale, and records its cost, whether it is a must-do, and its demands per role and period.
The ranking orders projects by weighted score; the selection picks, exactly, the set of
greatest total value within the budget and capacities, must-dos forced in, and says what is
in, what is out, and which limit binds. Weight and score changes are events, so "why did the
ranking change?" is read from history. Works over the core's projects at any ``as_of``, also
before the plugin was enabled; uses the benefits plugin's events when they are there.

Capacity (``capacity.py``): from the resources plugin when enabled (its people's hours per
role and month minus their allocations to running projects), else the envelope's; the
selection says which. Scenarios (``scenarios/``): what-if branches in a store of their own,
never in the live ledger, evaluated on the live portfolio of now, committed as real events.
Roadmap (``roadmap.py``): a Gantt by programme and value/risk bubbles; roll-up (``rollup.py``):
RAG, slipping milestones and budget by programme, also a dashboard widget. All honour as_of.

Pages (``views.py``, ``scenario_views.py``; reads honour ``?as_of=``, scenarios are always now)
    /portfolio/ranking, /portfolio/selection (?budget=), /portfolio/changes (?since=),
    (ranking and selection also ``?format=csv|xlsx``), /portfolio/roadmap,
    /portfolio/rollup (?format=csv|xlsx), /portfolio/criteria/ (+ /new, /<id>/edit),
    /portfolio/projects/<project id>/score|estimate, /portfolio/envelope,
    /portfolio/scenarios/ (+ /new, /<id>, /<id>/change/<kind>, /<id>/changes/<key>/withdraw,
    /<id>/commit, /<id>/discard)

JSON API (``api.py``, ``scenario_api.py``)
    /api/portfolio/criteria[/{id}], /api/portfolio/projects/{id}/scores|estimate,
    /api/portfolio/envelope, /api/portfolio/ranking[/changes], /api/portfolio/selection,
    /api/portfolio/roadmap, /api/portfolio/bubbles, /api/portfolio/rollup,
    /api/portfolio/scenarios[/{id}[/comparison|/changes|/withdraw|/discard|/commit]]

Command line (``cli.py``)
    pmo portfolio ranking|select|weight|roadmap [--svg FILE]|export ranking|selection|rollup
    pmo portfolio scenario list|new|change|show|commit|discard

Modules, in dependency order
    domain, selection, capacity -> services, projections -> queries -> history, roadmap, rollup,
    scenarios (domain -> book -> evaluate -> services), schemas, forms, charts, roadmap_charts,
    exports, demo -> api, scenario_api, views, scenario_views, cli -> hooks (the only one using
    ``hookimpl``).

Events (``domain.py``; topics never change)
    portfolio.Criterion: Defined, Described, Reweighted
    portfolio.Appraisal: Opened, Scored, Estimated
    portfolio.Envelope: Opened, Set
    portfolio.Scenario (scenario store only): Branched, Renamed, ProjectDropped, DatesShifted,
        CostChanged, MustDoChanged, BudgetChanged, CapacityChanged, ChangeWithdrawn, Discarded,
        Committed
Read from other plugins' events: benefits (objectives, links), risk (open risk scores).
"""
