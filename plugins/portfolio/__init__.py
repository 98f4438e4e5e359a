"""Portfolio prioritisation (maturity level 4): which projects to do, and why.

The PMO defines scoring criteria with weights (value, urgency, risk, alignment with each
strategic objective of the benefits plugin), scores each project 0-5 per criterion with a
rationale, and records its cost, whether it is a must-do, and its demands per role and period.
The ranking orders projects by weighted score; the selection picks, exactly, the set of
greatest total value within the budget and capacities, must-dos forced in, and says what is
in, what is out, and which limit binds. Weight and score changes are events, so "why did the
ranking change?" is read from history. Works over the core's projects at any ``as_of``, also
before the plugin was enabled; uses the benefits plugin's events when they are there.

Pages (``views.py``; reads honour ``?as_of=``)
    /portfolio/ranking, /portfolio/selection (?budget=), /portfolio/changes (?since=),
    /portfolio/criteria/ (+ /new, /<id>/edit), /portfolio/projects/<project id>/score|estimate,
    /portfolio/envelope

JSON API (``api.py``)
    /api/portfolio/criteria[/{id}], /api/portfolio/projects/{id}/scores|estimate,
    /api/portfolio/envelope, /api/portfolio/ranking[/changes], /api/portfolio/selection

Command line (``cli.py``)
    pmo portfolio ranking|select|weight

Modules, in dependency order
    domain, selection -> services, projections -> queries -> history, schemas, forms, charts,
    demo -> api, views, cli -> hooks (the only one using ``hookimpl``).

Events (``domain.py``; topics never change)
    portfolio.Criterion: Defined, Described, Reweighted
    portfolio.Appraisal: Opened, Scored, Estimated
    portfolio.Envelope: Opened, Set
"""
