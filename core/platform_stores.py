"""Where the platform ledger and each organisation's ledger live, from one platform store URL.

    sqlite:///var/platform.sqlite            organisations in <orgs dir>/<slug>.sqlite
                                             (default: var/orgs next to the platform file)
    postgresql://user@host/db?schema=platform  organisations in schema org_<slug> of that database,
                                             with small pools (?pool_size=1&max_overflow=2
                                             unless the URL says otherwise)

The mapping is configuration, not data: moving a deployment from SQLite to PostgreSQL changes
the URL, not the platform ledger.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlparse, urlunparse

from events.store import StoreURLError, parse_store_url


def default_platform_store() -> str:
    return f"sqlite:///{Path(os.environ.get('PMO_VAR', 'var')) / 'platform.sqlite'}"


@dataclass(frozen=True)
class PlatformStores:
    platform_url: str
    orgs_dir: str = ""  # SQLite only: the directory of the organisations' files

    @classmethod
    def from_settings(cls, platform_url: str | None = None, orgs_dir: str | None = None) -> "PlatformStores":
        url = platform_url or os.environ.get("PMO_PLATFORM_STORE") or default_platform_store()
        kind = parse_store_url(url).kind
        if kind == "memory":
            # An evicted organisation's memory store would be gone: every organisation needs a
            # store that outlives its open PMO.
            raise StoreURLError("several organisations need sqlite:///... or postgresql://... stores, not memory://")
        if kind in ("postgresql", "postgres"):
            parsed = urlparse(url)
            query = dict(parse_qsl(parsed.query))
            query.setdefault("schema", "platform")
            # Up to PMO_ORGS_CACHE organisations are open at once in each process, each with
            # three pools (the ledger's and two read-model engines): one idle connection per
            # pool, two more only while requests overlap. docs/organisations.md: the sums.
            query.setdefault("pool_size", "1")
            query.setdefault("max_overflow", "2")
            url = urlunparse(parsed._replace(query=urlencode(query)))
        elif not (orgs_dir or os.environ.get("PMO_ORGS_DIR")):
            orgs_dir = str(Path(url[len("sqlite:///"):]).parent / "orgs")
        return cls(url, orgs_dir or os.environ.get("PMO_ORGS_DIR", ""))

    @property
    def kind(self) -> str:
        return parse_store_url(self.platform_url).kind

    def org_store_url(self, slug: str) -> str:
        """The store URL of organisation ``slug`` (a checked slug: see core.platform.check_slug)."""
        if self.kind == "sqlite":
            return f"sqlite:///{Path(self.orgs_dir) / f'{slug}.sqlite'}"
        parsed = urlparse(self.platform_url)
        query = dict(parse_qsl(parsed.query))
        query["schema"] = "org_" + slug.replace("-", "_")
        return urlunparse(parsed._replace(query=urlencode(query)))

    def org_store_exists(self, slug: str) -> bool:
        """Whether the organisation's store was ever created (without creating it)."""
        if self.kind == "sqlite":
            return (Path(self.orgs_dir) / f"{slug}.sqlite").exists()
        import sqlalchemy as sa

        config = parse_store_url(self.org_store_url(slug))
        engine = sa.create_engine(config.readmodel_url)
        try:
            with engine.connect() as conn:
                return bool(conn.execute(sa.text("SELECT 1 FROM information_schema.schemata WHERE schema_name = :s"),
                                         {"s": config.schema}).first())
        finally:
            engine.dispose()
