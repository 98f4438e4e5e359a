"""The web layer: Flask app factory, sign-in, the JSON API, HTML pages and the `pmo` CLI."""
