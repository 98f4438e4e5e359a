"""``Platform``: the platform ledger, its read models and the platform's commands and queries.

The platform ledger is an ordinary ``events.store.Ledger`` (its own SQLite file, or schema
``platform``): hash-chained, sealed and verifiable like an organisation's. Its read models:

platform_orgs      one row per organisation: slug, name, state, the last suspension's reason
platform_admins    who may run the platform pages, with a password hash
platform_members   username -> organisations where that user is active (for the org switcher).
                   Derived from the organisations' own ledgers, not from platform events: it is
                   refreshed from an organisation's users whenever they may have changed
                   (``sync_members``), so asking "where may Ann go?" is one indexed query.
"""
from __future__ import annotations

from typing import Any, Iterable

import sqlalchemy as sa
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from core.domain.errors import ConflictError, NotFoundError, ValidationError
from core.platform import SUSPENDED, Organisation, PlatformAdmin, check_name, check_slug
from core.platform_stores import PlatformStores
from core.services.users import HASH_METHOD, MIN_PASSWORD, USERNAME
from events.projections import Projection, ProjectionRunner
from events.store import Ledger, parse_store_url, readmodel_engine
from events.temporal import UTCDateTime

projection = Projection("platform")
orgs = sa.Table(
    "platform_orgs", projection.metadata,
    sa.Column("slug", sa.String(40), primary_key=True),
    # Later events name the aggregate, not the slug.
    sa.Column("id", sa.Uuid, nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("state_reason", sa.Text, nullable=False, default=""),
    sa.Column("state_changed_at", UTCDateTime()),
    sa.Column("state_changed_by", sa.String(100)),
    sa.Column("created_at", UTCDateTime()),
    sa.Column("created_by", sa.String(100)),
    sa.Column("exports", sa.Integer, nullable=False, default=0),
    sa.Column("last_export_at", UTCDateTime()),
    sa.Column("last_export_head", sa.String(80)),
)
admins = sa.Table(
    "platform_admins", projection.metadata,
    sa.Column("username", sa.String(40), primary_key=True),
    sa.Column("id", sa.Uuid, nullable=False, unique=True),
    sa.Column("display_name", sa.String(200), nullable=False),
    sa.Column("password_hash", sa.String(400), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
)
# Not a projection of the platform ledger (it mirrors the organisations' ledgers), so not
# dropped when the platform's read models are rebuilt.
members_metadata = sa.MetaData()
members = sa.Table(
    "platform_members", members_metadata,
    sa.Column("username", sa.String(40), primary_key=True),
    sa.Column("slug", sa.String(40), primary_key=True),
    sa.Column("role", sa.String(20), nullable=False),
)


@projection.on("platform.Organisation.Created")
def _created(conn: sa.Connection, _position: int, event: Any) -> None:
    conn.execute(orgs.insert().values(
        id=event.originator_id, slug=event.slug, name=event.name, state="active", state_reason="", created_at=event.timestamp,
        created_by=event.actor, exports=0))


def _state(state: str):
    def apply(conn: sa.Connection, _position: int, event: Any) -> None:
        conn.execute(orgs.update().where(orgs.c.id == event.originator_id).values(
            state=state, state_reason=event.reason, state_changed_at=event.timestamp,
            state_changed_by=event.actor))
    return apply


projection.on("platform.Organisation.Suspended")(_state("suspended"))
projection.on("platform.Organisation.Resumed")(_state("active"))


@projection.on("platform.Organisation.Exported")
def _exported(conn: sa.Connection, _position: int, event: Any) -> None:
    conn.execute(orgs.update().where(orgs.c.id == event.originator_id).values(
        exports=orgs.c.exports + 1, last_export_at=event.timestamp, last_export_head=event.head))


@projection.on("platform.PlatformAdmin.Granted")
def _granted(conn: sa.Connection, _position: int, event: Any) -> None:
    conn.execute(admins.insert().values(id=event.originator_id, username=event.username, display_name=event.display_name,
                                        password_hash=event.password_hash, active=True))


@projection.on("platform.PlatformAdmin.PasswordChanged", "platform.PlatformAdmin.Revoked")
def _admin_changed(conn: sa.Connection, _position: int, event: Any) -> None:
    values = ({"password_hash": event.password_hash} if hasattr(event, "password_hash") else {"active": False})
    conn.execute(admins.update().where(admins.c.id == event.originator_id).values(**values))


class Platform:
    """The platform ledger and what the platform does with it. Commands need a command context."""

    def __init__(self, stores: PlatformStores):
        self.stores = stores
        self.config = parse_store_url(stores.platform_url)
        self.ledger = Ledger(self.config)
        self.engine = readmodel_engine(self.config)
        self.writer_engine = readmodel_engine(self.config, writer=True)
        self.runner = ProjectionRunner(self.ledger, self.writer_engine, [projection], reader=self.engine)
        self.runner.setup()
        members_metadata.create_all(self.writer_engine)
        self.catch_up()

    def catch_up(self) -> int:
        return self.runner.catch_up()

    def head(self) -> int:
        return self.ledger.max_position()

    def close(self) -> None:
        self.engine.dispose()
        self.writer_engine.dispose()
        self.ledger.close()

    # --- writing --------------------------------------------------------------------------

    def _save(self, *aggregates: Any) -> None:
        try:
            self.ledger.save(*aggregates)
        except IntegrityError:
            raise ConflictError("someone else changed this at the same moment; reload and try again") from None
        self.catch_up()

    def _org(self, slug: str) -> Organisation:
        try:
            return self.ledger.repository.get(Organisation.create_id(slug))
        except AggregateNotFoundError:
            raise NotFoundError(f"no organisation {slug!r}") from None

    def create_organisation(self, slug: str, name: str) -> Organisation:
        """Claim the slug (one event); the caller then sets up the organisation's own store."""
        slug, name = check_slug(slug), check_name(name)
        try:
            self.ledger.repository.get(Organisation.create_id(slug))
        except AggregateNotFoundError:
            pass
        else:
            raise ConflictError(f"organisation {slug} exists already")
        org = Organisation(slug=slug, name=name)
        self._save(org)
        return org

    def suspend(self, slug: str) -> Organisation:
        """Refuse the organisation's sign-ins and API calls; its ledger stays as it is."""
        org = self._org(slug)
        org.suspend()
        self._save(org)
        return org

    def resume(self, slug: str) -> Organisation:
        org = self._org(slug)
        org.resume()
        self._save(org)
        return org

    def record_export(self, slug: str, records: int, head: str, file_name: str) -> None:
        org = self._org(slug)
        org.record_export(records=records, head=head, file_name=file_name)
        self._save(org)

    def grant_admin(self, username: str, password: str, display_name: str = "") -> PlatformAdmin:
        username = (username or "").strip().lower()
        if not USERNAME.match(username):
            raise ValidationError("2-40 lowercase letters, digits, '.', '_' or '-'", "username")
        if len(password or "") < MIN_PASSWORD:
            raise ValidationError(f"a password needs at least {MIN_PASSWORD} characters", "password")
        try:
            existing = self.ledger.repository.get(PlatformAdmin.create_id(username))
        except AggregateNotFoundError:
            admin = PlatformAdmin(username=username, display_name=display_name or username,
                                  password_hash=generate_password_hash(password, method=HASH_METHOD))
        else:
            if existing.active:
                raise ConflictError(f"{username} is a platform admin already")
            raise ConflictError(f"{username} was a platform admin; that grant was revoked and is kept")
        self._save(admin)
        return admin

    # --- reading --------------------------------------------------------------------------

    def organisations(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(sa.select(orgs).order_by(orgs.c.slug))]

    def organisation(self, slug: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(orgs).where(orgs.c.slug == slug)).first()
        return dict(row._mapping) if row else None

    def admin_signing_in(self, username: str, password: str) -> dict[str, Any] | None:
        """The active platform admin with this password, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(admins).where(admins.c.username == (username or "").strip().lower(),
                                                       admins.c.active.is_(True))).first()
        if row is None or not check_password_hash(row.password_hash, password or ""):
            return None
        return {"username": row.username, "display_name": row.display_name}

    def admin(self, username: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(admins.c.username, admins.c.display_name).where(
                admins.c.username == username, admins.c.active.is_(True))).first()
        return dict(row._mapping) if row else None

    def list_admins(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(
                sa.select(admins.c.username, admins.c.display_name, admins.c.active).order_by(admins.c.username))]

    # --- memberships (mirrored from the organisations' users) -------------------------------

    def sync_members(self, slug: str, users: Iterable[dict[str, Any]]) -> None:
        """Replace the organisation's rows with its active users (username, role)."""
        rows = [{"username": u["username"], "slug": slug, "role": u["role"]} for u in users if u["active"]]
        with self.writer_engine.begin() as conn:
            conn.execute(members.delete().where(members.c.slug == slug))
            if rows:
                conn.execute(members.insert(), rows)

    def member_rows(self, slug: str) -> list[tuple[str, str]]:
        with self.engine.connect() as conn:
            return sorted(conn.execute(sa.select(members.c.username, members.c.role)
                                       .where(members.c.slug == slug)).all())

    def memberships(self, username: str) -> list[dict[str, Any]]:
        """The active organisations where ``username`` has an active user, with its role there."""
        stmt = (sa.select(orgs.c.slug, orgs.c.name, members.c.role)
                .join(members, members.c.slug == orgs.c.slug)
                .where(members.c.username == username, orgs.c.state != SUSPENDED)
                .order_by(orgs.c.name))
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(stmt)]
