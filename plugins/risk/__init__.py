"""Risk and issue registers: the first module a maturing PMO switches on (P3M3 level 2).

What it does
    A register of risks (threats and opportunities) per project, programme and portfolio,
    assessed on probability x impact against the organisation's scales (5x5 by default; an
    admin may change them). Score and level (low, medium, high, critical) are computed, never
    typed. Each risk keeps its inherent (before the response) and residual (after it)
    assessments and their whole history, a response strategy, mitigation actions (core
    actions, so they show in the project's action list, overdue and all), a review date, and
    a closure with its reason. A risk that happens is *materialised* into an issue; issues
    also arise unforeseen, and are escalated project -> programme board -> portfolio board
    until resolved.

Policies
    An open critical risk flags its project (the project page's panel says so first); risks
    past their review date are listed as "review due". ``queries.status_hint`` says which RAG
    a status report should consider; showing it needs a core hook (not there yet).

Pages (``views.py``; every page honours ``?as_of=``)
    /risks/                     the register: filters, sorting, CSV/XLSX export links
    /risks/heatmap              5x5 heat maps, inherent and residual, for a project
                                (?project=CODE), a programme (?programme=CODE) or the portfolio
    /risks/review-due           open risks past their review date
    /risks/new                  identify a risk (also ?project=CODE)
    /risks/<id>                 one risk: assessments, trend chart, mitigations, history
    /risks/<id>/assess|response|mitigate|review|close|materialise|edit   its forms
    /risks/issues/ , /risks/issues/new , /risks/issues/<id> (+ /escalate, /resolve, /edit)
    /risks/import               upload a CSV or XLSX register for a project or the portfolio (pmo,
                                admin), with a dry run; /imports/risks: the same import, previewed
    /risks/export?format=csv|xlsx  the register as shown (same filters, order and as_of)
    /risks/issues/export?format=csv|xlsx  the issue register as shown
    /risks/scales               the probability/impact scales and level thresholds (admin edits)

JSON API (``api.py``, in the OpenAPI document; every read takes ``as_of``)
    /api/risks, /api/risks/{id} (+ /assessments /response /mitigations /review /close
    /materialise), /api/risks/heatmap, /api/risks/scales, /api/risks/import (also the core's
    /api/imports/risks), /api/issues, /api/issues/{id} (+ /escalate /resolve)

Command line (``cli.py``)
    pmo [--as ACTOR] risk import FILE [--project CODE | --programme CODE] [--dry-run]
                                (``pmo import risks FILE`` for rows that name their place)
    pmo risk export [--format csv|xlsx] [--output FILE] [--project CODE] [--as-of DATE]

Modules, in dependency order
    domain -> services, projections, queries -> schemas, forms, charts, panels, demo,
    report_section (the top risks of a printed status report), import_kind (risks as a kind of
    the core's spreadsheet import: the only row checks) -> importer (the register's own import
    entry points over it, and the export)
    -> api, views, cli -> hooks (the only one using ``hookimpl``). Shared Flask helpers of the
    built-in plugins are in ``plugins/kit.py``; no module imports ``web``.

Events (``domain.py``; topics never change)
    risk.Risk: Identified, Updated, Assessed, ResponsePlanned, MitigationLinked, Reviewed,
               Closed, Materialised
    risk.Issue: Raised, Updated, Escalated, Resolved
    risk.RiskSettings: Configured, ScalesChanged
"""
