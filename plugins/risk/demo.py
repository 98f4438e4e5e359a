"""The risk plugin's part of the demo PMO: about 60 risks and 15 issues with a year of story.

The core demo has already written its year; the ledger's time only grows, so these commands
are stamped a couple of seconds apart *after* the core's last event (each in its own command
context, by the person who would have done it). The year lives in the business dates:
``identified_on``, ``assessed_on``, review dates, due dates and resolutions fall over the
demo year, so the register, the trend charts and "review due" read like a year of work.
Deterministic: the same ``today`` gives the same story.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from core import queries as core_queries
from core.pmo import PMO
from core.services import logs
from plugins import kit
from plugins.risk import services

# title, category, cause, effect, inherent (p, i), strategy, response, residual (p, i), mitigation
Template = tuple[str, str, str, str, tuple[int, int], str, str, tuple[int, int], str]

THREATS: list[Template] = [
    ("Supplier delivers late", "supplier", "The supplier's team is also working on two larger municipalities.",
     "Go-live slips by one to three months.", (4, 3), "reduce", "Weekly delivery check with the supplier; "
     "penalty clause invoked at two weeks' delay.", (3, 3), "Agree a delivery plan with milestones and penalties"),
    ("Key person leaves the project", "people", "The only developer who knows the old interfaces is retiring.",
     "Integration work stops until a replacement is trained.", (3, 4), "reduce",
     "Pair a second developer with him; document the interfaces.", (2, 3), "Document the legacy interfaces"),
    ("Migrated data is of poor quality", "technical", "Fifteen years of free-text fields and duplicates.",
     "Case handlers cannot trust the new system; manual rework.", (4, 4), "reduce",
     "Data cleansing sprint and two migration rehearsals.", (3, 3), "Run a second migration rehearsal"),
    ("Price indexation exceeds the budget", "financial", "The framework agreement follows the construction index.",
     "Costs rise 6-9% above the business case.", (3, 3), "accept",
     "Contingency kept at 10%; reported monthly.", (3, 2), ""),
    ("Privacy assessment requires changes", "legal", "Personal data of citizens is processed in a new cloud service.",
     "Design changes and a delayed go-live.", (3, 4), "reduce",
     "Data protection officer joins design reviews from the start.", (2, 3), "Book the DPIA workshop with the DPO"),
    ("Works council consultation takes longer", "people", "The works council meets only monthly.",
     "Decision on the new workplace concept comes two months later.", (3, 2), "reduce",
     "Early informal sessions with the council's chair.", (2, 2), "Plan an informal session with the works council"),
    ("Staff do not adopt the new way of working", "operational", "Teams are used to their own forms and folders.",
     "Benefits are not realised; parallel processes persist.", (3, 4), "reduce",
     "Change ambassadors per department and short training videos.", (2, 3), "Recruit change ambassadors"),
    ("Integration with the legacy system fails", "technical", "The old system has no documented API.",
     "Manual double entry until the old system is switched off.", (3, 5), "reduce",
     "Proof of concept of the integration before the contract is signed.", (2, 4), "Build the integration proof of concept"),
    ("Test environment not available", "technical", "IT operations has one shared test environment.",
     "Test weeks are lost; go-live moves.", (4, 2), "transfer",
     "Supplier hosts a dedicated test environment under the contract.", (2, 2), "Order the supplier-hosted test environment"),
    ("Scope grows with every demo", "schedule", "Users see what is possible and ask for more.",
     "Release 1 never finishes.", (4, 3), "avoid",
     "Scope frozen for release 1; new wishes go to the backlog for release 2.", (2, 3), ""),
    ("Procurement is appealed", "legal", "A losing bidder may contest the award.",
     "Three to six months' standstill.", (2, 4), "reduce",
     "Award criteria reviewed by the legal department before publication.", (2, 3), "Legal review of the award criteria"),
    ("Accessibility requirements not met", "legal", "The supplier's standard product is not WCAG 2.1 AA.",
     "Legal non-compliance; the portal cannot launch.", (3, 3), "transfer",
     "WCAG 2.1 AA made a contractual acceptance criterion.", (2, 2), "Book the external accessibility audit"),
    ("Contractor lacks capacity in the summer", "supplier", "The contractor plans holidays in July.",
     "Rebuilding pauses for four weeks.", (4, 2), "accept", "Planned around: no works in July.", (4, 1), ""),
    ("Cyber attack on the new platform", "technical", "Public-facing services are attractive targets.",
     "Service outage and a data breach notification.", (2, 5), "reduce",
     "Penetration test before go-live and monitoring by the security operations centre.", (1, 5),
     "Commission the penetration test"),
    ("Licence costs rise after year one", "financial", "Introductory pricing ends after twelve months.",
     "Running costs above the budget from year two.", (3, 3), "reduce",
     "Three-year price cap negotiated.", (1, 3), ""),
    ("Budget holders keep their spreadsheets", "operational", "The tool is seen as extra work.",
     "Two versions of the truth in the budget round.", (3, 3), "reduce",
     "Finance stops accepting spreadsheet submissions from round 2.", (2, 2), "Announce the end of spreadsheet submissions"),
]
OPPORTUNITIES: list[Template] = [
    ("EU grant for digital services", "financial", "The regional fund opens a call for municipal e-services.",
     "Up to 40% of the costs covered.", (3, 3), "exploit", "Grant application written with the region.", (4, 3),
     "Submit the grant application"),
    ("Joint procurement with Norrvik", "supplier", "The neighbouring municipality needs the same system.",
     "Lower licence price and shared support.", (2, 3), "share", "Letter of intent with Norrvik.", (3, 3), ""),
    ("Reuse of the portal's payment module", "technical", "The payment integration is generic.",
     "Two later projects save their integration work.", (4, 2), "enhance",
     "Module documented and offered to the other projects.", (4, 3), ""),
]
# The projects in trouble carry risks that stay critical: they flag their project.
SPECIFIC: dict[str, list[Template]] = {
    "DIG-03": [("Migration rehearsal fails again", "technical",
                "Two rehearsals failed on the payroll interface and closed-case archives.",
                "Go-live for social services moves past the summer; the old contract must be extended.",
                (4, 4), "reduce", "Third rehearsal with the supplier's migration specialists on site.", (4, 5),
                "Book the supplier's migration specialists")],
    "WPL-01": [("Acoustic measures exceed the budget", "financial",
                "Noise complaints in the floor 2 pilot; floors 3 and 4 need more panels.",
                "The project needs money the board has not released yet.", (3, 4), "reduce",
                "Cheaper panel supplier tendered; board asked for SEK 400k.", (4, 4),
                "Get a second quote for acoustic panels")],
}
PROGRAMME_RISKS = {
    "DIG": [("Integration platform is a bottleneck", "technical",
             "Four projects need the same integration team in the same quarter.",
             "Projects wait for each other; the programme slips.", (4, 4), "reduce",
             "Integration work sequenced at programme level; one extra integrator hired.", (3, 3),
             "Sequence the integration work across the programme")],
    "WPL": [("Facilities staff overloaded", "people", "The same six people run three building projects.",
             "Quality of site supervision drops.", (3, 3), "reduce", "Temporary site supervisor hired.", (2, 3), "")],
}
PORTFOLIO_RISKS = [
    ("Too many projects in parallel for IT", "strategic", "The portfolio starts more than IT can staff.",
     "Every project slows down; none finishes on time.", (4, 4), "reduce",
     "Portfolio board limits active IT projects to six.", (3, 3), "Propose a work-in-progress limit to the board"),
    ("Budget cut in the autumn budget", "financial", "Tax income forecasts were lowered.",
     "Approved projects are paused or cancelled.", (3, 4), "accept",
     "Projects ranked so that the board can cut from the bottom.", (3, 4), ""),
    ("The PMO is one person", "people", "The PMO lead is the only one who runs the portfolio process.",
     "Reporting stops when she is away.", (3, 3), "reduce", "A deputy trained for the monthly cycle.", (2, 2),
     "Train a deputy for the portfolio cycle"),
]
ISSUES = [
    ("Test server crashed; two test weeks lost", "high"),
    ("Contractor's subcontractor went bankrupt", "critical"),
    ("Key developer on long-term sick leave", "high"),
    ("Invoice dispute with the supplier", "medium"),
    ("Delivery of furniture damaged", "low"),
    ("Users locked out after the MFA roll-out", "high"),
    ("Report template not used by two projects", "low"),
    ("Licence count too low for the pilot", "medium"),
    ("Meeting rooms double-booked after the switch", "medium"),
]
NOTES = ["Discussed in the project meeting.", "After the supplier's update.", "Steering group asked for a re-rating.",
         "Mitigation is taking effect.", "Situation unchanged.", "New information from the test team."]


def _days_ago(today: date, days: int) -> date:
    return today - timedelta(days=max(days, 1))


def load(pmo: PMO, today: date, seed: int = 7) -> None:
    """Write the demo risks and issues (called by the ``demo_data`` hook)."""
    rng = random.Random(seed)
    run = kit.DemoClock(pmo).run  # after the ledger's last record, whichever plugin wrote it

    projects = [p for p in core_queries.list_projects(pmo) if p["stage"] in ("active", "approved", "closed")]
    programmes = {p["code"]: p for p in core_queries.list_programmes(pmo)}
    places = []  # (scope, project row or None, programme row or None, owner, templates)
    pool = THREATS[:]
    for n, project in enumerate(projects):
        count = {"active": 5, "approved": 3, "closed": 3}[project["stage"]]
        picked = [pool[(n * 3 + k * 5) % len(pool)] for k in range(count)]
        if n % 3 == 0:
            picked.append(OPPORTUNITIES[n % len(OPPORTUNITIES)])
        picked += SPECIFIC.get(project["code"], [])
        places.append(("project", project, None, project["manager"] or "saga", picked))
    for code, templates in PROGRAMME_RISKS.items():
        if code in programmes:
            places.append(("programme", None, programmes[code], programmes[code]["manager"] or "saga", templates))
    places.append(("portfolio", None, None, "saga", PORTFOLIO_RISKS))

    with pmo.bulk():
        materialised = 0
        for scope, project, programme, owner, templates in places:
            for k, template in enumerate(templates):
                title, category, cause, effect, (p, i), strategy, response, (rp, ri), mitigation = template
                kind = "opportunity" if template in OPPORTUNITIES else "threat"
                closed_project = project is not None and project["stage"] == "closed"
                identified = _days_ago(today, rng.randint(200, 350))
                risk = run(owner, "Risk identified", lambda: services.identify_risk(
                    pmo, title, owner, scope=scope, project_id=project["id"] if project else None,
                    programme_id=programme["id"] if programme else None, description=f"{title}.",
                    cause=cause, effect=effect, category=category, kind=kind, ref=f"R-{k + 1:03d}",
                    proximity=today + timedelta(days=rng.randint(-60, 240)),
                    review_date=identified + timedelta(days=90), identified_on=identified,
                    probability=p, impact=i))
                run(owner, "Response agreed", lambda: services.plan_response(pmo, risk.id, strategy, response))
                # Reassessments over the year: the residual exposure moves towards its target.
                day = identified
                steps = rng.randint(1, 3)
                for step in range(1, steps + 1):
                    day = min(day + timedelta(days=rng.randint(30, 90)), today - timedelta(days=1))
                    sp = round(p + (rp - p) * step / steps)
                    si = round(i + (ri - i) * step / steps)
                    run(owner, "Risk reassessed", lambda: services.assess_risk(
                        pmo, risk.id, "residual", sp, si, assessed_on=day, note=rng.choice(NOTES)))
                if mitigation:
                    due = day + timedelta(days=rng.randint(10, 60))
                    action = run(owner, "Mitigation planned", lambda: services.add_mitigation(
                        pmo, risk.id, mitigation, owner, due_date=due))
                    if due < today and rng.random() < 0.6 and rp * ri < 16:
                        run(owner, "Mitigation done", lambda: logs.close_action(pmo, action.id, "Done."))
                if closed_project:
                    run(owner, "Project closed", lambda: services.close_risk(
                        pmo, risk.id, "The project is closed; the risk can no longer occur.", closed_on=day))
                    continue
                if kind == "threat" and 12 <= p * i and rp * ri < 16 and materialised < 6 and rng.random() < 0.35:
                    materialised += 1
                    issue = run(owner, "The risk happened", lambda: services.materialise_risk(
                        pmo, risk.id, "high" if p * i < 16 else "critical", raised_on=day + timedelta(days=7)))
                    _issue_story(run, pmo, issue, owner, project, rng, today)
                    continue
                # Most risks were reviewed on time; some reviews are overdue now.
                next_review = today + timedelta(days=rng.randint(10, 80))
                if rng.random() < 0.25:
                    next_review = today - timedelta(days=rng.randint(3, 40))
                run(owner, "Risk review", lambda: services.review_risk(
                    pmo, risk.id, next_review, "Reviewed with the team.",
                    reviewed_on=min(next_review - timedelta(days=1), today - timedelta(days=1))))
        active = [p for p in projects if p["stage"] == "active"]
        for n, (title, priority) in enumerate(ISSUES):
            project = active[n % len(active)] if active and n < len(ISSUES) - 1 else None
            owner = project["manager"] if project and project["manager"] else "saga"
            issue = run(owner, "Issue raised", lambda: services.raise_issue(
                pmo, title, owner, priority, scope="project" if project else "portfolio",
                project_id=project["id"] if project else None, raised_on=_days_ago(today, rng.randint(5, 200)),
                description=f"{title}. Raised in the project meeting."))
            _issue_story(run, pmo, issue, owner, project, rng, today)


def _issue_story(run, pmo: PMO, issue, owner: str, project: dict | None, rng: random.Random, today: date) -> None:
    """Some issues go up to the boards; about half are resolved."""
    roll = rng.random()
    if project is not None and roll < 0.4:
        to = "programme" if project["programme_id"] else "portfolio"
        run(owner, "Needs the board", lambda: services.escalate_issue(
            pmo, issue.id, to, "The project cannot solve this within its tolerances."))
        if to == "programme" and roll < 0.15:
            run("saga", "Needs the portfolio board", lambda: services.escalate_issue(
                pmo, issue.id, "portfolio", "Affects other programmes too."))
    if rng.random() < 0.5:
        run(owner, "Issue resolved", lambda: services.resolve_issue(
            pmo, issue.id, "Solved with the supplier; see the decision log.",
            resolved_on=min(issue.raised_on + timedelta(days=rng.randint(7, 40)), today - timedelta(days=1))))
