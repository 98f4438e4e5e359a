"""The resources plugin's part of the demo PMO: about forty people of Eksund, their skills,
part-time and leave, allocations to the running projects, and role-based demand.

Written after the core's year and any plugin's demo (``kit.DemoClock``: the ledger's time only
grows), each command by the person who would have done it: Saga registers people, the project
managers allocate their teams and ask for roles. The plan lives in the business dates: from
half a year before ``today`` to half a year after. A few people are over-booked in some months
(an architect on three projects, an analyst allocated through her leave, a developer with
extra hours on top), and some demand is unfilled, in whole or in part. Deterministic.
"""
from __future__ import annotations

import random
import unicodedata
from datetime import date, timedelta

from core import queries as core_queries
from core.pmo import PMO
from plugins import kit
from plugins.resources import capacity as cap
from plugins.resources import services

# name, role, department, hours per week, skills
PEOPLE = [
    ("Saga Bergqvist", "PMO lead", "PMO", 40, {"Risk management": 4, "Planning": 4, "Stakeholder management": 4}),
    ("Joris van Dam", "Programme manager", "Digital services", 40, {"Stakeholder management": 5, "Planning": 4,
                                                                   "Risk management": 3}),
    ("Mehmet Kaya", "Programme manager", "Facilities", 40, {"Planning": 4, "Budgeting": 4, "Risk management": 3}),
    ("Lena Åkesson", "Project manager", "Digital services", 40, {"Planning": 4, "Agile": 3, "Risk management": 4}),
    ("Elin Sjöberg", "PMO analyst", "PMO", 32, {"Planning": 3, "Risk management": 2, "Budgeting": 3}),
    ("Anders Holm", "Project manager", "IT", 40, {"Planning": 3, "Risk management": 3, "Agile": 4}),
    ("Fatima Haddad", "Business analyst", "Digital services", 40, {"Requirements": 4, "Process mapping": 4,
                                                                  "Stakeholder management": 3}),
    ("Pieter Jansen", "Business analyst", "Social services", 40, {"Requirements": 3, "Process mapping": 3}),
    ("Ingrid Lund", "Business analyst", "Finance", 32, {"Requirements": 3, "Budgeting": 4}),
    ("Oskar Nyström", "Architect", "IT", 40, {"Integration": 5, "Security": 4, "Data migration": 3}),
    ("Maja Eriksson", "Architect", "IT", 40, {"Integration": 4, "Cloud": 4}),
    ("Daan de Vries", "Developer", "IT", 40, {"Python": 4, "Integration": 3, "Testing": 3}),
    ("Sofia Lindgren", "Developer", "IT", 40, {"Java": 4, "Integration": 3}),
    ("Karim Benali", "Developer", "IT", 40, {"Python": 3, "Cloud": 3, "Data migration": 2}),
    ("Hanna Berg", "Developer", "Digital services", 32, {"JavaScript": 4, "UX research": 2}),
    ("Ravi Patel", "Developer", "IT", 40, {"Java": 3, "Testing": 3}),
    ("Emma Johansson", "Tester", "IT", 40, {"Testing": 4, "Requirements": 2}),
    ("Noah Andersson", "Tester", "IT", 40, {"Testing": 3, "Accessibility": 4}),
    ("Lotte Visser", "UX designer", "Digital services", 40, {"UX research": 4, "Accessibility": 4}),
    ("Jonas Ek", "Data specialist", "IT", 40, {"Data migration": 4, "Python": 3}),
    ("Alva Strand", "Data specialist", "Finance", 24, {"Data migration": 3, "Budgeting": 3}),
    ("Bram Willems", "Change manager", "HR", 40, {"Change management": 4, "Training": 4,
                                                  "Stakeholder management": 3}),
    ("Nadia Rahimi", "Change manager", "Social services", 32, {"Change management": 3, "Training": 3}),
    ("Erik Wallin", "Facilities coordinator", "Facilities", 40, {"Facilities management": 4, "Procurement": 3}),
    ("Greta Nilsson", "Facilities coordinator", "Facilities", 40, {"Facilities management": 3, "Budgeting": 2}),
    ("Tomas Berglund", "Procurement specialist", "Finance", 40, {"Procurement": 5, "Risk management": 3}),
    ("Yara Haddad", "Procurement specialist", "Finance", 32, {"Procurement": 3}),
    ("Leo Karlsson", "Security specialist", "IT", 40, {"Security": 5, "Risk management": 4}),
    ("Ida Persson", "Records manager", "Social services", 40, {"Records management": 4, "Requirements": 2}),
    ("Mila Kowalski", "HR advisor", "HR", 40, {"Training": 3, "Change management": 2}),
    ("Viktor Sundberg", "Finance controller", "Finance", 40, {"Budgeting": 5, "Risk management": 2}),
    ("Sara Olofsson", "Communications advisor", "Digital services", 32, {"Stakeholder management": 3,
                                                                        "Training": 2}),
    ("Ahmed Yusuf", "Developer", "IT", 40, {"Python": 2, "Testing": 2}),
    ("Freja Dahl", "Business analyst", "Digital services", 40, {"Requirements": 2, "Process mapping": 3}),
    ("Jan Bakker", "Electrician", "Facilities", 40, {"Facilities management": 3}),
    ("Linnea Hedlund", "Project manager", "Facilities", 40, {"Planning": 3, "Procurement": 2,
                                                             "Risk management": 3}),
    ("Omar Farouk", "Tester", "Digital services", 24, {"Testing": 2, "Accessibility": 3}),
    ("Klara Sandberg", "Trainer", "HR", 32, {"Training": 4}),
    ("Wouter Smit", "Architect", "Digital services", 40, {"Integration": 3, "UX research": 3}),
    ("Ebba Forsberg", "PMO analyst", "PMO", 40, {"Planning": 2, "Risk management": 3}),
]
DEVELOPMENT = {
    "Saga Bergqvist": [("certification", "P3O Practitioner", -300), ("training", "Management of Portfolios", -120),
                       ("career_step", "PMO analyst to PMO lead", -400)],
    "Elin Sjöberg": [("training", "PRINCE2 Foundation", -200), ("certification", "IPMA Level D", -60)],
    "Ebba Forsberg": [("career_step", "Joined the PMO from Finance", -150), ("training", "Risk workshop facilitation", -40)],
    "Lena Åkesson": [("certification", "PRINCE2 Practitioner", -250)],
    "Anders Holm": [("training", "Scrum Master", -90)],
}
# Who is over-booked on purpose, and how (the plan's stress points).
HEAVY = {"Oskar Nyström": 3, "Fatima Haddad": 2, "Daan de Vries": 2}
DEMANDS = [  # role, fte, start (days from today), days, filled fte
    ("Business analyst", 2.0, 60, 90, 1.0),
    ("Developer", 1.0, 20, 120, 0.0),
    ("Tester", 0.5, 45, 60, 0.0),
    ("Data specialist", 1.0, -30, 150, 0.5),
    ("Change manager", 0.5, 30, 120, 0.0),
    ("Architect", 0.5, 90, 90, 0.0),
    ("Facilities coordinator", 1.0, 10, 60, 1.0),
]


