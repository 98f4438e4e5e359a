"""The maturity model: where a PMO stands, and which plugins help it take its next step.

Inspired by P3M3 (five levels in each of three domains: project, programme and portfolio
management), told in the words a PMO uses, not the model's own text. A PMO answers a short
self-assessment (five questions per domain); each answer sits at a level, and a domain's
level is the level most of its answers reach (the lower median: one strong habit does not
lift a domain, one gap does not sink it). Unanswered questions do not count; a domain with
no answers is "not assessed".

Plugins declare the level and domain they serve (``plugin_info``). The recommendation joins
the two: rules keyed on answers name the plugins that fix what an answer reveals (the
built-ins by name, third parties through the optional ``addresses`` key of their
``plugin_info``), and the levels say which other installed plugins are within reach.
Pure functions over plain data: no Flask, no database.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core.domain.errors import ValidationError

# Bump when questions or options change meaning; each recorded assessment keeps its version.
MODEL_VERSION = 1
DOMAINS = ("project", "programme", "portfolio")
DOMAIN_TITLES = {"project": "Project management", "programme": "Programme management",
                 "portfolio": "Portfolio management"}


@dataclass(frozen=True)
class Level:
    number: int
    name: str
    summary: str
    meaning: Mapping[str, str]  # domain -> what the level looks like in that domain


LEVELS: tuple[Level, ...] = (
    Level(1, "Awareness", "Work gets done, each project in its own way; success depends on a few people.", {
        "project": "Projects exist and someone knows how each is doing, but there is no common way to "
                   "plan, report or log decisions.",
        "programme": "People know which projects belong together, but nobody steers them together.",
        "portfolio": "There is a list of projects somewhere, but no shared view of what they cost, "
                     "risk or deliver.",
    }),
    Level(2, "Repeatable", "Each project follows basic disciplines: a plan, regular status reports, a risk log.", {
        "project": "Projects plan milestones, report status regularly and keep decisions, actions and "
                   "risks, even if each in its own format.",
        "programme": "Programmes have a sponsor and a manager, and their projects report to one board.",
        "portfolio": "All projects are listed in one place, with their stage and latest status.",
    }),
    Level(3, "Defined", "One way of working for the whole organisation: shared templates, registers and roles.", {
        "project": "Every project uses the same templates, risk scales and gates, and the PMO keeps them.",
        "programme": "Programmes manage benefits, shared people and dependencies between their projects "
                     "in one agreed way.",
        "portfolio": "New projects are chosen against agreed criteria; budgets and capacity are known "
                     "before a project starts.",
    }),
    Level(4, "Managed", "Performance is measured and steered with numbers.", {
        "project": "Time, cost and risk are measured against baselines, and deviations trigger action.",
        "programme": "Benefits are measured and each programme is tracked against its business case.",
        "portfolio": "The mix of projects is balanced against strategy, budget and people, using data.",
    }),
    Level(5, "Optimised", "The way of working itself improves continuously, from lessons and data.", {
        "project": "Lessons learned change the templates and methods; the PMO improves its own process.",
        "programme": "What programmes learn feeds back into how the organisation plans change.",
        "portfolio": "The portfolio adapts to strategy as it changes; realised benefits inform the next "
                     "choices.",
    }),
)
LEVEL_BY_NUMBER = {level.number: level for level in LEVELS}


@dataclass(frozen=True)
class Option:
    key: str
    label: str
    level: int


@dataclass(frozen=True)
class Question:
    key: str
    domain: str
    text: str
    options: tuple[Option, ...]

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)


def _q(key: str, domain: str, text: str, *options: tuple[str, str, int]) -> Question:
    return Question(key, domain, text, tuple(Option(*o) for o in options))


QUESTIONS: tuple[Question, ...] = (
    # --- project ---------------------------------------------------------------------------
    _q("status_reporting", "project", "How do projects report their status?",
       ("on_request", "Only when someone asks", 1),
       ("monthly", "Regularly (say monthly), with a red/amber/green rating", 2),
       ("standard", "On one template for every project, checked by the PMO", 3),
       ("baselined", "Against baselines for time, cost and scope; deviations trigger action", 4),
       ("improving", "As above, and the reporting itself is reviewed and improved", 5)),
    _q("risks", "project", "How do you keep track of risks?",
       ("none", "We don't, or only in people's heads", 1),
       ("spreadsheet", "In a spreadsheet or a document per project", 2),
       ("register", "In one register with shared probability and impact scales", 3),
       ("managed", "Reviewed on a schedule, with owned responses and residual risk tracked", 4),
       ("improving", "Risk data from past projects shapes how new ones are planned", 5)),
    _q("planning", "project", "How are plans and milestones kept?",
       ("private", "Each project manager keeps a plan, if any", 1),
       ("milestones", "Projects agree milestones and report when they slip", 2),
       ("baselined", "Milestones are baselined at approval; moving them needs a decision", 3),
       ("trends", "Forecasts are compared with baselines across projects to spot trends", 4)),
    _q("decisions", "project", "How are decisions and actions recorded?",
       ("email", "In e-mails and meeting notes", 1),
       ("per_project", "In a decision log and an action list per project", 2),
       ("shared", "In one log and action list, with owners and due dates the PMO follows up", 3),
       ("analysed", "Overdue actions and reversed decisions are reported and analysed", 4)),
    _q("people", "project", "How do you know who works on which project?",
       ("ask_around", "We ask around", 1),
       ("spreadsheet", "A spreadsheet of assignments", 2),
       ("planned", "Assignments and capacity are planned per person and month", 3),
       ("balanced", "Demand is compared with capacity before projects start", 4)),
    # --- programme -------------------------------------------------------------------------
    _q("programmes", "programme", "Are related projects grouped into programmes?",
       ("no", "No, every project stands alone", 1),
       ("informal", "Informally: we know which projects belong together", 2),
       ("governed", "Yes, with a sponsor, a programme manager and a board", 3),
       ("measured", "Yes, and each programme is measured against its business case", 4)),
    _q("benefits", "programme", "How do you know whether a project delivered the benefits it promised?",
       ("unknown", "We don't check after it closes", 1),
       ("named", "Benefits are named in the business case", 2),
       ("owned", "Each benefit has an owner, a measure and a target date", 3),
       ("measured", "Benefits are measured after closure and reported to the board", 4),
       ("improving", "Benefit results change how future business cases are judged", 5)),
    _q("dependencies", "programme", "How are dependencies between projects handled?",
       ("discovered", "We find them when they bite", 1),
       ("listed", "Project managers list them in their reports", 2),
       ("managed", "They are tracked at programme level, each with an owner", 3)),
    _q("lessons", "programme", "What happens to lessons learned?",
       ("lost", "They stay with the people who learned them", 1),
       ("recorded", "They are written down when a project closes", 2),
       ("shared", "They are kept in one place that new projects search when they start", 3),
       ("applied", "They change templates and methods, and the PMO checks they are used", 4)),
    _q("programme_view", "programme", "How does a programme board see its projects?",
       ("separately", "Project by project", 1),
       ("summary", "In a summary of the projects' status reports", 2),
       ("one_view", "In one view of status, risks and issues across the programme", 3),
       ("trends", "With trends over time, and exceptions raised automatically", 4)),
    # --- portfolio -------------------------------------------------------------------------
    _q("selection", "portfolio", "How are new projects chosen?",
       ("loudest", "Whoever asks first or loudest", 1),
       ("business_case", "Each has a business case that a manager approves", 2),
       ("criteria", "Against agreed criteria, scored and compared", 3),
       ("balanced", "As a balanced mix against strategy, budget and capacity", 4),
       ("adaptive", "The mix is revisited whenever strategy or results change", 5)),
    _q("overview", "portfolio", "Is there one overview of all projects?",
       ("none", "No single list", 1),
       ("list", "A list of projects and their stages", 2),
       ("status", "One view of every project's status, cost and risk", 3),
       ("roadmap", "A roadmap over time that the board uses to decide", 4)),
    _q("costs", "portfolio", "How are project budgets and actual costs followed?",
       ("finance_only", "Finance knows; the PMO does not", 1),
       ("spreadsheet", "In a spreadsheet per project", 2),
       ("tracked", "Budget and actuals per project in one place, reviewed monthly", 3),
       ("forecast", "Forecast at completion, with variances reported to the board", 4)),
    _q("capacity", "portfolio", "Do you know whether there are enough people for the projects you start?",
       ("stall", "We find out when projects stall", 1),
       ("rough", "Roughly, from the managers' estimates", 2),
       ("checked", "Capacity is checked before a project starts", 3),
       ("forecast", "Demand and capacity are forecast for the coming quarters", 4)),
    _q("review", "portfolio", "How often is the portfolio as a whole reviewed?",
       ("never", "Never, or only at budget time", 1),
       ("yearly", "Once a year", 2),
       ("quarterly", "Every quarter, with stop and continue decisions", 3),
       ("continuous", "Continuously, with data on the value delivered", 4)),
)
QUESTION_BY_KEY = {q.key: q for q in QUESTIONS}


@dataclass(frozen=True)
class Rule:
    """Recommend ``plugin`` when the answer to ``question`` is one of ``answers``."""
    plugin: str
    question: str
    answers: tuple[str, ...]
    reason: str


# The built-in plugins, including those still being written: a rule only fires for a plugin
# that is installed (and not enabled yet).
BUILTIN_RULES: tuple[Rule, ...] = (
    Rule("risk", "risks", ("none", "spreadsheet"),
         "The risk plugin keeps one register for every project with shared 5x5 scales, heat maps, "
         "owners and review dates, and turns mitigations into tracked actions."),
    Rule("resources", "people", ("ask_around", "spreadsheet"),
         "The resources plugin records who works where and how much, so capacity and demand are "
         "seen side by side."),
    Rule("resources", "capacity", ("stall", "rough"),
         "The resources plugin compares the people projects need with the people you have, month "
         "by month."),
    Rule("benefits", "benefits", ("unknown", "named"),
         "The benefits plugin gives each benefit an owner, a measure and targets, and keeps "
         "measuring after the project has closed."),
    Rule("knowledge", "lessons", ("lost", "recorded"),
         "The knowledge plugin keeps lessons learned and templates in one searchable place for "
         "the next project."),
    Rule("governance", "decisions", ("email", "per_project"),
         "The governance plugin runs gate reviews and board meetings whose decisions and actions "
         "go straight into the decision log and action lists, and archives each meeting's record."),
    Rule("portfolio", "selection", ("loudest", "business_case"),
         "The portfolio plugin scores proposals against your strategic objectives, so projects "
         "are chosen on agreed criteria."),
    Rule("portfolio", "overview", ("none", "list"),
         "The portfolio plugin rolls status, cost and risk up over every project and programme."),
    Rule("portfolio", "review", ("never", "yearly"),
         "The portfolio plugin prepares the regular portfolio review: roll-ups, roadmap and "
         "balance."),
)


@dataclass(frozen=True)
class PlannedPlugin:
    """A built-in plugin that is planned but may not be installed here yet."""
    name: str
    title: str
    maturity_level: int
    domain: str


# Where the planned built-ins will sit, so the maturity page can say what the next level adds
# before they are installed; once installed, their own ``plugin_info`` is used instead.
PLANNED: tuple[PlannedPlugin, ...] = (
    PlannedPlugin("risk", "Risk register", 2, "project"),
    PlannedPlugin("knowledge", "Knowledge and lessons learned", 3, "project"),
    PlannedPlugin("governance", "Governance: gate reviews and meetings", 3, "programme"),
    PlannedPlugin("resources", "Resources and HR", 3, "portfolio"),
    PlannedPlugin("benefits", "Benefits realisation", 4, "portfolio"),
    PlannedPlugin("portfolio", "Portfolio management", 4, "portfolio"),
)


# --- the self-assessment -------------------------------------------------------------------

def check_answers(answers: Mapping[str, Any]) -> dict[str, str]:
    """The answers as ``{question: option}``, or a ValidationError naming the bad one."""
    if not isinstance(answers, Mapping) or not answers:
        raise ValidationError("answer at least one question", "answers")
    clean: dict[str, str] = {}
    for key, value in answers.items():
        question = QUESTION_BY_KEY.get(key)
        if question is None:
            raise ValidationError(f"no question {key!r} in the self-assessment", str(key))
        if not isinstance(value, str) or question.option(value) is None:
            choices = ", ".join(o.key for o in question.options)
            raise ValidationError(f"{value!r} is not an answer to {key!r}; choose one of {choices}", key)
        clean[key] = value
    return clean


def domain_levels(answers: Mapping[str, str]) -> dict[str, int | None]:
    """Each domain's level: the lower median of its answers' levels (None: not assessed)."""
    levels: dict[str, int | None] = {}
    for domain in DOMAINS:
        reached = sorted(QUESTION_BY_KEY[k].option(v).level  # type: ignore[union-attr]
                         for k, v in answers.items() if QUESTION_BY_KEY[k].domain == domain)
        levels[domain] = reached[(len(reached) - 1) // 2] if reached else None
    return levels


# --- which plugins next ---------------------------------------------------------------------

@dataclass(frozen=True)
class Recommendation:
    plugin: str
    title: str
    level: int
    domain: str
    reasons: tuple[str, ...]
    needs: tuple[str, ...] = field(default_factory=tuple)  # disabled plugins it needs, to enable first


def rules_for(catalogue: Mapping[str, Any]) -> list[Rule]:
    """The built-in rules plus those third-party plugins declare (``addresses`` in plugin_info)."""
    rules = list(BUILTIN_RULES)
    for info in catalogue.values():
        for question, options in getattr(info, "addresses", {}).items():
            description = info.description or info.title
            rules.append(Rule(info.name, question, tuple(options), f"{info.title}: {description}."))
    return rules


def _answer_reason(rule: Rule, answers: Mapping[str, str]) -> str:
    question = QUESTION_BY_KEY[rule.question]
    option = question.option(answers[rule.question])
    return f"“{question.text}” You answered: “{option.label}”. {rule.reason}"  # type: ignore[union-attr]


def _missing_dependencies(name: str, catalogue: Mapping[str, Any], enabled: set[str]) -> tuple[str, ...]:
    """Disabled plugins ``name`` needs, directly or not, dependencies first."""
    order: list[str] = []

    def visit(current: str, seen: tuple[str, ...]) -> None:
        for dep in catalogue[current].depends if current in catalogue else ():
            if dep not in seen and dep not in order:
                visit(dep, (*seen, dep))
                if dep not in enabled:
                    order.append(dep)

    visit(name, (name,))
    return tuple(order)


def recommend(answers: Mapping[str, str], levels: Mapping[str, int | None], catalogue: Mapping[str, Any],
              enabled: Iterable[str]) -> list[Recommendation]:
    """Installed plugins to enable next, each with why: first those an answer calls for, then
    those within reach of the domain's level (the level the plugin serves is at most one
    above it). ``catalogue`` holds ``core.plugins.PluginInfo`` by name."""
    enabled = set(enabled)
    reasons: dict[str, list[str]] = {}
    for rule in rules_for(catalogue):
        if rule.plugin in catalogue and rule.plugin not in enabled and answers.get(rule.question) in rule.answers:
            text = _answer_reason(rule, answers)
            if text not in reasons.setdefault(rule.plugin, []):
                reasons[rule.plugin].append(text)
    by_answer = list(reasons)
    for name, info in sorted(catalogue.items(), key=lambda kv: (kv[1].maturity_level, kv[0])):
        if name in enabled or name in reasons:
            continue
        level = levels.get(info.domain)
        if level is None:
            continue  # not assessed: nothing to say about this domain yet
        if info.maturity_level <= level + 1:
            step = "consolidates where you are" if info.maturity_level <= level else "is your next step"
            reasons[name] = [f"{DOMAIN_TITLES[info.domain]} is at level {level} "
                             f"({LEVEL_BY_NUMBER[level].name}); this level {info.maturity_level} "
                             f"plugin {step}."]
    order = by_answer + [n for n in reasons if n not in by_answer]
    return [Recommendation(name, catalogue[name].title, catalogue[name].maturity_level, catalogue[name].domain,
                           tuple(reasons[name]), _missing_dependencies(name, catalogue, enabled))
            for name in order]


def next_level(level: int | None) -> Level | None:
    """The level a domain works towards (level 1 when not assessed; None past the top)."""
    return LEVEL_BY_NUMBER.get((level or 0) + 1)
