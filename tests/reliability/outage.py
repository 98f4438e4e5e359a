"""Taking PostgreSQL away from the app for a while, and giving it back.

By default a TCP proxy between the app and PostgreSQL that the test cuts: ``cut()`` closes
every open connection and stops listening, so the app sees what a stopped server gives it
(connections dropped mid-session, "server closed the connection unexpectedly", then new
ones refused); ``restore()`` listens again on the same port.

Why not stop the real server by default: the PostgreSQL on a development or CI machine is
shared by the rest of the suite and by anything else running tests at the same moment;
stopping it fails their connections too. The proxy cuts only the app under test.

``PMO_TEST_PG_RESTART="<version> <cluster>"`` (say "15 crashtest", a cluster of its own on
another port, named in ``PMO_TEST_PG``) makes the test stop and start that real cluster
with ``pg_ctlcluster`` instead; it is always started again, even when the test fails.
"""
from __future__ import annotations

import os
import socket
import subprocess
import threading
from urllib.parse import urlsplit, urlunsplit


class CuttableProxy:
    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = 0
        self._listener: socket.socket | None = None
        self._pairs: set[tuple[socket.socket, socket.socket]] = set()
        self._lock = threading.Lock()
        self.connections = 0  # accepted so far, for the report

    def start(self) -> "CuttableProxy":
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def cut(self) -> None:
        """Refuse new connections and drop the open ones."""
        listener, self._listener = self._listener, None
        if listener is not None:
            _close(listener)
        with self._lock:
            pairs, self._pairs = self._pairs, set()
        for client, server in pairs:
            _close(client)
            _close(server)

    def restore(self) -> None:
        self.start()

    def close(self) -> None:
        self.cut()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # the listener was closed: cut
                return
            try:
                server = socket.create_connection(self.target, timeout=5)
                server.settimeout(None)
            except OSError:
                _close(client)
                continue
            for sock in (client, server):  # pass each message on at once, as libpq would send it
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            pair = (client, server)
            with self._lock:
                if self._listener is not listener:  # cut while connecting
                    _close(client)
                    _close(server)
                    return
                self._pairs.add(pair)
                self.connections += 1
            threading.Thread(target=self._pump, args=(client, server, pair), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, pair), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, pair) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        with self._lock:
            self._pairs.discard(pair)
        _close(source)
        _close(sink)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


class ClusterRestart:
    """Stop a real PostgreSQL cluster (fast shutdown: sessions are terminated) and start it."""

    def __init__(self, version: str, cluster: str):
        self.command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster]
        self.down = False

    def cut(self) -> None:
        self.down = True
        subprocess.run([*self.command, "stop", "-m", "fast"], check=True, capture_output=True)

    def restore(self) -> None:
        subprocess.run([*self.command, "start"], check=True, capture_output=True)
        self.down = False

    def close(self) -> None:
        if self.down:
            self.restore()


def make_outage(url: str) -> tuple[CuttableProxy | ClusterRestart, str]:
    """What will take the database away, and the store URL the app must use for it to work."""
    cluster = os.environ.get("PMO_TEST_PG_RESTART")
    if cluster:
        return ClusterRestart(*cluster.split()), url
    parts = urlsplit(url)
    proxy = CuttableProxy(parts.hostname or "127.0.0.1", parts.port or 5432).start()
    user = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    return proxy, urlunsplit(parts._replace(netloc=f"{user}127.0.0.1:{proxy.port}"))