def email(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return ".".join(plain.split()) + "@eksund.example"


def load(pmo: PMO, today: date, seed: int = 11) -> None:
    """Write the demo people, allocations and demand (called by the ``demo_data`` hook)."""
    rng = random.Random(seed)
    run = kit.DemoClock(pmo).run
    projects = [p for p in core_queries.list_projects(pmo) if p["stage"] in ("active", "approved")]
    if not projects:
        return
    start = cap.month_start(today - timedelta(days=180))
    with pmo.bulk():
        ids = {}
        for name, role, dept, hours, skills in PEOPLE:
            person = run("saga", "Resource plan set up", lambda: services.register_person(
                pmo, name, email(name), role, dept, float(hours)))
            ids[name] = person.id
            for skill, level in skills.items():
                run("saga", "Competence mapping", lambda: services.assess_skill(
                    pmo, person.id, skill, level, assessed_on=start + timedelta(days=rng.randint(0, 60))))
            for kind, title, days in DEVELOPMENT.get(name, []):
                run("saga", "Development record", lambda: services.record_development(
                    pmo, person.id, kind, title, recorded_on=today + timedelta(days=days)))
        _capacity(run, pmo, ids, today, rng)
        _allocations(run, pmo, ids, projects, start, today, rng)
        _demand(run, pmo, ids, projects, today)


def _capacity(run, pmo: PMO, ids: dict, today: date, rng: random.Random) -> None:
    """Summer-like leave for many, a parental leave, part-time periods, a new contract."""
    summer = date(today.year, 7, 1) if today.month < 7 else date(today.year + 1, 7, 1)
    for n, name in enumerate(sorted(ids)):
        if n % 3 == 0:
            first = summer + timedelta(days=rng.randint(0, 20))
            run("saga", "Leave planned", lambda: services.change_capacity(
                pmo, ids[name], "leave", first, first + timedelta(days=20), 0.0, "Summer leave"))
    run("saga", "Parental leave", lambda: services.change_capacity(
        pmo, ids["Fatima Haddad"], "leave", today + timedelta(days=35), today + timedelta(days=125), 0.0,
        "Parental leave"))
    run("saga", "Part-time agreed", lambda: services.change_capacity(
        pmo, ids["Anders Holm"], "part_time", today - timedelta(days=60), today + timedelta(days=60), 24.0,
        "Studying one day a week and a half"))
    run("saga", "Part-time agreed", lambda: services.change_capacity(
        pmo, ids["Sofia Lindgren"], "part_time", today, today + timedelta(days=180), 32.0))
    run("saga", "New contract", lambda: services.change_capacity(
        pmo, ids["Hanna Berg"], "contract", today - timedelta(days=90), None, 40.0, "Back to full time"))


def _allocations(run, pmo: PMO, ids: dict, projects: list, start: date, today: date, rng: random.Random) -> None:
    """Most people on one or two projects; the heavy ones on more than they can carry."""
    names = [n for n, *_ in PEOPLE[4:]]  # the programme and project managers run projects, not work on them
    for n, name in enumerate(names):
        count = HEAVY.get(name, 1 if n % 3 else 2)
        for k in range(count):
            project = projects[(n * 3 + k * 5) % len(projects)]
            first = start + timedelta(days=rng.randint(0, 120) if name not in HEAVY else 150)
            last = first + timedelta(days=rng.randint(90, 240))
            percent = 50 if name in HEAVY else rng.choice((40, 50, 60, 80, 100) if count == 1 else (30, 40, 50))
            manager = project["manager"] or "saga"
            run(manager, "Team planned", lambda: services.allocate(
                pmo, ids[name], project["id"], first, last, percent=percent))
    # Extra hours on top of a full allocation: over-booked for two months.
    run("joris", "Integration work", lambda: services.allocate(
        pmo, ids["Daan de Vries"], projects[0]["id"], cap.month_start(today), cap.month_start(today) + timedelta(days=55),
        hours_per_month=40.0))


def _demand(run, pmo: PMO, ids: dict, projects: list, today: date) -> None:
    """Roles the projects ask for; some filled in part or in whole."""
    fillers = {"Business analyst": "Freja Dahl", "Data specialist": "Alva Strand",
               "Facilities coordinator": "Greta Nilsson"}
    for n, (role, fte, offset, days, filled) in enumerate(DEMANDS):
        project = projects[(n * 2 + 1) % len(projects)]
        manager = project["manager"] or "saga"
        demand = run(manager, "Resource request", lambda: services.raise_demand(
            pmo, project["id"], role, fte, today + timedelta(days=offset), today + timedelta(days=offset + days),
            note=f"Needed for the {project['code']} plan"))
        if filled:
            run("saga", "Resource request answered", lambda: services.fill_demand(
                pmo, demand.id, ids[fillers[role]], filled))
