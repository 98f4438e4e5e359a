"""The demo PMO: a year in the life of the PMO of Eksund, a fictional municipality.

``load_demo(pmo, today)`` writes the year before ``today`` in time order, through the
application services only, each command inside ``command_context(actor, reason,
occurred_at=...)`` with a backdated UTC time. So the history looks real, every page can be
shown "as of" any day of that year, and ledger time only grows along the log.

The story: a one-person PMO (Saga) starts using PMO Ledger, enters the running projects from
the old spreadsheet, and from then on records the portfolio board's gate decisions, monthly
status reports with RAG ratings, milestones that slip and are re-forecast, decisions, and
actions with owners and due dates. Two programmes (digital services; workplace and
facilities) and a handful of standalone projects; 21 projects in every lifecycle stage.

Deterministic: the same ``today`` and ``seed`` give the same history (ids aside).
No Flask here; ``pmo demo`` and the tests call it.
"""
from __future__ import annotations

import heapq
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from core.domain.project import Project
from core.domain.user import User
from core.pmo import PMO
from core.services import logs, maturity, plugins, portfolio, projects, reporting, users
from events.context import command_context


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: str
    password: str
    job: str

    @property
    def email(self) -> str:
        return f"{self.username}@eksund.example"


# Passwords are for the demo only; they are documented in README.md.
DEMO_USERS = (
    DemoUser("admin", "Tove Lindqvist", "admin", "admin-demo", "IT operations, runs PMO Ledger"),
    DemoUser("saga", "Saga Bergqvist", "pmo", "saga-demo", "PMO lead"),
    DemoUser("joris", "Joris van Dam", "manager", "joris-demo", "Programme manager, digital services"),
    DemoUser("mehmet", "Mehmet Kaya", "manager", "mehmet-demo", "Programme manager, workplace"),
    DemoUser("lena", "Lena Åkesson", "manager", "lena-demo", "Project manager"),
    DemoUser("nora", "Nora Visser", "viewer", "nora-demo", "Director of operations"),
    DemoUser("pieter", "Pieter de Graaf", "auditor", "pieter-demo", "Internal audit"),
)

PORTFOLIO = ("Eksund change portfolio",
             "Every change initiative of Eksund Municipality, from idea to benefits.")
PROGRAMMES = {
    "DIG": ("Digital services", "Citizens and staff do their business online, first time right.",
            "Karin Ström (Citizen Services)", "joris"),
    "WPL": ("Workplace and facilities", "Fewer, better buildings and a workplace for hybrid work.",
            "Annelies Bakker (Facilities)", "mehmet"),
}
NAMES = {u.username: u.display_name for u in DEMO_USERS}
RAG = ("green", "amber", "red")
GATE_HOURS = {"proposed": 13, "approved": 14, "cancelled": 15, "closed": 15}


@dataclass
class Spec:
    """One demo project: its story in board months (1-12 after the start) and its texts."""

    code: str
    name: str
    description: str
    sponsor: str
    manager: str
    programme: str | None
    # (stage, board month); stage "migrated:<stage>" = entered from the spreadsheet in week 2
    path: list[tuple[str, int]]
    months: int  # planned duration once active
    milestones: list[tuple[str, float]]  # name, fraction of the planned duration
    progress: list[str]  # things that get done, for report summaries
    # (dimension, from board month, to board month, level 1 amber / 2 red)
    trouble: list[tuple[str, int, int, int]] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    steering: tuple[str, str, str] | None = None  # decision when first red: title, decision, why
    budget: str = ""
    started_before: int = 0  # migrated active projects: days started before the demo year


