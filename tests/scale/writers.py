"""A writer process for the scale-out test: a plain HTTP client (stdlib only, so that a
spawned process starts fast), reporting every answer it got."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any


def call(base: str, token: str, method: str, path: str, body: dict | None = None,
         if_match: int | None = None) -> tuple[int, dict[str, Any], str | None]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if if_match is not None:
        headers["If-Match"] = f'"{if_match}"'
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"{}"), response.headers.get("ETag")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}"), None


def version_of(etag: str | None) -> int | None:
    return int(etag.strip('"')) if etag else None


def write(base: str, token: str, me: int, shared: str, own: str, rounds: int, barrier, results) -> None:
    """Race the others once on a stale version of the shared project, then take turns on it
    (reading its version first) while updating this writer's own project."""
    log: list[dict[str, Any]] = []

    def patch(code: str, name: str, version: int | None) -> int | None:
        status, body, etag = call(base, token, "PATCH", f"/api/projects/{code}", {"name": name}, version)
        log.append({"project": code, "name": name, "if_match": version, "status": status,
                    "current_version": body.get("current_version")})
        return version_of(etag) if status == 200 else None

    try:
        _, _, etag = call(base, token, "GET", f"/api/projects/{shared}")
        stale = version_of(etag)
        barrier.wait(timeout=60)
        patch(shared, f"race won by writer {me}", stale)
        _, _, etag = call(base, token, "GET", f"/api/projects/{own}")
        mine = version_of(etag)
        for i in range(rounds):
            mine = patch(own, f"writer {me} own {i}", mine)
            _, _, etag = call(base, token, "GET", f"/api/projects/{shared}")
            patch(shared, f"writer {me} shared {i}", version_of(etag))
    except Exception as error:  # report it: the test fails with it rather than hanging
        log.append({"error": repr(error)})
    results.put((me, log))
