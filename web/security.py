"""Web hardening in one place: security headers on every response, and sign-in throttling.

Headers: a strict Content-Security-Policy (scripts and styles only from this site, no inline
script, no framing), ``nosniff``, ``X-Frame-Options: DENY``, a same-origin referrer, and HSTS
when the app is served over HTTPS (``PMO_HTTPS=1``, which also marks the session cookie
Secure; see ``web.app``). The pages carry no inline script or style (the charts are SVG
styled from ``static/pmo.css``), so the policy costs them nothing. The one exception is the
Swagger UI page at /api/docs, rendered by flask-smorest with one inline ``<script>`` that
starts the UI: that page's policy allows exactly that script by its SHA-256 hash, computed
from the page as served, so a flask-smorest upgrade cannot silently break it. (Swagger UI
styles its elements through the DOM, which style-src does not restrict: checked in Chromium
with every operation and model expanded, no violation.)

Sign-in throttling: after ``PMO_LOGIN_MAX_FAILURES`` (5) failed sign-ins for one username
within ``PMO_LOGIN_WINDOW_SECONDS`` (15 minutes), or ``PMO_LOGIN_MAX_FAILURES_PER_IP`` (20)
from one address, further attempts are answered 429 with ``Retry-After`` and are not even
checked, until the oldest of those failures is older than the window. A success clears the
username's count. The per-address limit is higher because a whole office often reaches the
app through one NAT or reverse-proxy address; 0 switches a limit off. The counts live in
process memory: with several gunicorn workers each worker counts on its own (an attacker gets
at most limit x workers tries per window), and a restart forgets them.
"""
from __future__ import annotations

import base64
import hashlib
import math
import os
import re
import threading
import time
from collections import deque
from collections.abc import Callable

from flask import Flask, Response, current_app, render_template, request

# --- headers ---------------------------------------------------------------------------------

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"
SWAGGER_UI_ENDPOINT = "api-docs.openapi_swagger_ui"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script>", re.S | re.I)


def policy(**overrides: str) -> str:
    return "; ".join(f"{name} {value}" for name, value in {**POLICY, **overrides}.items())


def script_hashes(html: str) -> list[str]:
    """CSP source expressions ('sha256-...') for each inline script of ``html``."""
    return [f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"
            for body in INLINE_SCRIPT.findall(html)]


def _swagger_ui_policy(response: Response) -> str:
    hashes = script_hashes(response.get_data(as_text=True))
    return policy(**{"script-src": " ".join(["'self'", *hashes])})


def _add_headers(response: Response) -> Response:
    headers = response.headers
    if "Content-Security-Policy" not in headers:
        swagger = request.endpoint == SWAGGER_UI_ENDPOINT and not response.direct_passthrough
        headers["Content-Security-Policy"] = _swagger_ui_policy(response) if swagger else policy()
    for name, value in HEADERS.items():
        headers.setdefault(name, value)
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


# --- sign-in throttling ----------------------------------------------------------------------

class LoginThrottle:
    """Failed sign-ins per username and per client address, in a sliding window."""

    def __init__(self, max_failures: int = 5, max_failures_per_ip: int = 20, window: float = 900,
                 clock: Callable[[], float] = time.monotonic, max_keys: int = 10_000):
        self.limits = {"user": max_failures, "ip": max_failures_per_ip}
        self.window = window
        self.clock = clock
        self.max_keys = max_keys
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _keys(self, username: str, ip: str | None) -> list[tuple[str, str]]:
        keys = [("user", username)] if username else []
        return keys + ([("ip", ip)] if ip else [])

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        failures = self._failures.get(key, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def retry_after(self, username: str, ip: str | None) -> int:
        """Seconds until ``username`` may try again from ``ip`` (0: now)."""
        now = self.clock()
        wait = 0.0
        with self._lock:
            for key in self._keys(username, ip):
                limit = self.limits[key[0]]
                failures = self._recent(key, now)
                if limit and len(failures) >= limit:
                    wait = max(wait, failures[-limit] + self.window - now)
        return math.ceil(wait) if wait > 0 else 0

    def failed(self, username: str, ip: str | None) -> None:
        now = self.clock()
        with self._lock:
            if len(self._failures) >= self.max_keys:
                self._forget_expired(now)
            for key in self._keys(username, ip):
                limit = self.limits[key[0]]
                if limit:
                    failures = self._recent(key, now)
                    failures.append(now)
                    while len(failures) > limit:  # only the last ``limit`` failures matter
                        failures.popleft()
                    self._failures[key] = failures

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(("user", username), None)

    def _forget_expired(self, now: float) -> None:
        for key in list(self._failures):
            if not self._recent(key, now):
                del self._failures[key]
        while len(self._failures) >= self.max_keys:  # still full: drop the oldest entries
            del self._failures[next(iter(self._failures))]


def throttle() -> LoginThrottle:
    return current_app.extensions["pmo_login_throttle"]


def login_wait(username: str) -> int:
    """Seconds this sign-in attempt must wait (0: go ahead and check the password)."""
    return throttle().retry_after(username, request.remote_addr)


def login_failed(username: str) -> None:
    throttle().failed(username, request.remote_addr)


def login_succeeded(username: str) -> None:
    throttle().succeeded(username)


def too_many_sign_ins(wait: int):
    """The sign-in page again, 429, saying how long to wait."""
    minutes = max(1, math.ceil(wait / 60))
    error = (f"Too many failed sign-in attempts for this account or from your network. "
             f"Try again in {minutes} minute{'s' if minutes != 1 else ''}.")
    return render_template("auth/login.html", error=error), 429, {"Retry-After": str(wait)}


def _setting(app: Flask, name: str, default: int) -> int:
    value = app.config.get(name)
    if value is None:
        value = os.environ.get(name, default)
    return int(value)


def init_app(app: Flask) -> None:
    app.extensions["pmo_login_throttle"] = LoginThrottle(
        max_failures=_setting(app, "PMO_LOGIN_MAX_FAILURES", 5),
        max_failures_per_ip=_setting(app, "PMO_LOGIN_MAX_FAILURES_PER_IP", 20),
        window=_setting(app, "PMO_LOGIN_WINDOW_SECONDS", 15 * 60),
    )
    app.after_request(_add_headers)