SPECS = [
    Spec("DIG-01", "Citizen e-services portal",
         "One portal for applications, bookings and payments, replacing nine separate web forms.",
         "Karin Ström (Citizen Services)", "joris", "DIG",
         [("migrated:active", 0)], 16,
         [("Design approved", .2), ("Payments integration live", .45), ("Pilot with building permits", .6),
          ("Accessibility audit passed", .75), ("All nine forms migrated", .95)],
         ["the parking-permit form went live in the portal", "usability sessions with twelve residents",
          "payment provider certificate renewed", "content editors trained"],
         [("schedule", 4, 7, 2), ("schedule", 8, 9, 1), ("scope", 5, 6, 1)],
         ["Agree test data with the permits team", "Book accessibility auditor",
          "Escalate payment gateway delay to supplier account manager"],
         ("Pilot moves to building permits only", "Run the pilot with building permits only; "
          "waste collection forms move to the second wave.", "Keeps the pilot date while the "
          "integration with the waste system is rebuilt."),
         "SEK 6.2m", started_before=70),
    Spec("DIG-02", "Digital signing of council decisions",
         "E-signatures for decisions and contracts, ending paper signature rounds.",
         "Karin Ström (Citizen Services)", "lena", "DIG",
         [("migrated:active", 0), ("closed", 7)], 9,
         [("Signature service procured", .3), ("Registry integration tested", .6),
          ("All departments signing digitally", .95)],
         ["the registry office signed its first contracts digitally", "training for secretaries done",
          "archive export agreed with the records manager"],
         [("schedule", 3, 5, 1)],
         ["Confirm archive format with the records manager", "Send go-live note to all department heads"],
         budget="SEK 0.9m", started_before=120),
    Spec("DIG-03", "Case management system replacement",
         "Replace the 15-year-old case management system for social services.",
         "Henrik Dahl (Finance)", "joris", "DIG",
         [("idea", 1), ("proposed", 2), ("approved", 3), ("active", 3)], 15,
         [("Supplier selected", .15), ("Data migration rehearsal", .4), ("Integration with payroll", .55),
          ("User acceptance test", .75), ("Go-live social services", .95)],
         ["process workshops with the social services teams", "data cleansing of closed cases",
          "supplier team on site two days a week", "interface specifications signed"],
         [("schedule", 5, 10, 2), ("cost", 6, 10, 2), ("scope", 7, 8, 1), ("schedule", 11, 12, 1)],
         ["Get a firm migration quote", "Freeze the scope of release 1", "Plan extra test week",
          "Ask finance for a contingency release", "Reconcile migrated case counts"],
         ("Go-live moved to after the summer", "Move the go-live of release 1 by four months "
          "and release SEK 1.1m from contingency.", "Data migration rehearsal failed twice; "
          "going live in the holiday period is too risky for social services."),
         "SEK 11.5m"),
    Spec("DIG-04", "Open data platform",
         "Publish the municipality's datasets under an open licence.", "Ruud Jansen (CIO)", "lena", "DIG",
         [("idea", 5), ("proposed", 7), ("approved", 11)], 8, [], [], budget="SEK 1.4m"),
    Spec("DIG-05", "Chatbot for citizen questions",
         "A chat assistant for the contact centre's twenty most asked questions.",
         "Karin Ström (Citizen Services)", "", "DIG", [("idea", 8), ("proposed", 10)], 6, [], []),
    Spec("DIG-06", "Single sign-on for staff",
         "One login for all staff applications, with multi-factor authentication.",
         "Ruud Jansen (CIO)", "joris", "DIG",
         [("idea", 1), ("proposed", 1), ("approved", 2), ("active", 3), ("closed", 11)], 8,
         [("Identity provider configured", .25), ("First ten applications connected", .55),
          ("MFA for all staff", .8), ("Old directory switched off", 1.0)],
         ["password reset calls to the service desk down by a third", "MFA rolled out to finance",
          "HR system connected"],
         [("schedule", 6, 7, 1)],
         ["Send MFA instructions to all staff", "Check the remaining legacy logins"],
         budget="SEK 2.1m"),
    Spec("DIG-07", "Paper archive digitisation",
         "Scan the building-permit archive (1950-2005).", "Karin Ström (Citizen Services)", "lena", "DIG",
         [("migrated:approved", 0), ("cancelled", 4)], 10, [], [], budget="SEK 3.0m"),
    Spec("DIG-08", "Permit applications on mobile",
         "Let residents apply for permits from their phone.", "Karin Ström (Citizen Services)", "", "DIG",
         [("idea", 10)], 6, [], []),
    Spec("WPL-01", "Activity-based office, town hall floors 2-4",
         "Rebuild three floors as an activity-based workplace for 240 staff.",
         "Annelies Bakker (Facilities)", "mehmet", "WPL",
         [("migrated:approved", 0), ("active", 1)], 15,
         [("Design signed off by works council", .15), ("Contractor appointed", .3), ("Floor 2 ready", .55),
          ("Floor 3 ready", .75), ("Floor 4 ready and move complete", 1.0)],
         ["works council approved the zoning plan", "furniture samples tested by two teams",
          "move plan shared with team leaders", "acoustic panels installed on floor 2"],
         [("cost", 3, 5, 1), ("schedule", 6, 8, 1), ("cost", 9, 12, 2)],
         ["Ask contractor for revised quote on acoustics", "Plan move weekends with IT",
          "Update floor plan for the works council"],
         ("Acoustics budget increase", "Add SEK 400k for acoustic measures on floors 3 and 4.",
          "Noise complaints in the floor 2 pilot; cheaper now than after the move."),
         "SEK 18m"),
    Spec("WPL-02", "Meeting room booking system",
         "Book rooms and desks from Outlook and the intranet.", "Annelies Bakker (Facilities)", "mehmet", "WPL",
         [("migrated:active", 0), ("closed", 3)], 6,
         [("Room sensors installed", .6), ("Booking live for all buildings", .95)],
         ["sensors installed in the town hall", "intranet booking page live"], [],
         ["Remove old paper booking lists"], budget="SEK 0.4m", started_before=130),
    Spec("WPL-03", "LED lighting retrofit in depots",
         "Replace lighting in four depots; cuts their electricity use by about 40%.",
         "Annelies Bakker (Facilities)", "mehmet", "WPL",
         [("migrated:proposed", 0), ("approved", 1), ("active", 2), ("closed", 9)], 5,
         [("Depot North done", .3), ("Depot South done", .55), ("Depots East and West done", .9)],
         ["depot North relit over two weekends", "energy meter readings baselined"],
         [("schedule", 3, 6, 2), ("cost", 4, 5, 1)],
         ["Chase fittings delivery with the wholesaler", "Re-plan electrician capacity"],
         ("Depots East and West after the winter", "Finish East and West after the winter peak.",
          "Fittings back-ordered; the electricians are needed for winter readiness."),
         "SEK 1.7m"),
    Spec("WPL-04", "Hybrid working: equipment and guidelines",
         "Home-office kits, guidelines and manager training for hybrid work.",
         "Olof Nyberg (HR)", "lena", "WPL",
         [("idea", 2), ("proposed", 2), ("approved", 3), ("active", 4)], 10,
         [("Guidelines agreed with unions", .25), ("Home-office kits delivered", .5),
          ("Manager training complete", .8)],
         ["guidelines discussed with the unions", "kit order placed for 600 staff",
          "manager workshop held with 40 participants"],
         [("scope", 5, 6, 1), ("schedule", 8, 10, 1)],
         ["Collect kit sizes per department", "Book trainers for the manager sessions"],
         budget="SEK 2.6m"),
    Spec("WPL-05", "Depot consolidation study",
         "Study whether four depots can become two.", "Annelies Bakker (Facilities)", "", "WPL",
         [("idea", 4), ("proposed", 6)], 6, [], []),
    Spec("WPL-06", "Staff restaurant refurbishment",
         "New kitchen and seating for the town hall staff restaurant.",
         "Annelies Bakker (Facilities)", "mehmet", "WPL",
         [("idea", 1), ("proposed", 2), ("cancelled", 5)], 6, [], []),
    Spec("WPL-07", "EV charging at the staff car park",
         "Forty charging points, shared with pool cars.", "Annelies Bakker (Facilities)", "mehmet", "WPL",
         [("idea", 6), ("proposed", 8), ("approved", 11)], 5, [], [], budget="SEK 1.2m"),
    Spec("FIN-01", "Budget and forecasting tool",
         "Replace spreadsheet budgeting with a shared forecasting tool.", "Henrik Dahl (Finance)", "lena", None,
         [("migrated:active", 0)], 16,
         [("Chart of accounts mapped", .25), ("Pilot with two departments", .5),
          ("Budget round run in the tool", .85)],
         ["chart of accounts mapped", "two departments forecast in the tool",
          "controllers trained"],
         [("scope", 2, 5, 1), ("schedule", 4, 6, 1), ("schedule", 7, 7, 2)],
         ["Agree forecast granularity with controllers", "Decide on payroll import"],
         ("Budget round 2 in the tool, not 1", "Run the coming budget round in spreadsheets once more.",
          "The payroll import is not ready; two tools in one round would confuse budget holders."),
         "SEK 1.9m", started_before=40),
    Spec("HR-01", "Onboarding journey for new employees",
         "A first-90-days journey: accounts ready on day one, a buddy, and a welcome day.",
         "Olof Nyberg (HR)", "lena", None,
         [("migrated:active", 0), ("closed", 6)], 8,
         [("Accounts ready on day one", .4), ("Welcome day piloted", .7), ("Buddy scheme live", .95)],
         ["welcome day held for 18 new colleagues", "account ordering moved into the HR system"],
         [("schedule", 2, 3, 1)],
         ["Survey the spring starters"], budget="SEK 0.3m", started_before=100),
    Spec("PMO-01", "Project handbook and templates",
         "One light method for the municipality: handbook, templates, RAG definitions, training.",
         "Nora Visser (Operations)", "saga", None,
         [("idea", 1), ("proposed", 1), ("approved", 1), ("active", 1)], 14,
         [("RAG definitions agreed", .1), ("Status report template in use", .25),
          ("Handbook published", .5), ("First project manager training", .7),
          ("Lessons-learned review of closed projects", .9)],
         ["status report template used by all active projects", "handbook draft reviewed by managers",
          "first lessons-learned session held", "joined the regional PMO network's quarterly meetings"],
         [("schedule", 7, 8, 1)],
         ["Collect lessons learned from closed projects", "Plan the portfolio game with the management team"],
         budget="SEK 0.2m"),
    Spec("HR-02", "Competence mapping for project staff",
         "Map project skills and competence levels to plan capacity.", "Olof Nyberg (HR)", "", None,
         [("idea", 9)], 6, [], []),
    Spec("SEC-01", "Information security awareness",
         "Phishing simulations and short training for every employee.", "Ruud Jansen (CIO)", "joris", None,
         [("idea", 2), ("proposed", 3), ("approved", 4), ("active", 5)], 12,
         [("Baseline phishing test", .15), ("E-learning launched", .4), ("80% of staff trained", .85)],
         ["first phishing simulation sent", "e-learning translated", "click rate down to 9%"],
         [("schedule", 7, 9, 1), ("scope", 8, 8, 1)],
         ["Ask managers to remind their teams", "Publish phishing results on the intranet"],
         budget="SEK 0.6m"),
    Spec("GOV-01", "Records retention review",
         "Review retention schedules ahead of the new archive act.", "Karin Ström (Citizen Services)", "", None,
         [("idea", 7), ("proposed", 9)], 6, [], []),
]

