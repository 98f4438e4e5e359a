"""Event-sourcing plumbing that knows nothing of PMO.

- ``context``: who, why and which request a command belongs to (actor, reason, correlation id).
- ``aggregate``: the base aggregate whose events carry that metadata.
- ``store``: one ``PMO_STORE`` URL -> one eventsourcing application (the ledger) and its
  read-model database.
- ``projections``: read models fed from the global log, tracked in the same transaction.
- ``temporal``: read-model rows that remember the log positions between which they were true.
"""
