"""File downloads the pages and the API both answer with (the Excel exports)."""

from __future__ import annotations

from flask import Response

from sandbox.services.common.spreadsheets import MEDIA_TYPE


def xlsx_response(data: bytes, filename: str) -> Response:
    """Answer with an .xlsx workbook as an attachment named `filename`."""
    return Response(
        data, mimetype=MEDIA_TYPE, headers={"Content-Disposition": f"attachment; filename={filename}"}
    )