PORTFOLIO_DECISIONS = {
    # board month: (title, decision, decided by, rationale)
    1: ("Status reports monthly", "Every active project publishes a status report by the 5th working day "
        "of the month.", "Portfolio board", "One rhythm for the portfolio board."),
    2: ("RAG definitions", "Amber: needs attention, the manager can recover. Red: needs a decision above "
        "the project.", "Portfolio board", "Ratings meant different things in different projects."),
    4: ("Quarterly prioritisation", "The board re-ranks proposed projects each quarter on value, risk and "
        "available people.", "Portfolio board", "How do we get the most change for our money?"),
    6: ("Status reports by the 3rd working day", "Status reports are due by the 3rd working day, so the "
        "PMO can prepare the board pack.", "Portfolio board", "The board pack was late twice."),
    9: ("P3M3 self-assessment", "The PMO runs a P3M3 self-assessment every year and presents it to the "
        "board.", "Portfolio board", "To see whether the PMO grows as planned."),
}
SUPERSEDES = {6: 1}  # month 6's decision replaces month 1's
PORTFOLIO_ACTIONS = [
    ("Prepare the portfolio board pack", "saga"),
    ("Collect benefit figures from sponsors", "saga"),
    ("Draft capacity overview for next year", "nora"),
    ("Review the action list with project managers", "saga"),
    ("Check users and roles in PMO Ledger", "admin"),
]
ISSUES = {
    "schedule": ["supplier delivery {n} weeks late", "test environment not available until mid-month",
                 "key people on leave in the holiday period", "more defects in integration testing than planned"],
    "cost": ["quote above the business case", "extra consultancy hours for data work",
             "price increase in the framework agreement"],
    "scope": ["change request for extra reports pending", "new legal requirement after the privacy assessment",
              "users asked for two more forms in phase 1"],
}
OUTCOMES = ["Done.", "Done, see minutes.", "Agreed and noted in the plan.", "Sent.", "Completed."]


