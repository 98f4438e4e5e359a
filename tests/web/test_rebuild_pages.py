"""Read models are disposable: drop them, rebuild from the ledger, and every page is the same."""
import re
from datetime import date

import sqlalchemy as sa
from click.testing import CliRunner

from core import queries
from core.demo import load_demo
from tests.conftest import close_app, login, make_app
from web.cli import make_cli

CSRF = re.compile(r'name="csrf_token"[^>]*value="[^"]+"')


def pages(client, pmo) -> dict[str, str]:
    urls = ["/", "/projects", "/programmes", "/decisions", "/actions", "/admin/users", "/admin/plugins"]
    urls += [f"/projects/{p['code']}" for p in queries.list_projects(pmo)]
    urls += [f"/reports/{r['id']}" for r in queries.list_status_reports(pmo)[:20]]
    result = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        result[url] = CSRF.sub("", response.get_data(as_text=True))
    return result


def test_dropping_the_read_models_and_rebuilding_restores_every_page(tmp_path, monkeypatch):
    monkeypatch.setenv("PMO_VAR", str(tmp_path))
    store = f"sqlite:///{tmp_path}/pmo.sqlite"
    app = make_app(store)
    with app.app_context():
        from web.tenancy import current_pmo

        pmo = current_pmo()
        load_demo(pmo, date(2026, 11, 23))
    client = app.test_client()
    login(client, "admin", "admin-demo")
    before = pages(client, pmo)

    # Drop every read-model table, tracking included, as an operator might by mistake.
    with pmo.writer_engine.begin() as conn:
        # The resources plugin's personal-data keys are not a read model: they live outside
        # the ledger by design, and dropping them forgets everyone (crypto-shredding).
        names = [n for n in sa.inspect(conn).get_table_names()
                 if n not in ("stored_events", "stored_snapshots", "ledger_chain", "ledger_seals",
                              "resources_person_keys")]
        for name in names:  # IF EXISTS: dropping a full-text index drops its shadow tables too
            conn.execute(sa.text(f'DROP TABLE IF EXISTS "{name}"'))

    result = CliRunner().invoke(make_cli(entry_points=False), ["--store", store, "projections", "rebuild"])
    assert result.exit_code == 0, result.output
    after = pages(client, pmo)
    assert after.keys() == before.keys()
    for url in before:
        assert after[url] == before[url], url
    close_app(app)
