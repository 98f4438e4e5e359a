"""The property tests' figures (for docs/reliability.md): counted by the test, printed at the
end of the run. Under pytest-xdist a worker hands them to the main process (tests/conftest.py)."""
from __future__ import annotations

from collections import Counter

STATS: Counter = Counter()


def summary_line(stats) -> str | None:
    if not stats.get("examples"):
        return None
    return (f"property tests: {stats['examples']} sequences, {stats['commands']} commands "
            f"({stats['valid']} valid, {stats['invalid']} refused), {stats['events']} events, "
            f"{stats['aggregates']} aggregates replayed, {stats['as_of']} as-of positions checked")