def workday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def board_day(first: date, month: int) -> date:
    """The portfolio board meets on the second Tuesday of each month."""
    y, m = divmod(first.month - 1 + month, 12)
    start = date(first.year + y, m + 1, 1)
    return start + timedelta(days=(1 - start.weekday()) % 7 + 7)


def month_end(day: date) -> date:
    nxt = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


@dataclass
class _Project:
    spec: Spec
    id: uuid.UUID
    manager: str = ""
    stage: str = "idea"
    start: date | None = None
    end: date | None = None
    scores: dict[str, int] = field(default_factory=lambda: {"schedule": 0, "cost": 0, "scope": 0})
    overall: int = 0
    was_red: bool = False
    progress: int = 0
    reported_to: date | None = None
    closes: date | None = None  # the board day its closure is accepted, if in the story
    milestones: list[dict] = field(default_factory=list)


class _Timeline:
    """A queue of commands by time; each runs in its own backdated command context."""

    def __init__(self, today: date, rng: random.Random):
        self.today = today
        self.rng = rng
        self.queue: list = []
        self.seq = 0
        self.last: datetime | None = None
        self.commands = 0

    def at(self, day: date, hour: int, actor: str | Callable[[], str], reason: str,
           fn: Callable[[date], None]) -> None:
        """Run ``fn(day)`` on ``day`` (the next working day) at ``hour``; ``actor`` may be
        a callable, asked when the command runs (people hand projects over)."""
        day = workday(day)
        if day >= self.today:
            return  # the future is not written
        when = datetime.combine(day, time(hour, self.rng.randrange(60)), tzinfo=timezone.utc)
        heapq.heappush(self.queue, (when, self.seq, actor, reason, fn))
        self.seq += 1

    def run(self) -> None:
        while self.queue:
            when, _, actor, reason, fn = heapq.heappop(self.queue)
            if self.last is not None and when <= self.last:
                when = self.last + timedelta(seconds=self.rng.randint(20, 180))
            self.last = when
            with command_context(actor() if callable(actor) else actor, reason, occurred_at=when):
                fn(when.date())
            self.commands += 1


