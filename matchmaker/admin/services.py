"""User administration. The only place in the admin feature that commits."""

from flask_babel import lazy_gettext as _l

from .. import audit
from ..extensions import db
from ..models import Role, User
from ..unit_of_work import ServiceError


class AdminError(ServiceError):
    pass


def set_role(actor: User, user: User, role: str) -> None:
    if user.id == actor.id and role != Role.ADMIN:
        raise AdminError(_l("You cannot take away your own administrator role."))
    previous, user.role = user.role, Role(role).value
    if previous != user.role:
        audit.record("role_changed", actor, target=user,
                     details={"from": previous, "to": user.role})
    db.session.flush()


def list_users(query: str = "") -> list[User]:
    select = db.select(User).order_by(User.role.desc(), User.email)
    if query:
        pattern = f"%{query.lower()}%"
        select = select.where(db.or_(db.func.lower(User.email).like(pattern),
                                     db.func.lower(User.name).like(pattern)))
    return list(db.session.scalars(select))
