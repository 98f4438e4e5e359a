"""/api/portfolio: the organisation's one portfolio."""
from __future__ import annotations

from flask.views import MethodView

from core import queries
from core.permissions import can_edit_portfolio
from core.services import portfolio as service
from web.api.resources._http import (
    CREATED, ETAG, as_of, as_of_args, created, expected_version, found, reads, reason, reply,
    resource_blueprint, writes,
)
from web.api.schemas import PortfolioCreateSchema, PortfolioSchema, PortfolioUpdateSchema
from web.commands import command
from web.tenancy import current_pmo

blp = resource_blueprint("portfolio", __name__, "The portfolio the organisation's projects roll up into.")


@blp.route("/portfolio")
class Portfolio(MethodView):
    @reads(blp, item=True)
    @as_of_args(blp)
    @blp.response(200, PortfolioSchema, headers=ETAG)
    def get(self, args):
        """Show the portfolio (404 until it is established)."""
        return reply(found(queries.portfolio(current_pmo(), at=as_of(args)), "portfolio", "established yet"))

    @writes(blp, can_edit_portfolio)
    @blp.arguments(PortfolioCreateSchema)
    @blp.response(201, PortfolioSchema, headers=CREATED)
    def post(self, body):
        """Establish the portfolio (once; 409 if it already exists)."""
        with command(reason(body)) as pmo:
            service.establish_portfolio(pmo, **body)
        return created(queries.portfolio(pmo), "portfolio.Portfolio")

    @writes(blp, can_edit_portfolio, item=True, if_match=True)
    @blp.arguments(PortfolioUpdateSchema)
    @blp.response(200, PortfolioSchema, headers=ETAG)
    def put(self, body):
        """Rename the portfolio and replace its description."""
        found(queries.portfolio(current_pmo()), "portfolio", "established yet")
        version = expected_version()
        with command(reason(body)) as pmo:
            service.rename_portfolio(pmo, expected_version=version, **body)
        return reply(queries.portfolio(pmo))
