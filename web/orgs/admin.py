"""What a platform admin does to organisations, for the CLI and the /platform pages alike.

Every function runs inside the caller's ``command_context``: the platform events and the first
events of a new organisation's ledger carry the same actor, reason and correlation id.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import sqlalchemy as sa

from core import queries
from core.domain.errors import ConflictError, ValidationError
from core.platform import check_name, check_slug
from core.platform_app import Platform
from core.services.users import MIN_PASSWORD, USERNAME
from events.backup import BackupError, open_backup
from events.export import export_rows, write_export
from events.store import Ledger, parse_store_url

Progress = Callable[[int, int], None]


def open_org_pmo(platform: Platform, slug: str, extra_plugins: tuple = (), entry_points: bool = True):
    from web.tenancy import open_pmo

    return open_pmo(platform.stores.org_store_url(slug), extra_plugins, entry_points=entry_points)


def create_organisation(platform: Platform, slug: str, name: str, admin: str, password: str,
                        admin_name: str = "", extra_plugins: tuple = (), entry_points: bool = True) -> None:
    """Claim the slug in the platform ledger, create the organisation's store, establish its
    portfolio and its first admin. Input is checked before anything is written."""
    from core.services.portfolio import establish_portfolio
    from core.services.users import create_user

    slug, name = check_slug(slug), check_name(name)
    admin = (admin or "").strip().lower()
    if not USERNAME.match(admin):
        raise ValidationError("2-40 lowercase letters, digits, '.', '_' or '-'", "admin")
    if len(password or "") < MIN_PASSWORD:
        raise ValidationError(f"a password needs at least {MIN_PASSWORD} characters", "password")
    if platform.organisation(slug) is not None:
        raise ConflictError(f"organisation {slug} exists already")
    if platform.stores.org_store_exists(slug):
        # A store left behind (say, by a restore) would mix two histories under one name.
        raise ConflictError(f"a store for {slug} exists already ({_where(platform, slug)}); "
                            "move it away or choose another slug")
    platform.create_organisation(slug, name)
    pmo = open_org_pmo(platform, slug, extra_plugins, entry_points)
    try:
        establish_portfolio(pmo, name)
        create_user(pmo, admin, password, "admin", display_name=admin_name or admin)
        platform.sync_members(slug, queries.list_users(pmo))
    finally:
        pmo.close()


def _where(platform: Platform, slug: str) -> str:
    config = parse_store_url(platform.stores.org_store_url(slug))
    return config.eventsourcing_env.get("SQLITE_DBNAME") or f"schema {config.schema}"


@dataclass(frozen=True)
class OrgSummary:
    slug: str
    name: str
    state: str
    events: int
    plugins: tuple[str, ...]


def summarise(platform: Platform, progress: Progress | None = None) -> list[OrgSummary]:
    """Each organisation with its ledger's size and enabled plugins, read without opening a
    whole PMO (no plugin setup, no catch-up): one small query per organisation."""
    from core.projections import plugin_states

    rows = platform.organisations()
    result = []
    for n, org in enumerate(rows, 1):
        config = parse_store_url(platform.stores.org_store_url(org["slug"]))
        ledger = Ledger(config)
        engine = sa.create_engine(config.readmodel_url, **config.readmodel_options)
        try:
            events = ledger.max_position()
            with engine.connect() as conn:
                plugins = tuple(conn.execute(sa.select(plugin_states.c.name).where(
                    plugin_states.c.valid_to.is_(None), plugin_states.c.enabled.is_(True))
                    .order_by(plugin_states.c.name)).scalars())
        finally:
            engine.dispose()
            ledger.close()
        result.append(OrgSummary(org["slug"], org["name"], org["state"], events, plugins))
        if progress is not None:
            progress(n, len(rows))
    return result


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    records: int
    head: str
    seals: int


def export_organisation(platform: Platform, slug: str, path: str | Path, overwrite: bool = False,
                        progress: Progress | None = None) -> ExportSummary:
    """Write the organisation's whole ledger as a ledger file (the backup and audit export
    format: records, chain hashes, seals), check it, and record the export on the platform.

    A fresh single-organisation install loads it with ``pmo restore FILE`` and checks it with
    ``pmo audit verify`` (or offline: ``pmo audit verify --export FILE``).
    """
    if platform.organisation(slug) is None:
        from core.domain.errors import NotFoundError

        raise NotFoundError(f"no organisation {slug!r}")
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists: choose a new file name, or overwrite it")
    ledger = Ledger(parse_store_url(platform.stores.org_store_url(slug)))
    partial = path.with_name(path.name + ".partial")
    try:
        head = ledger.max_position()
        advance = (lambda position: progress(position, head)) if progress else None
        with open(partial, "w", encoding="utf-8", newline="") as out:
            write_export(export_rows(ledger, 1, head, progress=advance), out, "jsonl")
        with open_backup(partial) as backup:  # the same check a restore makes first
            summary = ExportSummary(path, backup.records, backup.head, len(backup.seals))
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        ledger.close()
    os.replace(partial, path)
    platform.record_export(slug, summary.records, summary.head, path.name)
    return summary


__all__ = ["BackupError", "create_organisation", "export_organisation", "summarise", "open_org_pmo"]
