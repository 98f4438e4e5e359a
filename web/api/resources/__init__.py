"""One module per core resource; BLUEPRINTS lists them for ``register_api``."""
BLUEPRINTS: list = []
