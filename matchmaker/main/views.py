from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from redis import Redis, RedisError
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..security import safe_next

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    return render_template("main/index.html")


@bp.route("/language", methods=["POST"])
def set_language():
    lang = request.form.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        abort(400)
    session["lang"] = lang
    if current_user.is_authenticated:
        current_user.locale = lang
    return redirect(safe_next(url_for("main.index")))


@bp.route("/healthz")
def health():
    """For the proxy and the orchestrator: 200 while the app can reach its database, 503
    otherwise. Redis is reported but does not fail the check: without it logins are throttled
    per process and background jobs wait, and a Redis blip must not take every app server out
    of the proxy's rotation at once."""
    try:
        db.session.execute(db.text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError:
        db.session.rollback()
        database = "unreachable"
    redis = _redis_state()
    if database != "ok":
        return jsonify(status="error", database=database, redis=redis), 503
    return jsonify(status="ok" if redis != "unreachable" else "degraded", database=database,
                   redis=redis)


def _redis_state() -> str:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return "not used"
    try:
        with Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1) as client:
            client.ping()
    except RedisError:
        return "unreachable"
    return "ok"
