"""Application services: every state change goes through one of these functions.

Each takes the ``PMO`` unit of work first, runs inside a ``command_context`` (who, why,
which request) and saves all its events in one transaction. ``expected_version`` turns a
stale read into a ``ConflictError`` (HTTP 409) before anything is written.
"""
