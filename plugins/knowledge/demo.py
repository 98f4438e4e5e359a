"""The knowledge plugin's part of the demo PMO: two project templates (a small project and a
large one, the large one revised once, so it has two versions), two dozen lessons learned over
the demo year, most endorsed and one retired, and a category and tags on the demo projects so
their pages suggest lessons.

The core demo has written its year and the ledger's time only grows, so these commands are
stamped a couple of seconds apart *after* the ledger's last record (``kit.DemoClock``), each by
the person who would have done it; the year lives in the lessons' ``recorded_on`` dates.
Deterministic: the same ``today`` gives the same story.
"""
from __future__ import annotations

from datetime import date, timedelta

from core import queries as core_queries
from core.pmo import PMO
from plugins import kit
from plugins.knowledge import services

SMALL = dict(
    name="Small project", category="technology", tags=["it", "small"],
    description="Up to six months and three people: one sponsor, one manager, a light gate at each stage.",
    milestones=[{"name": "Kick-off", "offset_days": 0}, {"name": "Requirements agreed", "offset_days": 30},
                {"name": "Go-live", "offset_days": 120}, {"name": "Closure report", "offset_days": 150}],
    actions=[{"title": "Write the project brief", "offset_days": 7, "owner": ""},
             {"title": "Book the closure workshop", "offset_days": 130, "owner": ""}],
    checklists={"approved": ["Project brief signed by the sponsor", "Budget confirmed"],
                "active": ["Team named", "Plan with milestones"],
                "closed": ["Lessons learned recorded", "Hand-over to operations signed"]},
    recommended_plugins=["risk"], gate_reviews_required=False)
LARGE = dict(
    name="Large project", category="governance", tags=["procurement", "supplier", "steering"],
    description="A year or more, a supplier, a steering committee: full business case and gate reviews.",
    milestones=[{"name": "Business case approved", "offset_days": 0}, {"name": "Tender published", "offset_days": 60},
                {"name": "Contract signed", "offset_days": 150}, {"name": "Pilot live", "offset_days": 270},
                {"name": "Go-live", "offset_days": 365}, {"name": "Benefits review", "offset_days": 545}],
    actions=[{"title": "Set up the steering committee", "offset_days": 14, "owner": ""},
             {"title": "Risk workshop with the supplier", "offset_days": 160, "owner": ""},
             {"title": "Plan the benefits measurement", "offset_days": 300, "owner": "saga"}],
    checklists={"approved": ["Business case with benefits", "Sponsor and steering committee named",
                             "Procurement route agreed with legal"],
                "active": ["Contract signed", "Risk register started", "Resource plan agreed"],
                "closed": ["Lessons learned recorded", "Benefits handed over to their owners", "Contract closed"]},
    recommended_plugins=["risk", "resources", "benefits"], gate_reviews_required=True)

