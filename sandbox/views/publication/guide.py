"""The public service guide (办事指南, `/guide`): legal basis, who may apply, stages and their working-day
limits as configured, materials per sector, fees and where to ask. No login; `GET /api/v1/guide` is its
twin and says the same (both read `sandbox.services.publication.guide`)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from sandbox.db import get_session
from sandbox.services.publication import guide

bp = Blueprint("guide", __name__)


def consultation() -> dict[str, str]:
    return {
        "phone": str(current_app.config["CONSULTATION_PHONE"]),
        "email": str(current_app.config["CONSULTATION_EMAIL"]),
    }


@bp.get("/guide")
def service_guide():
    return render_template(
        "guide/guide.html", guide=guide.service_guide(get_session()), text=guide, contact=consultation()
    )
