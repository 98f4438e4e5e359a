"""/api/programmes: groups of related projects managed together."""
from __future__ import annotations

import uuid

from flask.views import MethodView

from core import queries
from core.permissions import can_edit_portfolio
from core.services import portfolio as service
from plugins import kit
from web.api.resources._http import (
    CREATED, ETAG, as_of, as_of_args, created, found, reads, reason, reply,
    resource_blueprint, writes,
)
from web.api.schemas import ProgrammeCreateSchema, ProgrammeSchema, ProgrammeUpdateSchema
from web.commands import command
from web.tenancy import current_pmo

blp = resource_blueprint("programmes", __name__, "Programmes: related projects managed together.")


@blp.route("/programmes")
class Programmes(MethodView):
    @reads(blp)
    @as_of_args(blp)
    @blp.response(200, ProgrammeSchema(many=True))
    def get(self, args):
        """List programmes by code (closed ones too)."""
        return queries.list_programmes(current_pmo(), at=as_of(args))

    @writes(blp, can_edit_portfolio)
    @blp.arguments(ProgrammeCreateSchema)
    @blp.response(201, ProgrammeSchema, headers=CREATED)
    def post(self, body):
        """Register a programme (409 if its code is taken)."""
        with command(reason(body)) as pmo:
            programme = service.register_programme(pmo, **body)
        return created(queries.get_programme(pmo, programme.id), "programmes.Programme",
                       programme_id=programme.id)


@blp.route("/programmes/<uuid:programme_id>")
class Programme(MethodView):
    @reads(blp, item=True)
    @as_of_args(blp)
    @blp.response(200, ProgrammeSchema, headers=ETAG)
    def get(self, args, programme_id: uuid.UUID):
        """Show a programme."""
        row = queries.get_programme(current_pmo(), programme_id, at=as_of(args))
        return reply(found(row, "programme", programme_id))

    @writes(blp, can_edit_portfolio, item=True, if_match=True)
    @blp.arguments(ProgrammeUpdateSchema)
    @blp.response(200, ProgrammeSchema, headers=ETAG)
    def patch(self, changes, programme_id: uuid.UUID):
        """Change a programme's name, description, sponsor or manager."""
        found(queries.get_programme(current_pmo(), programme_id), "programme", programme_id)
        return kit.versioned_write(service.update_programme, changes, queries.get_programme, programme_id)
