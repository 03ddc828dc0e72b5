"""Whole public answers, kept: a callback request the public has sent before costs a lookup.

A public page's callback answer depends only on the request body (the page's inputs,
its address, what the map last drew) and on the published data: the version's content,
when it was published (the About page says) and the boundary files' names
(`DataService.answer_version`). So the JSON Dash answered is kept in the one view
cache under that version and a hash of the body, and the same request later gets the
same bytes without running the callback, building its components or encoding them.
A crowd following one link sends the same few requests over and over.

Not kept: anything asked by signed-in staff (the router's answer differs for them), any
staff callback, and any answer but a 200 of JSON. The answer is looked up after the
CSRF check and the staff guard (they are registered first), and compressed for each
client as any other answer is.
"""

from __future__ import annotations

import hashlib

from flask import Flask, Response, g, request

from dashboard.auth import is_staff_callback, signed_in_name
from dashboard.services import DataService

UPDATE_PATH = "/_dash-update-component"


def _cacheable() -> bool:
    if request.method != "POST" or not request.path.endswith(UPDATE_PATH):
        return False
    if signed_in_name() is not None:
        return False
    return not is_staff_callback(request.get_json(silent=True))


def install(server: Flask, service: DataService) -> None:
    @server.before_request
    def _kept_answer():
        if not _cacheable():
            return None
        version = service.answer_version()
        if version is None:
            return None
        parts = ("answer", hashlib.sha256(request.get_data(cache=True)).hexdigest())
        found = service.views.get(version, parts)
        if found is not None:
            return Response(found, status=200, mimetype="application/json")
        g.wec_answer = (version, parts)
        return None

    @server.after_request
    def _keep_answer(response: Response) -> Response:
        kept = g.pop("wec_answer", None)
        if (
            kept is not None
            and response.status_code == 200
            and response.mimetype == "application/json"
            and not response.direct_passthrough
            and "Content-Encoding" not in response.headers
        ):
            service.views.put(*kept, response.get_data())
        return response
