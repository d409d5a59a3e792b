"""Idempotent POSTs: a retried request never does its work twice.

A phone on the fair floor sends an action, the network drops before the answer comes back, and
the phone sends it again. The client (``static/js/outbox.js``) gives every action a random key
in the ``Idempotency-Key`` header and keeps it across retries. A route decorated with
``@idempotent`` records, in the same transaction as its work, the key, the user and what it
answered (status and redirect target); the same key again is answered the same way without
running the view. A request without the header runs as usual (plain HTML forms).

Usage (under ``login_required``, which puts the user in ``current_user``)::

    @bp.route("/things/<int:thing_id>/done", methods=["POST"])
    @login_required
    @idempotent
    def done(thing_id): ...

- Keys are per user: two users may pick the same key without meeting.
- The same key on another URL is refused (422): a client bug, not a retry.
- Two copies arriving at once: the unique constraint (user, key) makes the second wait for the
  first's commit (PostgreSQL) or for the write lock (SQLite), then it is answered from the row.
- A request that fails (a service refused it, a 5xx) rolls back its key with its work, so a
  retry runs again. A CSRF failure stops the request before the view: no key is recorded.
- Keys older than ``KEEP`` are forgotten when the same user claims a new one.
"""

from __future__ import annotations

import re
from datetime import timedelta
from functools import wraps

from flask import Response, abort, make_response, request
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .models import IdempotencyKey, utcnow

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,64}")
KEEP = timedelta(days=7)  # far longer than any evening a phone stays offline


def idempotent(view):
    """Answer a POST carrying an ``Idempotency-Key`` header at most once per user and key."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not current_user.is_authenticated:
            return view(*args, **kwargs)
        if not KEY_PATTERN.fullmatch(key):
            abort(400)
        claim = _claim(current_user.id, key, request.path)
        if isinstance(claim, Response):
            return claim
        response = make_response(view(*args, **kwargs))
        claim.status = response.status_code
        claim.location = (response.headers.get("Location") or "")[:500]
        db.session.flush()
        return response

    return wrapper


def _claim(user_id: int, key: str, path: str) -> IdempotencyKey | Response:
    """The new row for this key, or the answer recorded for it already."""
    known = _find(user_id, key)
    if known is None:
        db.session.execute(db.delete(IdempotencyKey).where(
            IdempotencyKey.user_id == user_id, IdempotencyKey.created_at < utcnow() - KEEP))
        row = IdempotencyKey(user_id=user_id, key=key, path=path[:300])
        db.session.add(row)
        try:
            db.session.flush()
            return row
        except IntegrityError:  # the same key committed meanwhile by a concurrent copy
            db.session.rollback()  # nothing else was written yet in this request
            known = _find(user_id, key)
            if known is None:  # pragma: no cover - the other copy rolled back: let it retry
                abort(409)
    return _replay(known, path)


def _find(user_id: int, key: str) -> IdempotencyKey | None:
    return db.session.scalar(db.select(IdempotencyKey).filter_by(user_id=user_id, key=key))


def _replay(row: IdempotencyKey, path: str) -> Response:
    if row.path != path[:300]:
        abort(422)
    if not row.status:  # pragma: no cover - committed rows always carry their status
        abort(409)
    response = Response(status=row.status)
    if row.location:
        response.headers["Location"] = row.location
    response.headers[REPLAYED_HEADER] = "true"
    return response
