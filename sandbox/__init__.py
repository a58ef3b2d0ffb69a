"""Sandbox: case management and verifiable exit certificates for the Beijing E-Town data sandbox.

`create_app(test_config=None)` is the only way to get an application; there is no module-level app.
This is the only package that imports Flask.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

# The page templates live at the top of the project, one folder per blueprint.
TEMPLATES = str(Path(__file__).resolve().parent.parent / "templates")


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: defaults, then instance/config.py and SANDBOX_* (or `test_config`)."""
    from sandbox import certificate_setup, db, http_errors, i18n, operations, security  # noqa: F401
    from sandbox.cli import commands as cli
    from sandbox.config import Defaults, load_environment
    from sandbox.extensions import csrf, limiter
    from sandbox.instance_secrets import read_or_create
    from sandbox.services.common.settings import ServiceSettings
    from sandbox.views import context
    from sandbox.views.converters import RecordIdConverter, YearConverter

    instance_path = (
        (test_config or {}).get("INSTANCE_PATH") or os.environ.get("SANDBOX_INSTANCE_PATH") or None
    )
    app = Flask(
        __name__, instance_path=instance_path, instance_relative_config=True, template_folder=TEMPLATES
    )
    app.config.from_object(Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.update(load_environment())
    else:
        app.config.update(test_config)
    operations.configure_logging(app)
    _secure_storage(app)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = read_or_create(Path(app.instance_path) / "secret_key", length=48)

    # Read once: services get these settings with their database session (services.common.settings).
    settings = ServiceSettings.from_config(
        app.config, instance=Path(app.instance_path), key_passphrase=certificate_setup.key_passphrase(app)
    )
    db.init_app(app, settings)
    certificate_setup.init_app(app, settings)
    csrf.init_app(app)
    http_errors.init_retry_after(app)
    limiter.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    operations.init_app(app)
    http_errors.init_app(app)
    app.url_map.converters["int"] = RecordIdConverter  # before any rule is added
    app.url_map.converters["year"] = YearConverter
    _register_blueprints(app)
    context.init_app(app)
    cli.init_app(app)
    return app


def _secure_storage(app: Flask) -> None:
    """Create the instance folder private, then tighten (or refuse) whatever in it others could read."""
    from sandbox import db, private_files

    instance = Path(app.instance_path)
    private_files.make_private_dirs(instance)
    folders = [
        instance,
        *(Path(app.config[name]) for name in ("KEY_DIR", "CERTIFICATE_STORAGE") if app.config.get(name)),
    ]
    checked = private_files.secure(folders, db.sqlite_files(db.database_url(app)))
    if checked.repaired:
        app.logger.warning(
            "Made %s paths private to the service's account (they were open to others): %s",
            len(checked.repaired),
            ", ".join(str(path) for path in checked.repaired[:20]),
        )


def _register_blueprints(app: Flask) -> None:
    from sandbox.api import bp as api_bp
    from sandbox.api.trust.linked_data import bp as linked_data_bp
    from sandbox.api.trust.tlog import bp as tlog_bp
    from sandbox.api.trust.wellknown import bp as wellknown_bp
    from sandbox.views import main
    from sandbox.views.accounts import auth, notifications
    from sandbox.views.admin import admin
    from sandbox.views.cases import cases
    from sandbox.views.cases import progress as progress_views
    from sandbox.views.decisions import proposals
    from sandbox.views.legal import disputes, exemptions
    from sandbox.views.publication import guide, open_data, registry, typical_cases
    from sandbox.views.statistics import statistics
    from sandbox.views.trust import certificates as certificate_views
    from sandbox.views.trust import verify
    from sandbox.views.vouchers import vouchers

    # These add their routes to the blueprints above (cases, disputes, typical_cases, certificates, vouchers).
    # isort: off
    from sandbox.views.accounts import size_page  # noqa: F401
    from sandbox.views.cases import actions, edit, handoffs, materials  # noqa: F401
    from sandbox.views.legal import agreement_page, dispute_evidence  # noqa: F401
    from sandbox.views.publication import consent, typical_work  # noqa: F401
    from sandbox.views.trust import review  # noqa: F401
    from sandbox.views.vouchers import office, other_support_page, redemption_page  # noqa: F401
    # isort: on

    app.register_blueprint(main.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(cases.bp)
    app.register_blueprint(notifications.bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(wellknown_bp)
    app.register_blueprint(linked_data_bp)
    app.register_blueprint(tlog_bp)
    app.register_blueprint(verify.bp)
    app.register_blueprint(progress_views.bp)  # and the receipt routes on the cases blueprint
    app.register_blueprint(certificate_views.bp)
    app.register_blueprint(vouchers.bp)
    app.register_blueprint(disputes.bp)
    app.register_blueprint(exemptions.bp)
    app.register_blueprint(proposals.bp)
    app.register_blueprint(registry.bp)
    app.register_blueprint(typical_cases.bp)  # typical_work adds the workspace routes to it
    app.register_blueprint(statistics.bp)
    app.register_blueprint(guide.bp)
    app.register_blueprint(open_data.bp)
