"""The import wizard's upload (assets/data.js): the browser session with its CSRF header, like every write
from a page; the same checks and the same child-process import as `POST /api/v1/datasets`."""

from __future__ import annotations

import flask

from cockpit import auth, context
from cockpit.services.data import import_jobs
from cockpit.services.data.importing.errors import ImportFailed

blueprint = flask.Blueprint("cockpit_data", __name__)


def submit_upload() -> dict:
    """The request's multipart upload, checked, stored and started (cockpit.services.data.import_jobs)."""
    settings, sent = context.settings(), flask.request.files.get("file")
    return import_jobs.submit(
        settings.database_url,
        settings.var_dir,
        flask.request.form,
        sent.filename if sent else "",
        sent.stream if sent else None,
        auth.current_actor(),
    )


@blueprint.post("/platform/data/upload")
@auth.guard("dataset.import")
def upload() -> tuple[flask.Response, int]:
    try:
        made = submit_upload()
    except ImportFailed as error:
        body, status = error.answer()
        return flask.jsonify(body | {"message": error.say(context.lang())}), status
    return flask.jsonify(version_id=made["id"], dataset_id=made["dataset_id"]), 202
