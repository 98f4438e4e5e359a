"""The app in a real HTTP server on a free loopback port, in a thread of the test process.

werkzeug's threaded server: the browser fetches a page and its stylesheets at once. The
test process keeps the app, so fixtures can look at the ledger behind the pages.
"""
from __future__ import annotations

import threading

from werkzeug.serving import make_server


class LiveServer:
    def __init__(self, app, host: str = "127.0.0.1"):
        self.app = app
        self._server = make_server(host, 0, app, threaded=True)
        self.url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="live-server", daemon=True)

    def __enter__(self) -> "LiveServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()

    def __call__(self, path: str = "/") -> str:
        """The absolute URL of ``path``."""
        return self.url + path