class _Demo:
    def __init__(self, pmo: PMO, today: date, seed: int):
        self.pmo = pmo
        self.today = today
        self.rng = random.Random(seed)
        self.t0 = today - timedelta(days=365)
        self.tl = _Timeline(today, self.rng)
        self.programme_ids: dict[str, uuid.UUID] = {}
        self.projects = {s.code: _Project(s, Project.create_id(s.code), s.manager) for s in SPECS}
        self.decisions: dict[int, uuid.UUID] = {}
        for p in self.projects.values():
            closing = dict(p.spec.path).get("closed")
            p.closes = self.board(closing) if closing else None

    def board(self, month: int) -> date:
        return board_day(self.t0, month)

    # --- the year ---------------------------------------------------------------------------

    def write(self) -> None:
        t0, at = self.t0, self.tl.at
        at(t0, 8, "admin", "Setting up PMO Ledger", self.create_users)
        at(t0 + timedelta(days=1), 9, "saga", "Setting up the portfolio", self.establish)
        migration = t0 + timedelta(days=7)
        for spec in SPECS:
            for stage, month in spec.path:
                if stage.startswith("migrated:"):
                    at(migration, 10, "saga", "Entered from the project spreadsheet",
                       lambda d, s=spec, st=stage[9:]: self.migrate(d, s, st))
                elif stage == "idea":
                    day = max(t0 + timedelta(days=2), self.board(month) - timedelta(days=self.rng.randint(8, 20)))
                    at(day, 11, spec.manager or "saga", "New idea for the portfolio",
                       lambda d, s=spec: self.register(s))
                elif stage == "active":
                    previous = dict(spec.path).get("approved", month)
                    day = self.board(month) + timedelta(days=14 if previous == month else 0)
                    at(day, 9, "saga", "Kick-off held", lambda d, s=spec: self.kick_off(d, s))
                else:
                    board = self.board(month)
                    if stage == "closed":
                        p = self.projects[spec.code]
                        at(board, 10, lambda p=p: p.manager, "Final status report",
                           lambda d, p=p: self.submit(d, p, d, final=True))
                        at(board, 11, lambda p=p: p.manager, "Closing the plan",
                           lambda d, p=p: self.close_milestones(d, p))
                    at(board, GATE_HOURS[stage], "saga", f"Portfolio board {board:%d %B}",
                       lambda d, s=spec, st=stage: self.gate(d, s, st))
        at(t0 + timedelta(days=3), 10, "admin", "Joins as programme manager workplace",
           lambda d: users.change_role(self.pmo, User.create_id("mehmet"), "manager"))
        at(t0 + timedelta(days=120), 9, "admin", "Internal audit of project governance",
           lambda d: self._create_user(DEMO_USERS[-1]))
        at(t0 + timedelta(days=150), 10, "saga", "Handover: Joris focuses on case management",
           lambda d: self.hand_over(self.projects["DIG-06"], "mehmet"))
        for month in range(1, 13):
            at(self.board(month), 16, "saga", f"Portfolio board {self.board(month):%d %B}",
               lambda d, m=month: self.portfolio_board(d, m))
        # The maturity page's history: where the PMO started, and where it got to by autumn.
        at(t0 + timedelta(days=2), 14, "admin", "Self-assessment when the PMO was set up",
           lambda d: maturity.assess_maturity(self.pmo, MATURITY_AT_START))
        at(t0 + timedelta(days=270), 14, "admin", "Self-assessment after nine months",
           lambda d: maturity.assess_maturity(self.pmo, MATURITY_AFTER_NINE_MONTHS))
        self.tl.run()

    def create_users(self, day: date) -> None:
        for person in DEMO_USERS[:-1]:
            # Mehmet starts as a reader and becomes a manager when he joins the programme.
            self._create_user(person, "viewer" if person.username == "mehmet" else person.role)

    def _create_user(self, person: DemoUser, role: str | None = None) -> None:
        users.create_user(self.pmo, person.username, person.password, role or person.role,
                          display_name=person.display_name, email=person.email)

    def establish(self, day: date) -> None:
        portfolio.establish_portfolio(self.pmo, *PORTFOLIO)
        for code, (name, description, sponsor, manager) in PROGRAMMES.items():
            self.programme_ids[code] = portfolio.register_programme(
                self.pmo, code, name, description, sponsor=sponsor, manager=manager).id

    # --- projects ---------------------------------------------------------------------------

    def register(self, spec: Spec, manager: str = "", start: date | None = None,
                 end: date | None = None) -> None:
        projects.register_project(
            self.pmo, spec.code, spec.name, spec.description, sponsor=spec.sponsor, manager=manager,
            programme_id=self.programme_ids.get(spec.programme or ""), start_date=start, end_date=end)

    def hand_over(self, p: _Project, manager: str) -> None:
        projects.update_project(self.pmo, p.id, manager=manager)
        p.manager = manager

    def migrate(self, day: date, spec: Spec, stage: str) -> None:
        p = self.projects[spec.code]
        if stage == "active":
            p.start = self.t0 - timedelta(days=spec.started_before)
            p.end = p.start + timedelta(days=30 * spec.months)
        self.register(spec, spec.manager, p.start, p.end)
        decided = "Approved by the portfolio board before PMO Ledger (see the spreadsheet)."
        for step in ("proposed", "approved", "active"):
            projects.move_project_to_stage(self.pmo, p.id, step, decided)
            p.stage = step
            if step == stage:
                break
        if stage == "active":
            self.plan_milestones(day, p)
            self.schedule_report(p, day)

    def gate(self, day: date, spec: Spec, stage: str) -> None:
        p = self.projects[spec.code]
        if stage == "approved":
            p.start = workday(day + timedelta(days=14))
            p.end = p.start + timedelta(days=30 * spec.months)
            projects.update_project(self.pmo, p.id, manager=spec.manager, start_date=p.start, end_date=p.end)
            text = (f"Business case approved, budget {spec.budget or 'within the PMO budget'}; "
                    f"{NAMES[spec.manager]} is project manager.")
            self.decide(day, f"Approve {spec.code} {spec.name}", text, "Portfolio board",
                        "Fits the strategy; people available from next month.", p.id)
        elif stage == "proposed":
            text = "Idea accepted: the sponsor writes a business case with the PMO."
        elif stage == "cancelled":
            text = {"DIG-07": "Stopped: budget moved to the case management replacement.",
                    "WPL-06": "Stopped: the building survey found asbestos; remediation comes first."}[spec.code]
            self.decide(day, f"Stop {spec.code}", text, "Portfolio board",
                        "Re-prioritised at the quarterly portfolio review.", p.id)
        else:  # closed
            text = "Closure report accepted; benefits handed to the sponsor for follow-up."
        projects.move_project_to_stage(self.pmo, p.id, stage, text)
        p.stage = stage

    def kick_off(self, day: date, spec: Spec) -> None:
        p = self.projects[spec.code]
        projects.move_project_to_stage(self.pmo, p.id, "active",
                                       f"Kick-off held; plan baselined with {len(spec.milestones)} milestones.")
        p.stage = "active"
        if p.start != day:
            p.start = day
            p.end = day + timedelta(days=30 * spec.months)
            projects.update_project(self.pmo, p.id, start_date=p.start, end_date=p.end)
        self.plan_milestones(day, p)
        self.schedule_report(p, day)

    def plan_milestones(self, day: date, p: _Project) -> None:
        span = (p.end - p.start).days
        for name, fraction in p.spec.milestones:
            baseline = workday(p.start + timedelta(days=int(span * fraction)))
            if baseline <= day:
                continue  # already behind it when the plan came into PMO Ledger
            mid = reporting.plan_milestone(self.pmo, p.id, name, baseline).id
            p.milestones.append({"id": mid, "name": name, "forecast": baseline, "done": False})

    # --- the monthly rhythm -----------------------------------------------------------------

    def schedule_report(self, p: _Project, after: date) -> None:
        period_end = month_end(after)
        day = period_end + timedelta(days=self.rng.randint(1, 5))
        self.tl.at(day, self.rng.randint(8, 15), p.manager, f"Status report {period_end:%B %Y}",
                   lambda d: self.monthly_report(d, p, period_end))

    def month_index(self, day: date) -> int:
        return (day.year - self.t0.year) * 12 + day.month - self.t0.month

    def rate(self, p: _Project, period_end: date) -> None:
        k = self.month_index(period_end)
        for dim in p.scores:
            target = max([lvl for d, a, b, lvl in p.spec.trouble if d == dim and a <= k <= b], default=0)
            if target == 0 and self.rng.random() < 0.08:
                target = 1  # ordinary bumps
            score = p.scores[dim]
            if score < target and self.rng.random() < 0.85:
                score += 1
            elif score > target and self.rng.random() < 0.7:
                score -= 1
            p.scores[dim] = score
        p.overall = max(p.scores.values())

    def summary(self, p: _Project, before: int) -> str:
        done = self.rng.choice(p.spec.progress) if p.spec.progress else "work continued"
        worst = max(p.scores, key=p.scores.get)
        issue = self.rng.choice(ISSUES[worst]).format(n=self.rng.randint(2, 5))
        if p.overall == 0:
            head = "Back on track" if before > 0 else "On plan"
            return f"{head}: {done}."
        trend = "worse than last month" if p.overall > before else (
            "improving" if p.overall < before else "unchanged")
        return f"{RAG[p.overall].capitalize()} ({trend}): {issue}. Done this month: {done}."

    def submit(self, day: date, p: _Project, period_end: date, final: bool = False) -> None:
        start = max(p.reported_to + timedelta(days=1) if p.reported_to else p.start, period_end.replace(day=1))
        start = min(start, period_end)
        before = p.overall
        if final:
            p.scores = {k: max(0, v - 1) for k, v in p.scores.items()}
            p.overall = max(p.scores.values())
            p.progress = 100
        else:
            self.rate(p, period_end)
            elapsed = (period_end - p.start).days / max(1, (p.end - p.start).days)
            pace = (1.0, 0.9, 0.75)[p.overall]
            p.progress = max(p.progress, min(95, int(100 * elapsed * pace)))
        fields = dict(period_start=start, period_end=period_end, overall=RAG[p.overall],
                      schedule=RAG[p.scores["schedule"]], cost=RAG[p.scores["cost"]],
                      scope=RAG[p.scores["scope"]], summary=self.summary(p, before),
                      progress_pct=p.progress)
        if final:
            fields["summary"] = "Final report: deliverables handed over; lessons learned recorded."
        p.reported_to = period_end
        if not final and self.rng.random() < 0.12:
            # Now and then the PMO reviews a draft and asks for a clearer summary first.
            report = reporting.draft_status_report(self.pmo, p.id, **fields)
            self.tl.at(day + timedelta(days=1), 10, "saga", "Review of the draft report",
                       lambda d: reporting.revise_status_report(
                           self.pmo, report.id, summary=fields["summary"] + " Next: see the action list."))
            self.tl.at(day + timedelta(days=2), 11, p.manager, "Reviewed with the PMO",
                       lambda d: reporting.publish_status_report(self.pmo, report.id))
        else:
            reporting.submit_status_report(self.pmo, p.id, **fields)

    def monthly_report(self, day: date, p: _Project, period_end: date) -> None:
        if p.stage != "active":
            return
        self.submit(day, p, period_end)
        self.update_milestones(day, p, period_end)
        manager = p.manager
        if p.overall == 2 and not p.was_red and p.spec.steering:
            p.was_red = True
            title, text, why = p.spec.steering
            self.tl.at(day + timedelta(days=6), 15, "saga", "Steering group",
                       lambda d: self.decide(d, title, text, f"Steering group {p.spec.code}", why, p.id))
        wanted = p.overall + (1 if self.rng.random() < 0.3 else 0)
        for _ in range(wanted):
            if p.spec.actions:
                self.assign(day, self.rng.choice(p.spec.actions), p.id,
                            self.rng.choice([manager, manager, "saga", "lena", "joris", "mehmet"]),
                            editor=lambda p=p: p.manager)
        self.schedule_report(p, period_end + timedelta(days=1))

    def update_milestones(self, day: date, p: _Project, period_end: date) -> None:
        schedule = p.scores["schedule"]
        for m in p.milestones:
            if m["done"]:
                continue
            if m["forecast"] <= period_end:
                if self.rng.random() < (0.1, 0.35, 0.7)[schedule]:
                    self.slip(day, p, m, period_end, schedule)
                else:
                    actual = min(period_end, m["forecast"] + timedelta(days=self.rng.randint(-4, 9)))
                    m["done"] = True
                    self.tl.at(day, 16, p.manager, "Milestone reached",
                               lambda d, mid=m["id"], a=actual: reporting.achieve_milestone(self.pmo, mid, a))
            elif m["forecast"] <= period_end + timedelta(days=60) and self.rng.random() < (0.03, 0.25, 0.5)[schedule]:
                self.slip(day, p, m, m["forecast"], schedule)
        last = max((m["forecast"] for m in p.milestones), default=p.end)
        if p.end <= period_end + timedelta(days=45):
            # The end is near and the work is not: the sponsor agrees a new end date.
            last = max(last, workday(p.end + timedelta(weeks=self.rng.randint(8, 12))))
        if p.closes:
            last = min(last, p.closes)
        if last > p.end:
            p.end = last
            self.tl.at(day + timedelta(days=1), 9, p.manager, "Re-plan agreed with the sponsor",
                       lambda d, e=last: projects.update_project(self.pmo, p.id, end_date=e))

    def slip(self, day: date, p: _Project, m: dict, base: date, schedule: int) -> None:
        weeks = self.rng.randint(2, 4) + 2 * schedule
        m["forecast"] = workday(max(base, m["forecast"]) + timedelta(weeks=weeks))
        self.tl.at(day, 16, p.manager, f"Slipped {weeks} weeks",
                   lambda d, mid=m["id"], f=m["forecast"]: reporting.reforecast_milestone(self.pmo, mid, f))

    def close_milestones(self, day: date, p: _Project) -> None:
        for m in p.milestones:
            if not m["done"]:
                m["done"] = True
                reporting.achieve_milestone(self.pmo, m["id"], min(m["forecast"], day))

    # --- decisions and actions --------------------------------------------------------------

    def decide(self, day: date, title: str, text: str, by: str, why: str,
               project_id: uuid.UUID | None = None) -> uuid.UUID:
        return logs.record_decision(self.pmo, title, text, by, day, why, project_id).id

    def assign(self, day: date, title: str, project_id: uuid.UUID | None, owner: str,
               editor: Callable[[], str] = lambda: "saga") -> None:
        """Assign an action and decide its fate: done, done late, cancelled or left open."""
        due = workday(day + timedelta(days=self.rng.randint(10, 35)))
        action = logs.assign_action(self.pmo, title, owner, due, project_id)
        recent = (self.today - day).days < 80
        roll = self.rng.random()

        def closer() -> str:
            # Owners close their own actions when their role lets them edit the project.
            return owner if owner in ("saga", "admin") or owner == editor() else editor()

        if roll < (0.45 if recent else 0.6):
            done = due - timedelta(days=self.rng.randint(0, 8))
            self.tl.at(max(done, day + timedelta(days=1)), 12, closer, "Action done",
                       lambda d: logs.close_action(self.pmo, action.id, self.rng.choice(OUTCOMES)))
        elif roll < (0.6 if recent else 0.85):
            # Late: the due date moves once, then it is done after the original date.
            self.tl.at(due - timedelta(days=2), 9, closer, "Needs more time",
                       lambda d: logs.update_action(self.pmo, action.id, due_date=due + timedelta(days=14)))
            self.tl.at(due + timedelta(days=self.rng.randint(5, 20)), 13, closer, "Action done late",
                       lambda d: logs.close_action(self.pmo, action.id, "Done, later than planned."))
        elif roll < (0.66 if recent else 0.93):
            self.tl.at(due - timedelta(days=3), 15, "saga", "No longer needed",
                       lambda d: logs.cancel_action(self.pmo, action.id, "Overtaken by the re-plan."))
        # else: still open; overdue once its due date has passed

    def portfolio_board(self, day: date, month: int) -> None:
        if month in PORTFOLIO_DECISIONS:
            title, text, by, why = PORTFOLIO_DECISIONS[month]
            self.decisions[month] = self.decide(day, title, text, by, why)
            if month in SUPERSEDES and SUPERSEDES[month] in self.decisions:
                logs.supersede_decision(self.pmo, self.decisions[SUPERSEDES[month]], self.decisions[month])
        title, owner = PORTFOLIO_ACTIONS[month % len(PORTFOLIO_ACTIONS)]
        self.assign(day, title, None, owner)


