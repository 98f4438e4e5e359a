"""Scenarios: "what if" branches of the live portfolio, kept out of the live ledger.

A scenario is branched from the live portfolio at a moment (the ledger position it saw) and
records its own hypothetical events: drop a project, shift its dates, change its cost, make it
a must-do or not, change the budget or a capacity. Those events live in a store of their own
(``book.py``: a separate SQLite file beside the store, a separate table on PostgreSQL, a
separate memory store for ``memory://``), so creating, editing and discarding a scenario never
changes the live ledger, its chain head or its count.

Evaluation (``evaluate.py``) applies the scenario's changes on top of the *current* live
portfolio, never the branch-time copy, and lists what changed in the live ledger since the
branch for the scenario's projects: a scenario never goes stale. Committing (``services.py``)
writes the scenario's decisions to the live ledger as real core and portfolio events by the
committing user, in one save, and marks the scenario committed.

Modules, in dependency order: domain -> book -> evaluate -> services.
"""
