"""The PMO core: domain, services, read models, queries and the plugin system (no Flask)."""