# title, kind, category, tags, project, who, what happened, recommendation
LESSONS = [
    ("Supplier delivered late without warning", "avoid", "suppliers", ["supplier", "contract"], "DIG-03", "joris",
     "The supplier missed two delivery dates; we heard about it on the day.", "Put delivery milestones with penalties in the contract and check them weekly."),
    ("Weekly demos kept users on board", "repeat", "stakeholders", ["users", "demo"], "DIG-01", "joris",
     "Every Friday the team showed what it built; users asked for less and trusted more.", "Demo working software to users every week from the first sprint."),
    ("Data migration rehearsals saved the go-live", "repeat", "technology", ["migration", "go-live"], "DIG-03", "joris",
     "Two full rehearsals found 4,000 broken records before go-live.", "Rehearse the migration twice on a copy of production data."),
    ("Works council heard too late", "avoid", "people", ["works council", "change"], "WPL-01", "mehmet",
     "The council learned of the office plan from the newsletter and asked for a pause.", "Meet the works council informally before any plan is published."),
    ("Scope frozen for release one", "repeat", "scope", ["scope", "release"], "DIG-01", "joris",
     "New wishes went to the release 2 backlog; release 1 shipped on time.", "Freeze the scope of the first release and keep a visible backlog."),
    ("Accessibility checked at the end", "avoid", "quality", ["accessibility", "supplier"], "DIG-08", "lena",
     "The audit two weeks before launch found 60 WCAG failures.", "Make WCAG 2.1 AA an acceptance criterion and test each sprint."),
    ("One shared test environment", "avoid", "technology", ["testing", "environment"], "DIG-02", "lena",
     "Three projects queued for the same test environment; we lost five weeks.", "Order a dedicated test environment with the contract."),
    ("Sponsor chaired every steering meeting", "repeat", "governance", ["steering", "sponsor"], "WPL-01", "mehmet",
     "Decisions were taken in the meeting, not deferred.", "Ask the sponsor to chair the steering committee and keep it monthly."),
    ("Budget contingency kept separate", "repeat", "finance", ["budget", "contingency"], "FIN-01", "saga",
     "A 10% contingency held by the sponsor absorbed the price index rise.", "Keep contingency outside the team's budget, released by the sponsor."),
    ("Procurement appeal stopped the project", "avoid", "suppliers", ["procurement", "legal"], "WPL-03", "mehmet",
     "A losing bidder appealed; four months' standstill.", "Have legal review the award criteria before publishing the tender."),
    ("Change ambassadors per department", "repeat", "change", ["adoption", "training"], "WPL-04", "mehmet",
     "Each department had someone to ask; adoption came within weeks.", "Recruit a change ambassador in each department before go-live."),
    ("Legacy interfaces undocumented", "avoid", "technology", ["integration", "legacy"], "DIG-03", "joris",
     "Only one retiring developer knew the old interfaces.", "Document legacy interfaces before the contract is signed."),
    ("Benefits owner named at the start", "repeat", "governance", ["benefits", "ownership"], "DIG-01", "saga",
     "The business owner measured the benefits long after the project closed.", "Name the benefit owner in the business case, not at closure."),
    ("Status reports written the day before steering", "avoid", "governance", ["reporting", "steering"], "PMO-01", "saga",
     "Reports were late and stale; the committee asked for updates in the meeting.", "Publish status reports a week before the steering meeting."),
    ("Pilot with one department first", "repeat", "scope", ["pilot", "go-live"], "WPL-02", "lena",
     "The pilot found booking rules nobody had written down.", "Pilot with one department before rolling out to all."),
    ("Privacy assessment started late", "avoid", "quality", ["privacy", "legal"], "DIG-05", "lena",
     "The DPIA demanded design changes after the build.", "Start the privacy impact assessment in the design phase."),
    ("Onboarding buddies for new staff", "repeat", "people", ["onboarding", "hr"], "HR-01", "lena",
     "New staff with a buddy were productive weeks sooner.", "Give every newcomer a buddy for the first three months."),
    ("Too many parallel projects for one team", "avoid", "planning", ["capacity", "resources"], "PMO-01", "saga",
     "The digital team ran five projects; all of them slipped.", "Check team capacity before approving a project."),
    ("Supplier workshop on risks", "repeat", "suppliers", ["supplier", "risk"], "DIG-02", "lena",
     "A joint risk workshop found the supplier's summer staffing gap.", "Hold a risk workshop with the supplier right after signing."),
    ("Milestones planned without the team", "avoid", "planning", ["planning", "estimates"], "WPL-06", "mehmet",
     "Dates set by the sponsor alone were missed by two months.", "Plan milestones with the people who do the work."),
    ("Closure report skipped", "avoid", "governance", ["closure", "lessons"], "DIG-07", "saga",
     "Nobody recorded why the archive project stopped; the next one repeated the mistake.", "Hold a closure workshop and record the lessons, also for cancelled projects."),
    ("Paper forms kept in parallel", "avoid", "change", ["adoption", "paper"], "DIG-08", "joris",
     "Staff kept the paper forms 'just in case'; nobody used the app.", "Switch the paper forms off on go-live day."),
    ("Energy data from the meters", "repeat", "finance", ["energy", "measurement"], "WPL-03", "mehmet",
     "Smart meters gave monthly figures without manual counting.", "Measure benefits from data that is already collected."),
    ("Old method: one big requirements document", "avoid", "scope", ["requirements"], None, "saga",
     "A 200-page requirements document was out of date before the tender.", "Replaced by our agile handbook (see the templates)."),
]
PROFILES = {"DIG": ("technology", ["supplier", "go-live", "users"]), "WPL": ("change", ["supplier", "adoption"]),
            "FIN": ("finance", ["budget"]), "HR": ("people", ["onboarding"]), "PMO": ("governance", ["steering"])}


def load(pmo: PMO, today: date) -> None:
    """Write the demo templates, lessons and project profiles (called by the ``demo_data`` hook)."""
    clock = kit.DemoClock(pmo)
    run = clock.run
    projects = {p["code"]: p["id"] for p in core_queries.list_projects(pmo)}
    start = today - timedelta(days=360)
    with pmo.bulk():
        run("saga", "PMO standard for small projects", lambda: services.define_template(pmo, **SMALL))
        large = run("saga", "PMO standard for large projects", lambda: services.define_template(pmo, **LARGE))
        run("saga", "Lessons: supplier risk workshop and benefits plan belong in every large project",
            lambda: services.revise_template(pmo, large.id, checklists={
                **LARGE["checklists"], "active": [*LARGE["checklists"]["active"], "Supplier risk workshop held"]}))
        for n, (title, kind, category, tags, code, who, what, advice) in enumerate(LESSONS):
            day = start + timedelta(days=15 * n)
            lesson = run(who, "Lessons learned session", lambda: services.record_lesson(
                pmo, title, what, kind, advice, category, tags, "active" if n % 3 else "closed",
                projects.get(code) if code else None, recorded_on=day))
            if n == len(LESSONS) - 1:
                run("saga", "Method replaced", lambda: services.endorse_lesson(pmo, lesson.id, "Still true in 2024."))
                run("saga", "Method replaced", lambda: services.retire_lesson(
                    pmo, lesson.id, "We no longer write big requirements documents."))
            elif n % 5 != 4:  # a few stay proposed, waiting for the PMO
                run("saga", "Reviewed in the PMO network", lambda: services.endorse_lesson(pmo, lesson.id))
        for code, pid in projects.items():
            profile = PROFILES.get(code.split("-")[0])
            if profile and not code.endswith("-01"):  # the -01 projects are left for the PMO to profile
                run("saga", "Project profiled for lesson suggestions",
                    lambda: services.profile_project(pmo, pid, profile[0], profile[1]))
