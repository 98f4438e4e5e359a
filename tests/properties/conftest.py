"""The property tests' figures, printed at the end of the run (for docs/reliability.md)."""
from tests.properties.stats import STATS, summary_line


def pytest_sessionfinish(session):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: the main process prints them
        workeroutput["property_stats"] = dict(STATS)


def pytest_terminal_summary(terminalreporter):
    line = summary_line(STATS)
    if line:
        terminalreporter.write_line(line)
