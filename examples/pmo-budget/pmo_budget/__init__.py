"""Budget vs actuals per project: an example third-party plugin for PMO Ledger.

Installed with pip (``pip install -e examples/pmo-budget``), it is found through the
``pmo.plugins`` entry point (see ``pyproject.toml``); an admin then enables it like any other
plugin. Everything it adds is in this folder:

What it does
    Each project gets a budget (whole currency units: a PMO follows budgets, not cents),
    revised when the steering group decides, and the actual costs recorded against it. The
    register compares them: spent, remaining, share of budget used, and the cost rating
    (red/amber/green) the project last reported in its status report.

Starts with history
    Its read model follows the core's projects and published status reports too, so enabled
    years after the first project was registered it lists every project, with the cost
    ratings reported back then, as of any moment.

Pages      /budget/ (the register, ``?as_of=``), /budget/<code> (a project's budget and costs),
           /budget/<code>/set and /budget/<code>/costs/new (forms)
API        GET /api/budgets, GET /api/budgets/<code>, PUT /api/budgets/<code> (If-Match),
           POST /api/budgets/<code>/costs
CLI        pmo budget list [--as-of DATE]; pmo budget set CODE AMOUNT [--currency EUR];
           pmo budget cost CODE AMOUNT --on DATE --description TEXT
Events     budget.Budget: Set, Revised, CostRecorded
Hooks      nearly all of PMO Ledger's (see ``hooks.py``, the only module that uses ``hookimpl``):
           a panel on the project page, a dashboard widget, a section in the printed status
           report, a hint on the status report form when spending runs over, demo data

Modules: domain -> services, projections -> queries -> views, api, cli, panels -> hooks.
"""
