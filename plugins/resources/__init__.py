"""Resources and HR: who works where, capacity against demand, skills (P3M3 level 3).

What it does
    People whose time the PMO plans: role, department, contracted hours per week, changed for
    periods (part-time, leave, a new contract), skills at a competence level (1 aware ... 5
    master) and development records (training, certification, career steps). Allocations put
    a person on a project for a period, at a percentage of a full-time week (40 hours) or at
    hours per month. Role-based demand ("2 FTE business analyst for Q3") is filled by people,
    in whole or in part; what nobody fills is the unfilled demand.

Capacity against demand (``capacity.py``, ``workload.py``)
    Hours per month over working days: a heat map by person, role or department (under, fully
    allocated from 90%, over), over-allocation warnings naming the month and the projects, and
    the skills search ("risk management at level 3 or more and free in May"). Allocating
    beyond capacity is recorded all the same, with the warning: the PMO decides.

Personal data (``vault.py``)
    Name, email, capacity notes and development records are sealed in the events with a key of
    that person's own, kept beside the ledger (``resources_person_keys``), not in it. Forgetting
    a person destroys the key: their personal data in every event, read model and export can no
    longer be read, they show as "forgotten person", and the ledger still verifies.

Pages (``views/``; every page honours ``?as_of=``)
    /resources/                     people (filters; ?format=csv|xlsx), /resources/people/new
    /resources/people/<id>          a person: monthly load, skills, periods, allocations, history
    /resources/people/<id>/edit|capacity|skills|development|forget   its forms
    /resources/allocations/ (+ /new, /<id>/edit|withdraw)   /resources/demand/ (+ /new, /<id>/fill|withdraw)
    /resources/heatmap?by=person|role|department&start=YYYY-MM&months=N
    /resources/warnings   /resources/skills   /resources/import (pmo, admin)
    The project page's "Team" panel and a dashboard widget come through the hooks.

JSON API (``api/``, in the OpenAPI document; every read takes ``as_of``)
    /api/resources/people (+ /{id}, /capacity, /skills, /development, /forget),
    /api/resources/allocations (+ /{id}, /withdraw), /api/resources/demands (+ /{id}, /fill,
    /withdraw), /api/resources/heatmap, /warnings, /search, /import

Command line (``cli.py``)
    pmo people list|add|forget|import|export|warnings|copy-keys

Modules, in dependency order
    domain, vault, capacity -> projections -> services, queries -> workload -> schemas, forms,
    charts, importer, panels, demo -> api, views, cli -> hooks (the only one using ``hookimpl``).

Events (``domain.py``; topics never change)
    resources.Person: Registered, DetailsChanged, CapacityChanged, SkillAssessed, SkillRemoved,
                      DevelopmentRecorded, Forgotten
    resources.Allocation: Made, Changed, Withdrawn
    resources.Demand: Raised, Filled, Released, Withdrawn
"""
