"""Personal survey links: ``/survey/<event id>/<token>`` where the token is the invitation's id
and nonce, signed with the app's secret (itsdangerous). Nothing guessable: without the secret
no token can be made; a new nonce revokes a link; a token names one invitation of one event's
survey, so it opens nothing else. Links expire with the survey (``Survey.closes_at``)."""

from __future__ import annotations

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from ..extensions import db
from ..models import SurveyInvitation

SALT = "matchmaker.survey-invitation"
MAX_TOKEN_LENGTH = 200  # a real token is about 60 characters


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token_for(invitation: SurveyInvitation) -> str:
    return _serializer().dumps([invitation.id, invitation.nonce])


def link_for(invitation: SurveyInvitation) -> str:
    return url_for("survey.answer", event_id=invitation.survey.event_id,
                   token=token_for(invitation), _external=True)


def invitation_for(event_id: int, token: str) -> SurveyInvitation | None:
    """The invitation a token names, if it is genuine, current and of this event's survey."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        invitation_id, nonce = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(invitation_id, int) or not isinstance(nonce, str):
        return None
    invitation = db.session.get(SurveyInvitation, invitation_id)
    if invitation is None or invitation.nonce != nonce \
            or invitation.survey.event_id != event_id:
        return None
    return invitation
