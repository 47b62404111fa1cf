"""The web pages' blueprint, shared by the modules that add its routes."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("web", __name__)
