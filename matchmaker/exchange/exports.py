"""What an event export holds: only approved companies, and requests between two of them.
Times are ISO 8601 with the UTC offset, in the event's time zone, which the header row names."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass

from .. import access, dates
from ..extensions import db
from ..models import Company, Event, KnownPartner, MeetingRequest, Opportunity, RequestStatus
from ..pairing import Pairing, pairing_of


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: list[list]
    zone: str = ""  # the time zone of the columns in ``time_columns``
    time_columns: tuple[str, ...] = ()

    def records(self) -> list[dict]:
        return [dict(zip(self.headers, row, strict=True)) for row in self.rows]

    def header_row(self) -> list[str]:
        """The headers a spreadsheet shows: "start (Europe/Paris)" for a time column."""
        return [f"{h} ({self.zone})" if h in self.time_columns else h for h in self.headers]


def approved_companies(event: Event) -> list[Company]:
    return list(db.session.scalars(access.approved_companies_query(event.id)
                                   .order_by(Company.name)))


def companies_sheet(event: Event) -> Sheet:
    headers = ["id", "name", "country", "city", "website", "phone", "size", "languages",
               "certifications", "tags", "dual_use_items", "military_items", "export_licences",
               "description", "offers", "seeks", "contacts", "group"]
    rows = []
    pairing = pairing_of(event.id)
    for c in approved_companies(event):
        contacts = ", ".join(f"{m.name} <{m.email}>" if m.name else m.email for m in c.members)
        rows.append([c.id, c.name, c.country, c.city, c.website, c.phone, c.size,
                     ", ".join(c.languages), ", ".join(c.certifications), ", ".join(c.tags),
                     c.dual_use_items, c.military_items, c.export_licences, c.description,
                     c.offers, c.seeks, contacts, _group_name(pairing, c.id)])
    return Sheet("Companies", headers, rows)


def _live_items(company: Company, event: Event) -> list[Opportunity]:
    on = dates.event_now(event).date()
    return [i for i in company.opportunities if not i.expired(on)]


def opportunities_sheet(event: Event) -> Sheet:
    """The offers and requests of the approved companies, not expired by the event's clock."""
    headers = ["id", "company_id", "company", "kind", "title", "text", "tags",
               "dual_use_items", "military_items", "expires_on"]
    rows = [[i.id, c.id, c.name, i.kind, i.title, i.text, ", ".join(i.tags), i.dual_use_items,
             i.military_items, i.expires_on.isoformat() if i.expires_on else ""]
            for c in approved_companies(event) for i in _live_items(c, event)]
    return Sheet("Opportunities", headers, rows)


def _requests(event: Event, statuses=None) -> list[MeetingRequest]:
    approved = access.approved_companies_query(event.id).with_only_columns(Company.id)
    query = (db.select(MeetingRequest)
             .where(MeetingRequest.event_id == event.id,
                    MeetingRequest.sender_id.in_(approved),
                    MeetingRequest.recipient_id.in_(approved))
             .order_by(MeetingRequest.id))
    if statuses:
        query = query.where(MeetingRequest.status.in_(statuses))
    return list(db.session.scalars(query))


def requests_sheet(event: Event) -> Sheet:
    headers = ["id", "sender", "recipient", "status", "note", "reason", "discussion_level",
               "sent_at", "responded_at", "closed_at"]
    zone = dates.event_zone(event)
    rows = [[r.id, r.sender.name, r.recipient.name, r.state, r.note, r.closing_reason,
             r.discussion_level, dates.iso(r.created_at, zone), dates.iso(r.responded_at, zone),
             dates.iso(r.closed_at, zone)]
            for r in _requests(event)]
    return Sheet("Requests", headers, rows, event.timezone,
                 ("sent_at", "responded_at", "closed_at"))


SCHEDULE_HEADERS = ["meeting_id", "day", "start", "end", "table", "company_a", "country_a",
                    "company_b", "country_b", "discussion_level", "locked", "interpreter"]


def _schedule_rows(event: Event) -> list[tuple[MeetingRequest, list]]:
    agreed = _requests(event, [RequestStatus.ACCEPTED.value])
    agreed.sort(key=lambda r: (r.slot.starts_at.isoformat() if r.slot else "~",
                               r.table.position if r.table else 10**6, r.id))
    zone = dates.event_zone(event)
    result = []
    for r in agreed:
        slot, table = r.slot, r.table
        result.append((r, [r.id, slot.starts_at.date().isoformat() if slot else "",
                           dates.iso(slot.starts_at, zone, wall=True) if slot else "",
                           dates.iso(slot.ends_at, zone, wall=True) if slot else "",
                           table.name if table else "", r.sender.name, r.sender.country,
                           r.recipient.name, r.recipient.country, r.discussion_level,
                           r.locked, r.interpreter.name if r.interpreter and slot else ""]))
    return result


