"""HTML to PDF with headless Chromium (Debian's ``chromium`` package), for steering packs.

Why the command line and not playwright's ``page.pdf``: the web workers and the ``pmo`` CLI
then need no Python package beyond the app's own, and no long-lived browser with its own
threads and event loop inside a gunicorn worker. Each PDF is one short-lived process (about
a second), in its own profile directory, killed with its children when it overruns.

The page is written to a temporary file with its CSS inlined and a Content-Security-Policy
that lets it load nothing at all (no scripts, no network, no other files): everything it
shows was rendered and escaped by the app already. That is also why ``--no-sandbox`` (which
Chromium needs as root or in most containers) is acceptable here.

The same HTML always gives the same PDF, so a few recent PDFs are kept in memory: a steering
pack downloaded by everyone on the committee is rendered once. The HTML of a print page holds
no per-user or per-request values for exactly this reason.

Which Chromium: ``PMO_CHROMIUM`` (environment or app config), else the first on the PATH of
``chromium-headless-shell`` (Debian's package of the same engine without the browser around
it, made for printing and screenshots: it starts about twice as fast), ``chromium`` and
``chromium-browser``. Without one, ``render`` raises ``PdfUnavailable`` (the web answers 503,
the CLI one line), never a crash.
"""
from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_SECONDS = 60
CACHE_SIZE = 16
# No remote or local loads of any kind; inline styles and data: images only.
PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:"
CANDIDATES = ("chromium-headless-shell", "chromium", "chromium-browser")
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-extensions",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
    "--no-default-browser-check", "--mute-audio", "--no-pdf-header-footer",
)


class PdfUnavailable(RuntimeError):
    """No PDF can be made here (no Chromium, or it failed): say so, do not crash."""


def find_chromium(configured: str | None = None) -> str | None:
    """The Chromium to run: ``configured`` (or ``PMO_CHROMIUM``) if it is an executable, else
    the first of ``CANDIDATES`` on the PATH; None when there is none."""
    wanted = configured or os.environ.get("PMO_CHROMIUM")
    if wanted:
        return shutil.which(wanted)
    return next(filter(None, map(shutil.which, CANDIDATES)), None)


def render(html: str, chromium: str | None = None) -> bytes:
    """The PDF of a self-contained HTML page (its CSS inlined), as bytes."""
    executable = find_chromium(chromium)
    if executable is None:
        where = chromium or os.environ.get("PMO_CHROMIUM") or " or ".join(CANDIDATES) + " on the PATH"
        raise PdfUnavailable(f"PDFs need Chromium, which is not installed here ({where}: not found). "
                             "Install it (Debian: apt-get install chromium-headless-shell, or chromium) or "
                             "set PMO_CHROMIUM; meanwhile the print page can be printed from the browser.")
    return _render(html, executable)


@functools.lru_cache(maxsize=CACHE_SIZE)
def _render(html: str, executable: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="pmo-pdf-") as tmp:
        page, output = Path(tmp) / "page.html", Path(tmp) / "page.pdf"
        page.write_text(html, encoding="utf-8")
        command = [executable, *FLAGS, f"--user-data-dir={tmp}/profile", f"--print-to-pdf={output}",
                   page.as_uri()]
        # Its own session, so that a run that overruns is killed with its renderer processes;
        # HOME in the temporary directory, so that it writes nothing into the service's home.
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   start_new_session=True, env={**os.environ, "HOME": tmp})
        try:
            _, stderr = process.communicate(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise PdfUnavailable(f"Chromium took longer than {TIMEOUT_SECONDS} s to make the PDF") from None
        if process.returncode != 0 or not output.exists() or output.stat().st_size == 0:
            last = (stderr.decode(errors="replace").strip().splitlines() or ["no output"])[-1]
            raise PdfUnavailable(f"Chromium could not make the PDF (exit {process.returncode}): {last}")
        return output.read_bytes()
