"""The platform's own domain: the organisations one deployment serves, and its platform admins.

Each organisation has a ledger of its own (see ``core.platform_stores``); nothing in an
organisation's ledger names the organisation. The platform ledger records what the platform
itself does to organisations (created, suspended, resumed, exported) and who may do it, each
event with actor, reason and correlation id like every other event.
"""
from __future__ import annotations

import re
import uuid

from eventsourcing.domain import event

from core.domain.errors import NotAllowedError, ValidationError
from events.aggregate import LedgerAggregate

NAMESPACE = uuid.UUID("5d6f3c1e-2b7a-4f0e-9c3d-8a1b2c3d4e5f")
# A slug is part of a URL path, a host name and a PostgreSQL schema name: lowercase letters,
# digits and inner hyphens only (so 'org_<slug with _ for ->' cannot collide), 2-32 long.
SLUG = re.compile(r"^[a-z][a-z0-9-]{0,30}[a-z0-9]$")
ACTIVE, SUSPENDED = "active", "suspended"


def check_slug(slug: str) -> str:
    slug = (slug or "").strip().lower()
    if not SLUG.match(slug) or "--" in slug:
        raise ValidationError("2-32 lowercase letters, digits or single hyphens, starting with a letter", "slug")
    return slug


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise ValidationError("a name of 1-120 characters", "name")
    return name


class Organisation(LedgerAggregate):
    """One organisation served by the deployment; its data live in its own ledger."""

    TOPIC = "platform.Organisation"

    @staticmethod
    def create_id(slug: str) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, f"organisation:{slug}")

    @event("Created", topic="platform.Organisation.Created")
    def __init__(self, slug: str, name: str):
        self.slug = slug
        self.name = name
        self.state = ACTIVE

    def suspend(self) -> None:
        if self.state == SUSPENDED:
            raise NotAllowedError(f"organisation {self.slug} is suspended already", "slug")
        self._suspended()

    @event("Suspended", topic="platform.Organisation.Suspended")
    def _suspended(self) -> None:
        self.state = SUSPENDED

    def resume(self) -> None:
        if self.state != SUSPENDED:
            raise NotAllowedError(f"organisation {self.slug} is not suspended", "slug")
        self._resumed()

    @event("Resumed", topic="platform.Organisation.Resumed")
    def _resumed(self) -> None:
        self.state = ACTIVE

    @event("Exported", topic="platform.Organisation.Exported")
    def record_export(self, records: int, head: str, file_name: str) -> None:
        """The organisation's whole ledger was written to a file (what, not where it went)."""


class PlatformAdmin(LedgerAggregate):
    """Someone who may create, suspend, resume and export organisations (no organisation's data)."""

    TOPIC = "platform.PlatformAdmin"

    @staticmethod
    def create_id(username: str) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, f"platform-admin:{username.lower()}")

    @event("Granted", topic="platform.PlatformAdmin.Granted")
    def __init__(self, username: str, display_name: str, password_hash: str):
        self.username = username
        self.display_name = display_name
        self.password_hash = password_hash
        self.active = True

    @event("PasswordChanged", topic="platform.PlatformAdmin.PasswordChanged")
    def change_password(self, password_hash: str) -> None:
        self.password_hash = password_hash

    def revoke(self) -> None:
        if not self.active:
            raise NotAllowedError(f"{self.username} is no platform admin any more", "username")
        self._revoked()

    @event("Revoked", topic="platform.PlatformAdmin.Revoked")
    def _revoked(self) -> None:
        self.active = False