# The demo PMO's self-assessments: monthly reports and risks in spreadsheets at the start
# (the case for the risk plugin), one log and standard reports nine months later.
MATURITY_AT_START = {
    "status_reporting": "monthly", "risks": "spreadsheet", "planning": "milestones",
    "decisions": "per_project", "people": "spreadsheet", "programmes": "informal",
    "benefits": "named", "dependencies": "listed", "lessons": "recorded",
    "programme_view": "separately", "selection": "business_case", "overview": "list",
    "costs": "spreadsheet", "capacity": "rough", "review": "yearly",
}
MATURITY_AFTER_NINE_MONTHS = {
    **MATURITY_AT_START, "status_reporting": "standard", "decisions": "shared",
    "planning": "baselined", "programmes": "governed", "programme_view": "summary",
    "overview": "status", "review": "quarterly",
}


def ledger_is_empty(pmo: PMO) -> bool:
    """True while nothing at all has been written: the demo needs the whole timeline."""
    return pmo.ledger.max_position() == 0


def load_demo(pmo: PMO, today: date | None = None, seed: int = 2024, enable_plugins: bool = True) -> int:
    """Write the demo PMO's year before ``today`` into ``pmo``; returns the commands written.

    Then every installed plugin is enabled (as the admin, at the end of the year) and asked
    for its part through the ``demo_data`` hook. Expects an empty ledger.
    """
    today = today or date.today()
    demo = _Demo(pmo, today, seed)
    demo.write()
    end = (demo.tl.last or datetime.now(timezone.utc)) + timedelta(minutes=5)
    if enable_plugins:
        for name in _dependency_order(pmo):
            if name not in pmo.enabled_plugins():
                end += timedelta(seconds=30)
                with command_context("admin", "Demo: every module switched on", occurred_at=end):
                    plugins.enable_plugin(pmo, name)
    with command_context("saga", "Demo data", occurred_at=end + timedelta(minutes=1)):
        pmo.hook("demo_data")(pmo=pmo, today=today)
    return demo.tl.commands


def _dependency_order(pmo: PMO) -> list[str]:
    ordered: list[str] = []

    def visit(name: str, seen: tuple = ()) -> None:
        if name in ordered or name in seen or name not in pmo.plugins:
            return
        for dep in pmo.plugins[name].depends:
            visit(dep, (*seen, name))
        ordered.append(name)

    for name in sorted(pmo.plugins):
        visit(name)
    return ordered
