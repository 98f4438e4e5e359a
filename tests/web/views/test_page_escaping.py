"""What people type is escaped on the pages that show it (a test of its own: it writes, and
``test_pages.py`` shares one app between tests that only read)."""
from __future__ import annotations

from events.context import command_context


def test_what_people_type_is_escaped_everywhere(app, client, seeded, sign_in):
    from core.services import projects, reporting
    from web.tenancy import current_pmo

    with app.app_context(), command_context("pia"):
        pmo = current_pmo()
        project = projects.register_project(pmo, "XSS", "<script>alert(1)</script>", manager="<b>m</b>")
        reporting.plan_milestone(pmo, project.id, "<img src=x onerror=alert(1)>", seeded.slipping.baseline_date)
    sign_in("viewer")
    for url in ("/projects", "/projects/XSS", "/"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "<b>m</b>" not in html and "<img src=x" not in html, url
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/projects/XSS").get_data(as_text=True)
