"""Manifest and service worker. Both are public (the browser fetches the manifest without
cookies) and hold nothing private; the service worker is served from the root so that its
scope covers every page."""

import hashlib
import hmac
import time

from flask import Blueprint, current_app, jsonify, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

bp = Blueprint("pwa", __name__)


@bp.route("/manifest.webmanifest")
def manifest():
    icons = [{"src": url_for("static", filename=f"img/icon-{size}.png"),
              "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any maskable"}
             for size in (192, 512)]
    response = jsonify(name="Matchmaker", short_name="Matchmaker",
                       description=_("B2B meetings for defence, security and dual-use"),
                       start_url=url_for("events.index"), scope="/", display="standalone",
                       background_color="#f6f8fb", theme_color="#1f3a5f", icons=icons)
    response.mimetype = "application/manifest+json"
    return response


@bp.route("/sw.js")
def service_worker():
    response = send_from_directory(current_app.static_folder, "js/sw.js",
                                   mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"  # a new version reaches phones at once
    return response


@bp.route("/app/csrf-token")
@login_required
def csrf_token():
    """A fresh CSRF token for the outbox (static/js/outbox.js): actions queued offline are
    sent hours later, when the token in the page they were taken on has expired. Same origin
    only (no CORS), never cached; a logged-out phone is sent to the login like any page."""
    response = jsonify(token=generate_csrf())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_context_processor
def offline_helpers():
    return {"offline_key": lambda: cache_key(current_user),
            # When the page was made (real time, ms): the phone tells a fresh page from an
            # offline copy by it (static/js/app.js, "what changed").
            "rendered_ms": lambda: int(time.time() * 1000)}


def cache_key(user) -> str:
    """Names the offline cache of one user; not guessable, the same on every visit."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"offline-cache:{user.id}".encode(), hashlib.sha256).hexdigest()[:16]