def schedule_sheet(event: Event) -> Sheet:
    return _schedule_sheet("Schedule", event, [row for _r, row in _schedule_rows(event)])


def _schedule_sheet(title: str, event: Event, rows: list[list]) -> Sheet:
    return Sheet(title, SCHEDULE_HEADERS, rows, event.timezone, ("start", "end"))


def table_sheets(event: Event) -> list[Sheet]:
    """One sheet per table that has meetings: the table plan."""
    by_table: dict[str, list] = {}
    for r, row in _schedule_rows(event):
        if r.table is not None:
            by_table.setdefault(r.table.name, []).append(row)
    names = [t.name for t in event.tables if t.name in by_table]
    return [_schedule_sheet(f"Table {name}", event, by_table[name]) for name in names]


SHEETS = {"companies": companies_sheet, "requests": requests_sheet, "schedule": schedule_sheet,
          "opportunities": opportunities_sheet}


# --- writers -------------------------------------------------------------------------------

def _csv_value(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = "" if value is None else str(value)
    # Spreadsheet formula injection: a cell starting with = + - @ would run in Excel.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_stream(sheet: Sheet) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"  # BOM: Excel then reads UTF-8
    writer.writerow(sheet.header_row())
    for row in sheet.rows:
        writer.writerow([_csv_value(v) for v in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def xlsx_bytes(sheets: list[Sheet]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    used: set[str] = set()
    for sheet in sheets:
        title = _sheet_title(sheet.title, used)
        ws = workbook.create_sheet(title)
        ws.append(sheet.header_row())
        for row in sheet.rows:
            ws.append([_xlsx_value(v) for v in row])
    if not sheets:
        workbook.create_sheet("Empty")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _sheet_title(title: str, used: set[str]) -> str:
    clean = "".join("_" if c in "[]:*?/\\" else c for c in title)[:31] or "Sheet"
    candidate, n = clean, 2
    while candidate.lower() in used:
        candidate = f"{clean[:28]}~{n}"
        n += 1
    used.add(candidate.lower())
    return candidate


def json_text(event: Event, sheets: list[Sheet]) -> str:
    document = {"event": {"id": event.id, "name": event.name, "timezone": event.timezone}}
    for sheet in sheets:
        document[sheet.title.lower()] = sheet.records()
    return json.dumps(document, ensure_ascii=False, indent=1)


def _group_name(pairing: Pairing, company_id: int) -> str:
    group = pairing.group(company_id)
    return group.name if group else ""


def profiles_document(event: Event) -> dict:
    """The approved companies in the profiles interchange format (DESIGN.md), with the
    event's groups and who may meet whom when it has groups."""
    pairing = pairing_of(event.id)
    approved = approved_companies(event)
    ids = {c.id for c in approved}
    known: dict[int, list[str]] = {}
    for a, b in db.session.execute(db.select(KnownPartner.company_id,
                                             KnownPartner.other_company_id)
                                   .where(KnownPartner.company_id.in_(ids))
                                   .order_by(KnownPartner.id)):
        if b in ids:
            known.setdefault(a, []).append(f"c{b}")
    companies = [{"id": f"c{c.id}", "name": c.name, "country": c.country,
                  "languages": list(c.languages), "description": c.description,
                  "offers": c.offers, "seeks": c.seeks, "tags": c.tags}
                 | ({"group": f"g{pairing.group_of[c.id]}"} if pairing.active else {})
                 | ({"known": known[c.id]} if c.id in known else {})
                 | ({"opportunities": [{"id": f"o{i.id}", "kind": i.kind, "title": i.title,
                                        "text": i.text, "tags": list(i.tags)}
                                       for i in items]}
                    if (items := _live_items(c, event)) else {})
                 for c in approved]
    if not pairing.active:
        return {"companies": companies}
    return {"groups": [{"id": f"g{g.id}", "name": g.name} for g in pairing.groups.values()],
            "may_meet": [[f"g{a}", f"g{b}"] for a, b in sorted(pairing.allowed)],
            "companies": companies}


