"""/api/resources/people: register people, their capacity, skills and development; forget them."""
from __future__ import annotations

import uuid

from flask.views import MethodView
from marshmallow import RAISE

from core.permissions import can_administer
from plugins import kit
from plugins.resources import queries, services
from plugins.resources import schemas as s
from plugins.resources.api import change_person, detail, api, people_writes, reads, writes


# --- people ---------------------------------------------------------------------------------

@api.route("/people")
class People(MethodView):
    @reads()
    @api.arguments(s.PersonQueryArgsSchema, location="query", unknown=RAISE)
    @api.response(200, s.PersonSchema(many=True))
    def get(self, filters):
        """List people by name; filter by text, role or department."""
        at = kit.read_at(filters.pop("as_of", None))
        return queries.list_people(kit.pmo(), at, **filters)

    @people_writes()
    @api.arguments(s.PersonCreateSchema)
    @api.response(201, s.PersonDetailSchema, headers=kit.LOCATION)
    def post(self, body):
        """Register a person (pmo, admin); name and email are sealed with a key of their own."""
        with kit.command(kit.why(body)) as pmo:
            person = services.register_person(pmo, **body)
        row = detail(person.id)
        return row, 201, {**kit.etag(row), "Location": f"/api/resources/people/{person.id}"}


@api.route("/people/<uuid:person_id>")
class PersonItem(MethodView):
    @reads(item=True)
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.PersonDetailSchema, headers=kit.ETAG)
    def get(self, args, person_id: uuid.UUID):
        """Show a person with their skills, capacity periods and development records."""
        row = detail(person_id, kit.read_at(args.pop("as_of", None)))
        return row, kit.etag(row)

    @people_writes(item=True, if_match=True)
    @api.arguments(s.PersonUpdateSchema)
    @api.response(200, s.PersonDetailSchema, headers=kit.ETAG)
    def patch(self, changes, person_id: uuid.UUID):
        """Change a person's name, email, role or department."""
        return change_person(person_id, changes, services.update_person)


@api.route("/people/<uuid:person_id>/capacity")
class Capacity(MethodView):
    @people_writes(item=True, if_match=True)
    @api.arguments(s.CapacityCreateSchema)
    @api.response(200, s.PersonDetailSchema, headers=kit.ETAG)
    def post(self, body, person_id: uuid.UUID):
        """Record part-time or leave for a period, or a new contract from a day on."""
        return change_person(person_id, body, services.change_capacity)


class SkillRemoveArgs(s.InputSchema):
    skill = kit.line(80, required=True)


@api.route("/people/<uuid:person_id>/skills")
class Skills(MethodView):
    @people_writes(item=True, if_match=True)
    @api.arguments(s.SkillCreateSchema)
    @api.response(200, s.PersonDetailSchema, headers=kit.ETAG)
    def post(self, body, person_id: uuid.UUID):
        """Record a skill at a competence level (1-5), or change its level."""
        return change_person(person_id, body, services.assess_skill)

    @people_writes(item=True, if_match=True)
    @api.arguments(SkillRemoveArgs, location="query", unknown=RAISE)
    @api.response(200, s.PersonDetailSchema, headers=kit.ETAG)
    def delete(self, args, person_id: uuid.UUID):
        """Remove one of the person's skills (``?skill=``)."""
        return change_person(person_id, args, services.remove_skill)


@api.route("/people/<uuid:person_id>/development")
class Development(MethodView):
    @people_writes(item=True, if_match=True)
    @api.arguments(s.DevelopmentCreateSchema)
    @api.response(200, s.PersonDetailSchema, headers=kit.ETAG)
    def post(self, body, person_id: uuid.UUID):
        """Record a training, certification or career step."""
        return change_person(person_id, body, services.record_development)


@api.route("/people/<uuid:person_id>/forget")
class Forget(MethodView):
    @writes(can_administer, item=True, if_match=True)
    @api.arguments(s.ForgetSchema)
    @api.response(200, s.PersonDetailSchema, headers=kit.ETAG)
    def post(self, body, person_id: uuid.UUID):
        """Forget a person (admin): their key is destroyed, so their personal data in every event,
        read model and export can no longer be read. Their allocations stay, as "forgotten person"."""
        return change_person(person_id, body, services.forget_person)


