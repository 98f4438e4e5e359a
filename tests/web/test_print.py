"""Steering committee packs: a status report and the portfolio summary as print pages and PDFs.

The PMO of a small portfolio prints the March report of the citizen portal. It was submitted
on 2 April; on 10 April more was recorded about March (a decision taken on 25 March, a new
risk, a second reforecast) and on 15 April the payroll project reported red. Printed as of
3 April, the pack shows what the committee saw then; printed now, what is known now.

Chromium renders only two PDFs here (the report as of 3 April, the portfolio now): the CLI's
PDFs of the same pages come from the same HTML, which ``web.pdf`` renders once.
"""
from __future__ import annotations

import io
import re
from datetime import date, datetime, timezone
from html import unescape
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from events.context import command_context
from tests.conftest import close_app, login, make_app

THEN = "2026-04-03"
SUMMARY = "Supplier B is three weeks late; the pilot moves to May."


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def pdf_text(data: bytes) -> str:
    """The PDF's text with runs of white space made one (table cells wrap lines)."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def flat(html: str) -> str:
    return " ".join(html.split())


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    """The portfolio's year so far, written with its own timestamps, then the people."""
    from core.services import logs, plugins, portfolio, projects, reporting, users
    from plugins.risk import services as risk
    from web.tenancy import current_pmo

    url = f"sqlite:///{tmp_path_factory.mktemp('print')}/pmo.sqlite"
    app = make_app(url)
    ids = SimpleNamespace()
    with app.app_context():
        pmo = current_pmo()
        with command_context("pia", "Annual plan", occurred_at=at("2026-01-05T09:00")):
            portfolio.establish_portfolio(pmo, "Steering portfolio", "What the board steers")
            programme = portfolio.register_programme(pmo, "DIGI", "Digital services")
            portal = projects.register_project(pmo, "P-1", "Citizen portal", manager="bo", sponsor="cfo",
                                               programme_id=programme.id)
            payroll = projects.register_project(pmo, "P-2", "Payroll migration", manager="ann")
            intranet = projects.register_project(pmo, "P-3", "Intranet refresh", manager="bo")
            for project in (portal, payroll, intranet):
                for stage in ("proposed", "approved", "active"):
                    projects.move_project_to_stage(pmo, project.id, stage, f"Board approved {stage}")
            design = reporting.plan_milestone(pmo, portal.id, "Design approved", date(2026, 2, 15))
            pilot = reporting.plan_milestone(pmo, portal.id, "Pilot live", date(2026, 3, 31))
            logs.record_decision(pmo, "Agile delivery for the portal", "Two-week sprints", "board",
                                 date(2026, 1, 5), project_id=portal.id)
            plugins.enable_plugin(pmo, "risk")
            green = dict(overall="green", schedule="green", cost="green", scope="green")
            reporting.submit_status_report(pmo, intranet.id, period_start=date(2026, 3, 1),
                                           period_end=date(2026, 3, 31), summary="On plan", **green)
        with command_context("bo", occurred_at=at("2026-02-21T09:00")):
            reporting.achieve_milestone(pmo, design.id, date(2026, 2, 20))
        with command_context("bo", "Supplier B", occurred_at=at("2026-03-05T09:00")):
            logs.record_decision(pmo, "Choose supplier B", "Contract supplier B for the forms", "steering group",
                                 date(2026, 3, 4), rationale="Cheapest compliant bid", project_id=portal.id)
            chase = logs.assign_action(pmo, "Chase supplier B weekly", "bo", date(2026, 3, 20), project_id=portal.id)
            nda = logs.assign_action(pmo, "Sign the NDA", "bo", date(2026, 3, 6), project_id=portal.id)
            logs.close_action(pmo, nda.id, "Signed")
            risk.identify_risk(pmo, "Supplier B goes bankrupt", "bo", project_id=portal.id, probability=5, impact=5)
        with command_context("bo", "Supplier late", occurred_at=at("2026-03-20T09:00")):
            reporting.reforecast_milestone(pmo, pilot.id, date(2026, 5, 15))
        with command_context("bo", occurred_at=at("2026-04-02T09:00")):
            report = reporting.submit_status_report(
                pmo, portal.id, period_start=date(2026, 3, 1), period_end=date(2026, 3, 31), overall="amber",
                schedule="red", cost="green", scope="green", progress_pct=40, summary=SUMMARY)
        with command_context("bo", "Recorded late", occurred_at=at("2026-04-10T09:00")):
            logs.record_decision(pmo, "Move the pilot to June", "Pilot after the summer release", "board",
                                 date(2026, 3, 25), project_id=portal.id)
            risk.identify_risk(pmo, "Key developer leaves", "bo", project_id=portal.id, probability=1, impact=1)
            reporting.reforecast_milestone(pmo, pilot.id, date(2026, 6, 30))
        with command_context("ann", occurred_at=at("2026-04-15T09:00")):
            reporting.submit_status_report(pmo, payroll.id, period_start=date(2026, 3, 1),
                                           period_end=date(2026, 3, 31), overall="red", schedule="red",
                                           cost="amber", scope="green", summary="Vendor missed the cut-over")
        with command_context("setup", "test fixture"):
            users.create_user(pmo, "nora", "correct-horse-nora", "viewer")
            users.create_user(pmo, "pia", "correct-horse-pia", "pmo")
    client = app.test_client()
    login(client, "nora", "correct-horse-nora")
    ids.report, ids.chase = report.id, chase.id
    yield SimpleNamespace(app=app, url=url, client=client, ids=ids)
    close_app(app)


