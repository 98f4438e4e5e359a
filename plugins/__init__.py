"""Built-in plugins: one package per module a maturing PMO switches on.

``BUILTINS`` lists them explicitly (no discovery magic); third-party plugins register through
the ``pmo.plugins`` entry-point group. Each is a vertical slice: domain, services, schemas,
api, views, templates and ``hooks.py``, the only module that uses ``hookimpl``.
"""
from plugins.benefits import hooks as benefits_hooks
from plugins.governance import hooks as governance_hooks
from plugins.knowledge import hooks as knowledge_hooks
from plugins.portfolio import hooks as portfolio_hooks
from plugins.resources import hooks as resources_hooks
from plugins.risk import hooks as risk_hooks

BUILTINS: tuple = (
    risk_hooks,
    resources_hooks,
    benefits_hooks,
    portfolio_hooks,
    knowledge_hooks,
    governance_hooks,
)
