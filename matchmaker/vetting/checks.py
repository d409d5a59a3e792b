"""The external security or ID check: the applicants go out as a spreadsheet, the verdicts
come back as one. The verdict file is read with the company import's machinery (``tables``)
and checked line by line like it (``importer.Report``): every line fine, or nothing changes."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from .. import audit
from ..events import services as events
from ..exchange import countries
from ..exchange.exports import Sheet
from ..exchange.importer import Report, Row
from ..exchange.tables import FileProblem, read_table
from ..extensions import db
from ..models import Company, Event, Registration, RegistrationStatus, User
from . import services

S = RegistrationStatus
APPLICANT_STATES = (S.PENDING.value, S.NEEDS_INFO.value)
HEADERS = ["registration_id", "company_name", "legal_form", "country", "city", "website",
           "contact_name", "contact_email", "group", "status", "registered_at",
           "check_reference", "verdict", "note"]
VERDICTS = {"approved": S.APPROVED, "rejected": S.REJECTED, "needs_info": S.NEEDS_INFO}
# Folded verdict words a checker may write, in the three languages of the app.
VERDICT_WORDS = {
    "approved": "approved", "approve": "approved", "ok": "approved", "genehmigt": "approved",
    "approuve": "approved", "rejected": "rejected", "reject": "rejected",
    "abgelehnt": "rejected", "refuse": "rejected", "rejete": "rejected",
    "needs info": "needs_info", "needs information": "needs_info",
    "needs more information": "needs_info", "ruckfrage": "needs_info",
    "question": "needs_info",
}
COLUMNS = {  # field → folded header names the verdict file may use
    "registration_id": ("registration id", "registration", "id", "anmeldung", "inscription"),
    "verdict": ("verdict", "decision", "result", "ergebnis", "entscheidung", "decision finale",
                "resultat"),
    "note": ("note", "notes", "comment", "reason", "question", "bemerkung", "commentaire"),
}
MAX_NOTE = 1000
# Legal forms written at the end of a company's name, longest first ("GmbH & Co. KG").
LEGAL_FORMS = ("GmbH & Co. KG", "GmbH & Co KG", "Sp. z o.o.", "S.à r.l.", "gGmbH", "GmbH",
               "UG", "AG", "KGaA", "KG", "OHG", "e.V.", "eG", "SE", "SAS", "SASU", "SARL", "SA",
               "SNC", "SCOP", "EURL", "Ltd", "Ltd.", "LLC", "Inc.", "Inc", "plc", "BV", "B.V.",
               "NV", "N.V.", "S.p.A.", "SpA", "S.r.l.", "Srl", "AB", "Oy", "ApS", "AS", "A/S")


def legal_form(name: str) -> str:
    """The legal form a company's name ends with, if any ("" when it names none)."""
    for form in sorted(LEGAL_FORMS, key=len, reverse=True):
        if re.search(rf"(^|[\s,]){re.escape(form)}$", name.strip(), re.IGNORECASE):
            return form
    return ""


def applicants(event: Event) -> list[Registration]:
    """The registrations still to be decided: applied or asked for more information."""
    return list(db.session.scalars(
        db.select(Registration).join(Company)
        .where(Registration.event_id == event.id, Registration.status.in_(APPLICANT_STATES))
        .order_by(Company.name)))


def applicants_sheet(event: Event) -> Sheet:
    """One line per applicant and contact person: what an ID or security check asks for, a
    column for the checker's reference, and the verdict and note columns the import reads."""
    rows = []
    for registration in applicants(event):
        company = registration.company
        contacts = list(registration.attendees) or list(company.members) or [None]
        group = registration.group
        for person in contacts:
            rows.append([registration.id, company.name, legal_form(company.name),
                         company.country, company.city, company.website,
                         person.name if person else "", person.email if person else "",
                         group.name if group else "", registration.status,
                         registration.created_at.date().isoformat(), "", "", ""])
    return Sheet("Applicants", HEADERS, rows)


# --- verdicts back -------------------------------------------------------------------------

def _mapping(headers: list[str]) -> dict[str, int]:
    by_fold = {countries.fold(h).replace("_", " ").replace("-", " "): i
               for i, h in enumerate(headers) if h}
    found = {}
    for key, names in COLUMNS.items():
        for name in names:
            if name in by_fold:
                found[key] = by_fold[name]
                break
    return found


