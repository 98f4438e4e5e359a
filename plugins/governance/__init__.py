"""Governance: gate reviews and governance meetings, the centre of excellence's forums where
decisions are taken and archived (P3M3 level 3, programme domain). Needs the knowledge plugin:
a project's template version supplies its gate checklists and may ask for gate reviews.

What it does
    Gate reviews: for a project's next gate (to approved, active or closed) a review copies in
    its checklist (the template version's, else the PMO's default, editable under Checklists);
    each item is answered met / not met / n/a with evidence; the verdict (go, go with
    conditions, no-go, hold), the decision in the core decision log (decided by the chair,
    naming the review), the conditions as core actions on the project and, for go and go with
    conditions, the project's stage change are ONE save. When the project's template asks for
    gate reviews, its stage changes only through a go verdict: the ``stage_change_guard`` hook
    refuses any other change to approved, active or closed (422 naming ``stage``; cancelling
    stays possible); the review passes ``via="governance.gate_review"``.
    Meetings: a series (steering committee, portfolio board, PMO network) has meetings with an
    agenda (items may name a project), attendees and minutes; decisions and actions taken in a
    meeting are core records (in the projects' logs) linked back to it (``Meeting.DecisionTaken``,
    ``Meeting.ActionTaken``, and the ``governance_links`` table that the decision and action
    pages read through the ``governance_source`` template global). A closed meeting is archived:
    every change is refused with 409 and a message. Its page ``?as_of=`` its date shows the
    papers (agenda, each project's stage and RAG) as they were.

Pages (``views.py``; every page honours ``?as_of=``)
    /governance/                        overview: timeline of reviews and verdicts, open reviews
    /governance/reviews/ (+ /new)       gate reviews, filters; open one (?project=CODE)
    /governance/reviews/<id>            a review (+ /answers, /verdict: its forms)
    /governance/checklists (+ /<stage>) the default checklists and their form
    /governance/meetings/               series and meetings, attendance chart
    /governance/series/new, /governance/meetings/new?series=<id>
    /governance/meetings/<id>           a meeting (+ /edit, /decision, /action, /close)

JSON API (``api.py``, in the OpenAPI document; every read takes ``as_of``)
    /api/gate-checklists (GET, POST one gate's), /api/gate-reviews (+ /{id}, /{id}/answers,
    /{id}/verdict), /api/meeting-series (+ /{id}), /api/meetings (+ /{id}, /{id}/decisions,
    /{id}/actions, /{id}/close)

Command line (``cli.py``)
    pmo meetings list [--as-of DATE] [--series NAME] [--open]
    pmo [--as ACTOR] meetings close MEETING_ID [--note N] [--reason R]
    pmo reviews list [--as-of DATE] [--project CODE] [--open]

Modules, in dependency order
    domain, templates_contract -> projections -> queries -> services -> schemas, forms, charts,
    panels, demo -> api, views, cli -> hooks (the only one using ``hookimpl``).

Events (``domain.py``; topics never change)
    governance.GateChecklist: Defined, Revised
    governance.GateReview: Opened, Answered, Decided
    governance.MeetingSeries: Established, Revised
    governance.Meeting: Scheduled, Updated, DecisionTaken, ActionTaken, Closed
"""
