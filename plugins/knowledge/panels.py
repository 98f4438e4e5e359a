"""What the knowledge plugin shows on a project's page (hook ``project_panels``): the lessons
suggested for it, the template it was made from, and, once it is closing or closed, a
prominent call to record its lessons. Built as ``Markup``; every value is escaped; links keep
the page's ``as_of``.
"""
from __future__ import annotations

from datetime import date, timedelta

from markupsafe import Markup

from core.pmo import PMO
from plugins.knowledge import queries
from plugins.kit import href

# A project this close to its end date is "closing": time to collect what it learned.
CLOSING_DAYS = 30


def closing(project: dict, today: date) -> bool:
    end = project.get("end_date")
    return project.get("stage") == "closed" or (
        project.get("stage") == "active" and end is not None and end <= today + timedelta(days=CLOSING_DAYS))


def _lesson_items(rows: list[dict], why: bool) -> Markup:
    return Markup("").join(Markup(
        '<li><a href="{href}">{title}</a> <span class="tag kind-{kind}">{kind}</span> '
        '<span class="meta">{category}{why}</span></li>').format(
        href=href(f"/knowledge/lessons/{r['id']}"), title=r["title"], kind=r["kind"], category=r["category"],
        why=(" · shared tags: " + ", ".join(r["shared_tags"])) if why and r.get("shared_tags") else "")
        for r in rows)


def project_panels(pmo: PMO, project: dict, at: int | None, today: date, may_record: bool,
                   may_profile: bool) -> list[dict]:
    profile = queries.profile(pmo, project["id"], at)
    suggested = queries.suggestions(pmo, project["id"], at)
    own = queries.list_lessons(pmo, at, project_id=project["id"], status="all")
    record = href(f"/knowledge/lessons/new?project={project['code']}")
    panels = []
    if closing(project, today):
        ending = "is closed" if project.get("stage") == "closed" else "is closing"
        panels.append({"title": "Lessons learned at closure", "prominent": True, "html": Markup(
            '<p class="lessons-closure">This project {ending}: what did it learn? {n} lesson{s} recorded so far.</p>'
            '{record}{own}').format(
            ending=ending, n=len(own), s="" if len(own) == 1 else "s",
            record=Markup('<p><a class="button" href="{}">Record lessons</a></p>').format(record) if may_record else "",
            own=Markup('<ul class="item-list">{}</ul>').format(_lesson_items(own, False)) if own else "")})
    parts = []
    if profile and profile["template_id"]:
        parts.append(Markup('<p>Made from template <a href="{href}">{name}</a> version {v}.</p>').format(
            href=href(f"/knowledge/templates/{profile['template_id']}?version={profile['template_version']}"),
            name=profile["template_name"], v=profile["template_version"]))
    if profile and (profile["category"] or profile["tags"]):
        parts.append(Markup('<p class="meta">Category {c}{t}.</p>').format(
            c=profile["category"] or "–", t=(" · tags " + ", ".join(profile["tags"])) if profile["tags"] else ""))
    if suggested:
        parts.append(Markup('<h3>Lessons for this project</h3><ul class="item-list lesson-suggestions">{}</ul>')
                     .format(_lesson_items(suggested, True)))
    elif profile and (profile["category"] or profile["tags"]):
        parts.append(Markup('<p class="empty">No endorsed lesson matches its category or tags yet.</p>'))
    else:
        parts.append(Markup('<p class="empty">No category or tags yet: lessons of its kind cannot be suggested.</p>'))
    links = [Markup('<a href="{}">Search lessons</a>').format(href("/knowledge/"))]
    if may_profile:
        profile_page = href(f"/knowledge/profiles/{project['id']}")
        links.append(Markup('<a href="{}">Set category and tags</a>').format(profile_page))
    if may_record and not closing(project, today):
        links.append(Markup('<a href="{}">Record a lesson</a>').format(record))
    parts.append(Markup("<p>{}</p>").format(Markup(" · ").join(links)))
    panels.append({"title": "Lessons and template", "html": Markup("").join(parts)})
    return panels