def check_verdicts(event: Event, filename: str, content: bytes) -> Report:
    """Every line checked against the event's registrations; nothing is written. A file that
    cannot be read at all raises ``FileProblem``."""
    table = read_table(filename, content)
    report = Report(rows=[])
    columns = _mapping(table.headers)
    for key, label in (("registration_id", _l("registration id")), ("verdict", _l("verdict"))):
        if key not in columns:
            report.mapping_errors.append(str(_l("The file needs a column “%(name)s”.",
                                                name=label)))
    if report.mapping_errors:
        return report
    registrations = {r.id: r for r in db.session.scalars(
        db.select(Registration).filter_by(event_id=event.id))}
    seen: dict[int, int] = {}
    for offset, cells in enumerate(table.rows):
        if not cells:
            continue
        values = {key: cells[index] for key, index in columns.items()}
        row = Row(line=table.first_line + offset, values=values)
        _check_line(row, registrations, seen)
        report.rows.append(row)
    if not report.rows:
        report.mapping_errors.append(str(_l("The file has a header line but no data rows.")))
    return report


def _check_line(row: Row, registrations: dict[int, Registration], seen: dict[int, int]) -> None:
    v, errors = row.values, row.errors
    raw_id = v.get("registration_id", "").strip()
    verdict = VERDICT_WORDS.get(countries.fold(v.get("verdict", "")).replace("_", " ")
                                .replace("-", " ").strip())
    note = v.get("note", "").strip()
    registration = registrations.get(int(raw_id)) if raw_id.isdigit() and len(raw_id) < 10 \
        else None
    if registration is None:
        errors.append(str(_l("“%(value)s” is not a registration of this event.",
                             value=raw_id[:40])))
    elif registration.id in seen:
        errors.append(str(_l("registration %(id)d is in line %(line)d already.",
                             id=registration.id, line=seen[registration.id])))
    if verdict is None:
        errors.append(str(_l("the verdict must be approved, rejected or needs_info, not "
                             "“%(value)s”.", value=v.get("verdict", "")[:40])))
    if len(note) > MAX_NOTE:
        errors.append(str(_l("the note is longer than %(n)d characters.", n=MAX_NOTE)))
    elif verdict in ("rejected", "needs_info") and not note:
        errors.append(str(_l("a rejection or a question needs a note: it is what the company "
                             "reads.")))
    if registration is None or verdict is None or errors:
        return
    seen[registration.id] = row.line
    target = VERDICTS[verdict]
    allowed = (services.ASKABLE if target == S.NEEDS_INFO else events.DECIDABLE_FROM[target])
    if registration.state not in allowed:
        errors.append(str(_l("%(company)s is “%(state)s”: “%(verdict)s” is not possible.",
                             company=registration.company.name,
                             state=registration.state.label, verdict=target.label)))
        return
    row.clean = {"registration": registration, "verdict": target, "note": note}
    row.action = f"{registration.company.name}: {target.label}"


class VerdictsRefused(Exception):
    """Nothing was changed; ``report`` says why, line by line."""

    def __init__(self, report: Report):
        super().__init__("verdicts refused")
        self.report = report


def import_verdicts(event: Event, actor: User, filename: str, content: bytes) -> dict[str, int]:
    """Apply every line's verdict, or none (``VerdictsRefused``); returns counts by verdict."""
    report = check_verdicts(event, filename, content)  # FileProblem passes through
    if not report.ok:
        raise VerdictsRefused(report)
    counts = {key: 0 for key in VERDICTS}
    for row in report.rows:
        registration, target, note = (row.clean[k] for k in ("registration", "verdict", "note"))
        if target == S.NEEDS_INFO:
            services.ask(event, registration, actor, note)
        else:
            events.decide(event, [registration.id], approve=target == S.APPROVED,
                          reason=note, organizer=actor)
        counts[target.value] += 1
    audit.record("vetting_import", actor, target=filename[:254], event=event,
                 details={"rows": len(report.rows), **counts})
    db.session.flush()
    return counts


__all__ = ["FileProblem", "VerdictsRefused", "applicants_sheet", "check_verdicts",
           "import_verdicts", "legal_form"]
