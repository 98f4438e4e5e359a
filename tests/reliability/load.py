"""A write load through the JSON API that remembers every write the server acknowledged.

Client threads assign actions and close every other one (with If-Match), as a script would.
A 2xx answer is an acknowledgement: the test later demands that write back from the ledger.
Anything else is kept with the moment it came, so a test can say which answers are allowed
(a killed server gives connection errors; a store outage must give 503, never 500).
"""
from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass

import requests

OWNER = "crash-load"
MISSING_PAGE = "no-such-page"


@dataclass
class Ack:
    """The state of an action as the server last acknowledged it."""

    id: str
    title: str
    status: str
    version: int


@dataclass(frozen=True)
class Answer:
    at: float  # time.monotonic() when it came
    method: str
    path: str
    status: int
    content_type: str
    retry_after: str | None
    body: str
    headers: dict[str, str]


class WriteLoad:
    def __init__(self, token: str, threads: int = 4, html_probe: bool = False):
        self.token = token
        self.threads = threads
        self.html_probe = html_probe
        self.acknowledged: dict[str, Ack] = {}
        self.answers: list[Answer] = []
        self.connection_errors = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._workers: list[threading.Thread] = []
        self._acks_this_run = 0

    # --- running ------------------------------------------------------------------------

    def start(self, base_url: str, tag: str) -> "WriteLoad":
        self._stop.clear()
        self._acks_this_run = 0
        self._workers = [threading.Thread(target=self._write, args=(base_url, f"{tag}-{n}"), daemon=True)
                         for n in range(self.threads)]
        if self.html_probe:
            self._workers.append(threading.Thread(target=self._probe_pages, args=(base_url,), daemon=True))
        for worker in self._workers:
            worker.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for worker in self._workers:
            worker.join(timeout=60)
            assert not worker.is_alive(), "a load thread did not stop"

    @property
    def acks_this_run(self) -> int:
        return self._acks_this_run

    def wait_for_acks(self, count: int, timeout: float = 60) -> None:
        """Until ``count`` writes were acknowledged since ``start``."""
        deadline = time.monotonic() + timeout
        while self._acks_this_run < count:
            assert time.monotonic() < deadline, f"only {self._acks_this_run} writes acknowledged in {timeout}s"
            time.sleep(0.01)

    # --- what the clients do ------------------------------------------------------------

    def _session(self) -> requests.Session:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {self.token}"
        return session

    def _call(self, session: requests.Session, method: str, url: str, **kwargs) -> requests.Response | None:
        try:
            response = session.request(method, url, timeout=60, **kwargs)
        except requests.RequestException:  # refused, reset, cut off mid-answer: no acknowledgement
            with self._lock:
                self.connection_errors += 1
            time.sleep(0.05)
            return None
        answer = Answer(time.monotonic(), method, url.split("/", 3)[-1], response.status_code,
                        response.headers.get("Content-Type", ""), response.headers.get("Retry-After"),
                        response.text[:500], dict(response.headers))
        with self._lock:
            self.answers.append(answer)
        if not response.ok:
            time.sleep(0.05)
        return response

    def _acknowledge(self, ack: Ack) -> None:
        with self._lock:
            self.acknowledged[ack.id] = ack
            self._acks_this_run += 1

    def _write(self, base_url: str, tag: str) -> None:
        session = self._session()
        n = 0
        while not self._stop.is_set():
            n += 1
            title = f"{tag}-{n}"
            created = self._call(session, "POST", f"{base_url}/api/actions", json={
                "title": title, "owner": OWNER, "description": f"written by the crash test ({tag})"})
            if created is None or created.status_code != 201:
                continue
            action = created.json()
            self._acknowledge(Ack(action["id"], title, "open", action["version"]))
            if n % 2:
                continue
            closed = self._call(session, "POST", f"{base_url}/api/actions/{action['id']}/close",
                                json={"outcome": "closed by the crash test"},
                                headers={"If-Match": created.headers["ETag"]})
            if closed is not None and closed.status_code == 200:
                self._acknowledge(Ack(action["id"], title, "done", closed.json()["version"]))

    def _probe_pages(self, base_url: str) -> None:
        """People reading pages while the load runs: the action list (signed in), and a page
        that does not exist (signed out; its 404 page shows the navigation, which reads)."""
        signed_in, visitor = self._session(), requests.Session()
        while not self._stop.is_set():
            self._call(signed_in, "GET", f"{base_url}/actions")
            self._call(visitor, "GET", f"{base_url}/{MISSING_PAGE}")
            time.sleep(0.05)

    # --- what came back -----------------------------------------------------------------

    def statuses(self) -> Counter:
        return Counter(a.status for a in self.answers)

    def unexpected(self, allowed: set[int]) -> list[Answer]:
        """Answers with a status not in ``allowed`` (the missing page may also say 404)."""
        return [a for a in self.answers
                if a.status not in allowed and not (a.status == 404 and a.path == MISSING_PAGE)]
