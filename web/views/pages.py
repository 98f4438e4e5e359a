"""Placeholder until the pages land: the dashboard endpoint other modules link to."""
from flask import Blueprint, render_template_string
from flask_login import login_required

bp = Blueprint("pages", __name__)
BLUEPRINTS = [bp]


@bp.route("/")
@login_required
def dashboard():
    return render_template_string("{% extends 'base.html' %}{% block content %}<h1>Portfolio</h1>{% endblock %}")
