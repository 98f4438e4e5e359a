"""``pmo report ...``: the printed status report and portfolio summary as PDF files, for
scripted steering committee packs.

    pmo report pdf REPORT_ID -o report.pdf [--as-of 2026-03-31]
    pmo report portfolio-pdf -o portfolio.pdf [--as-of 2026-03-31]

The PDF is the one the web app serves (/reports/<id>.pdf, /portfolio/summary.pdf): the same
page, rendered through the app's own templates in a request made up for the purpose, then by
headless Chromium (``web.pdf``). It reads only; nothing is written to the ledger.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from flask import g
from werkzeug.exceptions import HTTPException

from web import pdf


@click.group("report")
def report() -> None:
    """Status reports and the portfolio summary as print-ready PDF files."""


def _app(obj: Any):
    from web.app import create_app

    # A throwaway secret: this app signs no session; it only renders pages.
    return create_app({"PMO_STORE": obj.store, "SECRET_KEY": secrets.token_hex(16),
                       "PMO_EXTRA_PLUGINS": obj.extra_plugins, "PMO_ENTRY_POINTS": obj.entry_points})


def _write_pdf(obj: Any, path: str, as_of: str | None, build: Callable[[], tuple[str, str]],
               output: Path) -> None:
    """Render ``build()`` (HTML, file name) as the page at ``path`` would be, as of ``as_of``."""
    app = _app(obj)
    try:
        with app.test_request_context(path, query_string={"as_of": as_of} if as_of else None):
            app.preprocess_request()  # this request's PMO and its as-of moment, as for a page
            error = g.get("page_as_of_error")
            if error:
                raise click.ClickException(f"--as-of {error['raw']!r}: {error['message']}")
            html, _filename = build()
        click.echo("Rendering the PDF with Chromium...", err=True)
        document = pdf.render(html, app.config.get("PMO_CHROMIUM"))
    except HTTPException as error:  # a report that does not exist (yet, as of that moment)
        raise click.ClickException(error.description or error.name) from None
    except pdf.PdfUnavailable as error:
        raise click.ClickException(str(error)) from None
    finally:
        for unit in app.extensions.get("pmo", {}).values():
            unit.close()
    output.write_bytes(document)
    click.echo(f"Wrote {output} ({len(document):,} bytes).")


OUTPUT = click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path),
                      help="The PDF file to write.")
AS_OF = click.option("--as-of", "as_of", default=None,
                     help="Show the ledger as it was then (a date, the end of that day UTC, or an ISO timestamp).")


@report.command("pdf")
@click.argument("report_id", type=click.UUID)
@OUTPUT
@AS_OF
@click.pass_obj
def report_pdf(obj: Any, report_id, output: Path, as_of: str | None) -> None:
    """Write a status report (its id, from the report page's address) as a PDF."""
    from web.views import printable

    _write_pdf(obj, f"/reports/{report_id}/print", as_of,
               lambda: printable.report_html(report_id, for_pdf=True), output)


@report.command("portfolio-pdf")
@OUTPUT
@AS_OF
@click.pass_obj
def portfolio_pdf(obj: Any, output: Path, as_of: str | None) -> None:
    """Write the portfolio summary (RAG tiles, charts, exceptions) as a PDF."""
    from web.views import printable

    _write_pdf(obj, "/portfolio/summary/print", as_of, lambda: printable.portfolio_html(for_pdf=True), output)


def register(cli: click.Group) -> None:
    cli.add_command(report)
