"""Reasons the system gives, stored as a code with parameters and worded when read, in the
reader's language (a French company reads a German organizer's "why" in French). Reasons a
person typed are stored as their text, next to the code."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

_WORDS = {
    # Why an agreed meeting has no place on the schedule.
    "not_approved": lambda p: _l("%(name)s is not an approved participant", **p),
    "no_common_slot": lambda p: _l("no common free slot"),
    "no_requested_slot": lambda p: _l("no common free slot among the requested slots"),
    "fixed_block": lambda p: _l("no common free slot: locked meetings take the slots both "
                                "could use"),
    "cap": lambda p: _l("%(name)s has reached its cap of %(n)d meetings", **p),
    "taken": lambda p: _l("no common free slot left: in every slot both could use, one of them "
                          "or every table is already taken"),
    "taken_off": lambda p: _l("Taken off by the organizer"),
    "no_interpreter": lambda p: _l("no interpreter who speaks a language of each side is free "
                                   "in a slot both could use"),
    "table_removed": lambda p: _l("its table %(table)s was removed from the event", **p),
    "slot_removed": lambda p: _l("its time slot was removed from the event"),
    "interpreter_off": lambda p: _l("its interpreter %(name)s no longer works at that time",
                                    **p),
    "interpreter_language": lambda p: _l("its interpreter %(name)s no longer speaks a language "
                                         "of each side", **p),
    "groups_may_not_meet": lambda p: _l("the organizer has not planned meetings between these "
                                        "groups"),
    # Why a request or meeting was called off.
    "participant_withdrawn": lambda p: _l("The organizer withdrew a participant from the event."),
    "company_withdrew": lambda p: _l("%(company)s withdrew from the event.", **p),
    "registration_revoked": lambda p: _l("The organizer revoked the registration of "
                                         "%(company)s.", **p),
    "company_left": lambda p: _l("%(company)s left Matchmaker.", **p),
    "organizer_cancelled": lambda p: _l("Cancelled by the organizer."),
    "group_matrix_changed": lambda p: _l("The organizer no longer plans meetings between these "
                                         "groups."),
}
CODES = frozenset(_WORDS)


def describe(code: str, params: dict | None = None) -> str:
    """The reason in the current language ("" for no code; an unknown code as it is)."""
    if not code:
        return ""
    words = _WORDS.get(code)
    try:
        return str(words(params or {})) if words else code
    except (KeyError, TypeError):  # parameters missing from an old row: the code beats a 500
        return code