@pytest.fixture(scope="module")
def report_pdf_then(pack):
    """The March report's PDF as of 3 April, as a viewer downloads it."""
    response = pack.client.get(f"/reports/{pack.ids.report}.pdf?as_of={THEN}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


@pytest.fixture(scope="module")
def portfolio_pdf_now(pack):
    response = pack.client.get("/portfolio/summary.pdf")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def cli(pack, *args: str):
    from web.cli import make_cli

    return CliRunner().invoke(make_cli(entry_points=False), ["--store", pack.url, *args])


# --- the status report ------------------------------------------------------------------------

def test_the_pdf_of_a_status_report_carries_what_the_committee_reads(report_pdf_then):
    assert report_pdf_then.mimetype == "application/pdf"
    assert 'attachment; filename=status-report-P-1-2026-03-31.pdf' == report_pdf_then.headers["Content-Disposition"]
    text = pdf_text(report_pdf_then.data)
    upper = text.upper()
    # Who and when: the project, its period, the moment the pack shows.
    assert "P-1 Citizen portal" in text and "Period 2026-03-01 to 2026-03-31" in text
    assert "3 April 2026, 23:59 UTC" in text
    # The ratings as words (they survive a greyscale printer), the progress and the summary.
    assert "OVERALL SCHEDULE COST SCOPE PROGRESS" in upper
    assert upper.count("AMBER") >= 1 and "RED" in upper and upper.count("GREEN") >= 2 and "40%" in text
    assert SUMMARY in text
    # Milestones with baseline, forecast, actual and slippage, as forecast then.
    assert "Design approved 2026-02-15 2026-02-20 2026-02-20 +5 days Achieved late" in text
    assert "Pilot live 2026-03-31 2026-05-15 – +45 days Slipping" in text
    # The risk plugin's section: the top risks known then.
    assert "Top risks" in text and "Supplier B goes bankrupt" in text and "CRITICAL" in upper
    assert "Key developer leaves" not in text
    # The decisions taken in March that were on record then, and the open actions.
    assert "Choose supplier B" in text and "Contract supplier B for the forms" in text
    assert "Agile delivery for the portal" not in text   # taken in January
    assert "Move the pilot to June" not in text          # recorded on 10 April
    assert "Chase supplier B weekly" in text and "Overdue 14 days" in text
    assert "Sign the NDA" not in text                    # done


def test_the_print_page_shows_the_report_as_of_the_moment_asked(pack):
    url = f"/reports/{pack.ids.report}/print"
    now, then = (flat(pack.client.get(u).get_data(as_text=True)) for u in (url, f"{url}?as_of={THEN}"))
    # Recorded on 10 April: a decision taken in March, a new risk, a second reforecast.
    assert "Move the pilot to June" in now and "Move the pilot to June" not in then
    assert "Key developer leaves" in now and "Key developer leaves" not in then
    assert "+91 days" in now and "+45 days" in then
    # A report that did not exist yet is not shown as if it had.
    early = pack.client.get(f"{url}?as_of=2026-03-31")
    assert early.status_code == 404 and "did not exist yet" in early.get_data(as_text=True)


def test_the_print_page_stands_alone_and_links_to_its_pdf(pack):
    page = pack.client.get(f"/reports/{pack.ids.report}/print?as_of={THEN}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'href="/static/print.css"' in html and "Sign out" not in html  # no app navigation
    assert f'href="/reports/{pack.ids.report}.pdf?as_of={THEN}"' in html
    assert pack.client.get("/static/print.css").status_code == 200
    shown = pack.client.get(f"/reports/{pack.ids.report}").get_data(as_text=True)
    assert f'href="/reports/{pack.ids.report}/print"' in shown and "Print / PDF" in shown


def test_without_the_risk_plugin_the_report_has_no_risk_section(pack):
    from core.services import plugins
    from web.tenancy import current_pmo

    with pack.app.app_context():
        pmo = current_pmo()
        with command_context("pia", "Switched off for this test"):
            plugins.disable_plugin(pmo, "risk")
        try:
            html = pack.client.get(f"/reports/{pack.ids.report}/print").get_data(as_text=True)
        finally:
            with command_context("pia", "Back on"):
                plugins.enable_plugin(pmo, "risk")
    assert "Top risks" not in html and "Supplier B goes bankrupt" not in html
    assert "Choose supplier B" in html


# --- the portfolio summary --------------------------------------------------------------------

def test_the_portfolio_summary_pdf_has_tiles_charts_and_exceptions(portfolio_pdf_now):
    text = pdf_text(portfolio_pdf_now.data)
    assert "Steering portfolio" in text and "3 active, 2 rated red or amber" in text
    assert all(code in text for code in ("P-1 Citizen portal", "P-2 Payroll migration", "P-3 Intranet refresh"))
    assert "Projects by lifecycle stage" in text and "Green: 1" in text and "Red: 1" in text
    exceptions = text.split("Exceptions: projects rated red or amber", 1)[1]
    assert "Vendor missed the cut-over" in exceptions and SUMMARY in exceptions
    assert "Intranet refresh" not in exceptions
    assert "Pilot live (forecast 2026-06-30, +91 days)" in exceptions


def test_the_portfolio_print_page_honours_as_of(pack):
    now = flat(pack.client.get("/portfolio/summary/print").get_data(as_text=True))
    then = flat(pack.client.get(f"/portfolio/summary/print?as_of={THEN}").get_data(as_text=True))
    assert "2 rated red or amber" in now and "1 rated red or amber" in then  # payroll reported on 15 April
    assert "Vendor missed the cut-over" in now and "Vendor missed the cut-over" not in then
    dashboard = pack.client.get("/").get_data(as_text=True)
    assert 'href="/portfolio/summary/print"' in dashboard


# --- when no PDF can be made ------------------------------------------------------------------

def test_without_chromium_the_pdf_is_a_503_that_says_why(pack, tmp_path):
    pack.app.config["PMO_CHROMIUM"] = str(tmp_path / "no-chromium")
    try:
        answer = pack.client.get("/portfolio/summary.pdf")
    finally:
        pack.app.config.pop("PMO_CHROMIUM")
    assert answer.status_code == 503
    assert "PDFs need Chromium, which is not installed here" in answer.get_data(as_text=True)


def test_a_chromium_that_fails_is_a_503_with_its_last_words(pack, tmp_path):
    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\necho 'renderer crashed' >&2\nexit 3\n")
    broken.chmod(0o755)
    pack.app.config["PMO_CHROMIUM"] = str(broken)
    try:
        answer = pack.client.get(f"/reports/{pack.ids.report}.pdf")
    finally:
        pack.app.config.pop("PMO_CHROMIUM")
    assert answer.status_code == 503
    assert "Chromium could not make the PDF (exit 3): renderer crashed" in answer.get_data(as_text=True)


def test_the_page_chromium_renders_may_load_nothing(pack):
    from web.views import printable

    with pack.app.test_request_context(f"/reports/{pack.ids.report}/print"):
        pack.app.preprocess_request()
        html, filename = printable.report_html(pack.ids.report, for_pdf=True)
    assert filename == "status-report-P-1-2026-03-31.pdf"
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert policy and unescape(policy[1]).startswith("default-src 'none';")
    assert "<style>" in html and "@page" in html
    assert "href=" not in html and "src=" not in html  # no links on paper, nothing to fetch


def test_a_bad_as_of_is_refused_rather_than_printed_as_now(pack):
    assert pack.client.get("/portfolio/summary.pdf?as_of=someday").status_code == 422
    page = pack.client.get("/portfolio/summary/print?as_of=someday")
    assert page.status_code == 422 and "is not a moment the ledger understands" in page.get_data(as_text=True)


# --- the command line -------------------------------------------------------------------------

def test_the_cli_writes_the_pdfs_the_web_serves(pack, tmp_path, report_pdf_then, portfolio_pdf_now):
    report_file, portfolio_file = tmp_path / "report.pdf", tmp_path / "portfolio.pdf"
    done = cli(pack, "report", "pdf", str(pack.ids.report), "-o", str(report_file), "--as-of", THEN)
    assert done.exit_code == 0, done.output
    assert pdf_text(report_file.read_bytes()) == pdf_text(report_pdf_then.data)
    done = cli(pack, "report", "portfolio-pdf", "--output", str(portfolio_file))
    assert done.exit_code == 0, done.output
    assert pdf_text(portfolio_file.read_bytes()) == pdf_text(portfolio_pdf_now.data)


def test_the_cli_says_in_one_line_what_it_cannot_print(pack, tmp_path, monkeypatch):
    out = str(tmp_path / "x.pdf")
    early = cli(pack, "report", "pdf", str(pack.ids.report), "-o", out, "--as-of", "2026-03-31")
    assert early.exit_code == 1 and "did not exist yet" in early.output
    unknown = cli(pack, "report", "pdf", "00000000-0000-0000-0000-000000000000", "-o", out)
    assert unknown.exit_code == 1 and "There is no such status report." in unknown.output
    bad = cli(pack, "report", "portfolio-pdf", "-o", out, "--as-of", "someday")
    assert bad.exit_code == 1 and "--as-of 'someday'" in bad.output
    monkeypatch.setenv("PMO_CHROMIUM", str(tmp_path / "no-chromium"))
    missing = cli(pack, "report", "portfolio-pdf", "-o", out)
    assert missing.exit_code == 1 and "PDFs need Chromium" in missing.output
    assert not (tmp_path / "x.pdf").exists()
