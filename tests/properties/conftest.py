"""The property tests' figures, printed at the end of the run (for docs/reliability.md)."""


def pytest_terminal_summary(terminalreporter):
    from tests.properties.test_ledger_properties import STATS

    if STATS["examples"]:
        terminalreporter.write_line(
            f"property tests: {STATS['examples']} sequences, {STATS['commands']} commands "
            f"({STATS['valid']} valid, {STATS['invalid']} refused), {STATS['events']} events, "
            f"{STATS['aggregates']} aggregates replayed, {STATS['as_of']} as-of positions checked")
