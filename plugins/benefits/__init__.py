"""Benefits realisation: the benefits that justify the projects, measured long after they
closed (P3M3 level 4, portfolio domain).

What it does
    Strategic objectives (title, description, owner, period) are owned here; a portfolio
    plugin reads them through the ``benefits.Objective.*`` events. A benefit (or dis-benefit)
    has an owner, a category (financial, non-financial), a type and a measure: indicator,
    unit, baseline value and date, target value and date, how often it is measured. It serves
    objectives and is enabled by projects (and their outputs). Dated measurements go on after
    the projects close; the realisation curve shows the planned trajectory (a straight line
    from baseline to target) against the actuals.

Policies
    At risk (``realisation.py``): the latest measurement is behind the planned trajectory on
    its date by more than 10% of the way from baseline to target (a dis-benefit: worse than
    planned by that much). Project closure (``projections.py``): when a project closes, each
    benefit it enables (once all its enabling projects have ended) stays open and is handed
    over to its named post-project owner (its owner if none was named); the project page's
    panel lists them with who measures.

Pages (``views.py``; every page honours ``?as_of=``)
    /benefits/                  the register: filters, CSV/XLSX export links (/benefits/export)
    /benefits/overview          per objective: every benefit, realised vs planned totals per unit
    /benefits/map               objective -> benefit -> project for the portfolio (?programme=CODE)
    /benefits/objectives/       the objectives (+ /new, /<id>/edit)
    /benefits/new               register a benefit (?project=CODE preselects it)
    /benefits/<id>              one benefit: curve, measurements, links, history
    /benefits/<id>/edit|measure|hand-over|close   its forms

JSON API (``api.py``, in the OpenAPI document; every read takes ``as_of``)
    /api/objectives, /api/objectives/{id}, /api/benefits, /api/benefits/{id}
    (+ /measurements /hand-over /close), /api/benefits/map, /api/benefits/overview

Command line (``cli.py``)
    pmo benefits list [--as-of DATE] [--at-risk]
    pmo [--as ACTOR] benefits measure REF VALUE [--on DATE] [--note N] [--reason R]
    pmo benefits export [--format csv|xlsx] [--output FILE] [--project CODE] [--as-of DATE]

Modules, in dependency order
    domain, realisation -> services, projections, queries -> schemas, forms, charts, export,
    panels, demo -> api, views, cli -> hooks (the only one using ``hookimpl``).

Events (``domain.py``; topics never change)
    benefits.Objective: Defined, Updated
    benefits.Benefit: Registered, Updated, ObjectiveLinked, ObjectiveUnlinked, ProjectLinked,
                      ProjectUnlinked, Measured, HandedOver, Closed
"""
