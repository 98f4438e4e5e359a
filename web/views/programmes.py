"""Programmes (groups of related projects) and the portfolio they roll up into."""
from __future__ import annotations

from collections import Counter, defaultdict

from flask import Blueprint, render_template, url_for

from core import queries
from core.domain.portfolio import Programme
from core.permissions import can_edit_portfolio, can_read
from core.services import portfolio as services
from web import exports
from web.auth import require
from web.views.asof import at
from web.views.common import bind, form_page, found, history, lookup, people, pmo
from web.views.forms import PortfolioForm, ProgrammeForm

bp = Blueprint("programmes", __name__)


def _programme(code: str) -> dict:
    return found(queries.get_programme(pmo(), Programme.create_id(code)), "programme")


@bp.route("/programmes")
@require(can_read)
def index():
    unit, when = pmo(), at()
    projects = queries.list_projects(unit, at=when)
    rag: dict = defaultdict(Counter)  # programme id -> RAG of its active projects
    for p in projects:
        if p["stage"] == "active":
            rag[p["programme_id"]][p["overall"] or "none"] += 1
    rows, counts = queries.list_programmes(unit, at=when), Counter(p["programme_id"] for p in projects)
    if fmt := exports.export_format():  # the same rows as a file: ?format=csv|xlsx
        return exports.download(exports.programmes(rows, counts, rag), fmt, "programmes")
    return render_template(
        "programmes/list.html", rows=rows, portfolio=queries.portfolio(unit, at=when), counts=counts, rag=rag,
    )


@bp.route("/programmes/<code>")
@require(can_read)
def show(code: str):
    row = lookup(queries.get_programme, Programme.create_id(code), "programme")
    projects = queries.list_projects(pmo(), at=at(), programme_id=row["id"])
    return render_template("programmes/show.html", programme=row, projects=projects, history=history(row["id"]),
                           rag=Counter(p["overall"] or "none" for p in projects if p["stage"] == "active"))


@bp.route("/programmes/new", methods=["GET", "POST"])
@require(can_edit_portfolio)
def new():
    form = bind(ProgrammeForm)
    return form_page(
        form, "form.html", lambda unit: services.register_programme(unit, **form.values()),
        success=lambda p: url_for(".show", code=p.code), message=lambda p: f"Programme {p.code} registered.",
        conflict_field="code", title="Register a programme", submit="Register programme",
        cancel=url_for(".index"), people=people(),
    )


@bp.route("/programmes/<code>/edit", methods=["GET", "POST"])
@require(can_edit_portfolio)
def edit(code: str):
    row = _programme(code)
    form = bind(ProgrammeForm, row)
    del form.code
    return form_page(
        form, "form.html",
        lambda unit: services.update_programme(unit, row["id"], form.expected_version(), **form.values()),
        success=url_for(".show", code=row["code"]), message=f"Programme {row['code']} updated.",
        current=lambda: queries.get_programme(pmo(), row["id"]),
        title=f"Edit programme {row['code']}", submit="Save changes",
        cancel=url_for(".show", code=row["code"]), people=people(),
    )


@bp.route("/portfolio", methods=["GET", "POST"])
@require(can_edit_portfolio)
def portfolio():
    """Establish the portfolio (once), or rename it and change its description."""
    current = queries.portfolio(pmo())
    form = bind(PortfolioForm, current)
    if current is None:
        action = lambda unit: services.establish_portfolio(unit, form.name.data, form.description.data or "")  # noqa: E731
    else:
        action = lambda unit: services.rename_portfolio(  # noqa: E731
            unit, form.name.data, form.description.data or "", form.expected_version())
    return form_page(
        form, "form.html", action, success=url_for("pages.dashboard"),
        message="Portfolio established." if current is None else "Portfolio renamed.",
        current=lambda: queries.portfolio(pmo()),
        title="Establish the portfolio" if current is None else "Rename the portfolio",
        submit="Establish portfolio" if current is None else "Save", cancel=url_for(".index"),
    )
