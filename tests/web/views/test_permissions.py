"""Every form, checked on the server: who may open and post it, and what bad input does."""
from __future__ import annotations

import pytest

from tests.web.views.conftest import submit

TOO_LONG = "x" * 501


def project_forms(s) -> dict[str, dict]:
    """Forms on P-OWN and what hangs off it, each with input it must refuse."""
    return {
        "/projects/P-OWN/edit": {"name": "", "version": s.own["version"]},
        "/projects/P-OWN/stage": {"stage": "", "gate_decision": "Go"},
        "/projects/P-OWN/reports/new": {"progress_pct": "lots"},
        f"/reports/{s.draft_report.id}/edit": {"period_start": "someday"},
        f"/reports/{s.draft_report.id}/publish": {"reason": TOO_LONG},
        "/projects/P-OWN/milestones/new": {"name": "", "baseline_date": "2030-01-01"},
        f"/milestones/{s.slipping.id}/reforecast": {"forecast_date": ""},
        f"/milestones/{s.slipping.id}/achieve": {"actual_date": "2030-02-30"},
        f"/decisions/{s.decision.id}/supersede": {"by": "not-a-decision"},
        f"/actions/{s.overdue_action.id}/edit": {"title": "", "owner": "pia"},
        f"/actions/{s.overdue_action.id}/close": {"reason": TOO_LONG},
        f"/actions/{s.overdue_action.id}/cancel": {"reason": TOO_LONG},
        "/decisions/new": {"project_id": str(s.own["id"]), "title": "", "decision": "x", "decided_by": "x",
                           "decided_on": "2030-01-01"},
        "/actions/new": {"project_id": str(s.own["id"]), "title": "x", "owner": "", "due_date": "tomorrow"},
    }


def portfolio_forms(s) -> dict[str, dict]:
    return {
        "/portfolio": {"name": ""},
        "/programmes/new": {"code": "", "name": "x"},
        "/programmes/DIGI/edit": {"name": ""},
        f"/actions/{s.portfolio_action.id}/close": {"reason": TOO_LONG},
        "/projects/new": {"code": "P-X", "name": "x", "end_date": "31/12/2030"},
    }


def admin_forms(s) -> dict[str, dict]:
    return {
        "/admin/users/new": {"username": "x", "password": "", "role": "viewer"},
        "/admin/users/viewer-user/role": {"role": "emperor"},
        "/admin/users/viewer-user/deactivate": {"reason": TOO_LONG},
        "/admin/users/viewer-user/password": {"password": ""},
        "/admin/users/viewer-user/tokens": {"label": TOO_LONG},
        "/admin/users/viewer-user/tokens/abcd/revoke": {"reason": TOO_LONG},
        "/admin/plugins": None,
    }


def assert_refused(client, the_pmo, forms: dict, status: int) -> None:
    before = the_pmo.ledger.max_position()
    for url, data in forms.items():
        assert client.get(url).status_code == status, url
        if data is not None:
            assert submit(client, url, data).status_code == status, url
    assert the_pmo.ledger.max_position() == before


@pytest.mark.parametrize("role", ["viewer", "auditor"])
def test_readers_get_403_on_every_form(client, seeded, sign_in, the_pmo, role):
    sign_in(role)
    assert_refused(client, the_pmo, {**project_forms(seeded), **portfolio_forms(seeded), **admin_forms(seeded)}, 403)


def test_a_manager_gets_403_on_someone_elses_project_the_portfolio_and_admin(client, seeded, sign_in, the_pmo):
    sign_in("manager2")  # manages P-OTHER, not P-OWN
    forms = {**project_forms(seeded), **portfolio_forms(seeded), **admin_forms(seeded)}
    del forms["/projects/new"]  # any manager may register a project
    # They may open the decision and action forms (for P-OTHER), not post them for P-OWN.
    attach = {url: forms.pop(url) for url in ("/decisions/new", "/actions/new")}
    assert_refused(client, the_pmo, forms, 403)
    before = the_pmo.ledger.max_position()
    for url, data in attach.items():
        assert submit(client, url, {**data, "title": "x", "owner": "x"}).status_code == 403, url
    assert the_pmo.ledger.max_position() == before


def test_a_pmo_officer_gets_403_in_admin(client, seeded, sign_in, the_pmo):
    sign_in("pmo")
    assert_refused(client, the_pmo, admin_forms(seeded), 403)


@pytest.mark.parametrize("role, forms", [("manager", project_forms), ("pmo", portfolio_forms), ("admin", admin_forms)])
def test_every_form_shows_bad_input_again_and_writes_nothing(client, seeded, sign_in, the_pmo, role, forms):
    sign_in(role)
    before = the_pmo.ledger.max_position()
    for url, data in forms(seeded).items():
        if data is None:
            continue
        assert client.get(url).status_code == 200, url
        response = submit(client, url, data)
        html = response.get_data(as_text=True)
        assert response.status_code == 422, (url, response.status_code)
        assert 'class="field-error"' in html or 'class="notice notice-error"' in html, url
    assert the_pmo.ledger.max_position() == before
