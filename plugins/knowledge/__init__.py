"""Lessons learned and project templates: the PMO as centre of excellence (P3M3 level 3).

What it does
    Lessons learned: a lesson says what happened and what to *repeat* (it worked) or *avoid*
    (it hurt), under a category (the PMO's list, or free text), tags, a stage and optionally a
    project. Anyone who writes records lessons (a manager: of the projects they manage); the PMO
    endorses the ones worth passing on and retires those that no longer hold. Every edit is an
    event, so a lesson's page shows its history. Lessons are found by ranked full-text search
    (``search.py``: SQLite FTS5 with bm25, PostgreSQL tsvector with ts_rank; memory stores use
    SQLite) with filters on category, tag, project, kind and status.
    Lessons for a project: a project's *profile* (category and tags: copied from its template,
    or set by the PMO) selects the endorsed lessons suggested on its page (same category counts
    2, each shared tag 1). When the project is closing (active, ending within 30 days) or closed,
    a prominent panel asks it to record its lessons.
    Templates: the PMO's standard projects: milestones and standard actions dated from the start
    date, a checklist per stage gate (approved, active, closed), recommended plugins, category
    and tags, and ``gate_reviews_required``. Each edit is a new version (v1, v2, ...); every
    version is kept. "New project from template" registers the project, its milestones and
    actions, and its profile (template id and version) in one transaction, as the user's events.
    A project keeps the version it was made from when the template moves on.

Contract with the governance plugin (``queries.project_template``; its shape never changes)
    project_template(pmo, project_id: uuid.UUID, at: int | None = None) -> dict | None
    None when the project was not made from a template (or did not exist at ``at``), else
        {"template_id": uuid, "template_name": str, "version": int,
         "gate_reviews_required": bool,
         "checklists": {"approved": [str, ...], "active": [...], "closed": [...]}}
    the checklists of the version the project was made from; ``at`` is a ledger position for
    an as-of read (None: now).

Pages (``views.py``; every page honours ``?as_of=``)
    /knowledge/                          lessons: search, filters, chart per category;
                                         ?format=csv|xlsx exports the list as shown
    /knowledge/lessons/new               record a lesson (?project=CODE)
    /knowledge/lessons/<id>              a lesson and its history (+ /edit /endorse /retire)
    /knowledge/categories                the PMO's category list
    /knowledge/templates/                templates; /knowledge/templates/new
    /knowledge/templates/<id>            a template (?version=N), its versions and projects
                                         (+ /edit: a new version, /apply: new project from it)
    /knowledge/profiles/<project_id>     a project's category and tags (PMO)

JSON API (``api.py``, in the OpenAPI document; every read takes ``as_of``)
    /api/lessons (?q= ranked), /api/lessons/categories, /api/lessons/{id} (+ /endorse /retire),
    /api/lesson-categories, /api/templates, /api/templates/{id} (?version=) (+ /versions,
    /withdraw, /projects: GET made from it, POST new project from it),
    /api/project-profiles/{project_id} (+ /suggestions)

Command line (``cli.py``)
    pmo lessons search WORDS... [--category C] [--tag T] [--status S] [--as-of DATE]
    pmo templates list [--as-of DATE]
    pmo [--as ACTOR] templates apply TEMPLATE --code C --name N --start DATE [--manager U]

Modules, in dependency order
    domain -> services, search -> projections -> queries -> schemas, forms, charts, panels,
    demo -> api, views, cli -> hooks (the only one using ``hookimpl``).

Events (``domain.py``; topics never change)
    knowledge.Lesson: Recorded, Revised, Endorsed, Retired
    knowledge.LessonCategories: Set, Changed
    knowledge.Template: Defined, Revised (each carries its version ``number``), Withdrawn
    knowledge.ProjectProfile: Created (with template id, name and version), Changed
"""
