"""Every date and time a person reads goes through here: worded for the reader's language by
Babel (CLDR), on a 24-hour clock, in a time zone the page names.

The database holds two kinds of naive datetimes:
- wall times: ``Slot`` and ``ProgramItem`` ``starts_at``/``ends_at`` and ``event_now()``, already
  in the event's time zone, as the printed agenda says them (stable across DST changes);
- instants: ``created_at`` and the like (``models.utcnow``), in UTC.

Pages about an event show both in the event's zone and name it ("19:20 (Paris time)"). The
pages about no one event (the audit log) show instants in the reader's zone: Flask-Babel's
time zone, the site's ``BABEL_DEFAULT_TIMEZONE`` while accounts carry no zone of their own.
Files for machines (exports, the data download) carry ISO 8601 with the UTC offset.

Numeric dates ("12/3/26", "18.11.") are never shown: their order differs between languages.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, tzinfo
from zoneinfo import ZoneInfo

from babel import Locale
from babel import dates as babel
from flask import Flask, current_app
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _

CLOCK = "Hm"  # 24-hour clock in every language: the venue's clock and the printed agenda
DATE_STYLES = {
    "date": "yMMMd",  # Nov 19, 2026 · 19. Nov. 2026 · 19 nov. 2026
    "short": "MMMEd",  # Thu, Nov 19 · Do., 19. Nov. · jeu. 19 nov.
    "day": "full",  # Thursday, November 19, 2026 (headings)
}


def _locale() -> Locale:
    return get_locale() or Locale.parse(current_app.config["BABEL_DEFAULT_LOCALE"])


# --- zones and clocks ----------------------------------------------------------------------

def event_zone(event) -> ZoneInfo:
    return ZoneInfo(event.timezone)


def reader_zone() -> ZoneInfo:
    """The reader's zone: Flask-Babel's, i.e. the site's default (users have no zone)."""
    return ZoneInfo(str(get_timezone()))


def zone_of(event=None) -> ZoneInfo:
    """The event's zone for anything about an event, else the reader's."""
    return reader_zone() if event is None else event_zone(event)


def in_zone(instant: datetime, zone: tzinfo) -> datetime:
    """A stored instant (naive means UTC) as an aware datetime in ``zone``."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(zone)


def wall_time(instant: datetime, event) -> datetime:
    """A stored instant as the event's naive wall time, comparable with slot times."""
    return in_zone(instant, event_zone(event)).replace(tzinfo=None)


def event_now(event) -> datetime:
    """Now as the event's naive wall time, as slots store it (tests replace this)."""
    return datetime.now(event_zone(event)).replace(tzinfo=None)


def zone_label(zone: tzinfo | str) -> str:
    """"Paris time", "Ortszeit Paris", "heure de Paris"; "UTC" for UTC."""
    key = str(zone)
    if key in ("UTC", "Etc/UTC", "Etc/GMT"):
        return "UTC"
    city = babel.get_timezone_location(key, locale=_locale(), return_city=True)
    return _("%(city)s time", city=city)


def event_zone_label(event=None) -> str:
    return zone_label(zone_of(event))


# --- formatting ----------------------------------------------------------------------------

def format_time(value: datetime | time) -> str:
    """"19:20". An aware value is read in its own zone, a naive one as it stands."""
    if isinstance(value, time):
        value = datetime.combine(date.min, value)
    return babel.format_skeleton(CLOCK, value, locale=_locale())


def format_date(value: date | datetime, style: str = "date") -> str:
    """A date in one of ``DATE_STYLES``; a datetime is read in its own zone."""
    pattern = DATE_STYLES[style]
    if pattern == "full":
        return babel.format_date(value, "full", locale=_locale())
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)  # Babel would read it in UTC
    return babel.format_skeleton(pattern, value, locale=_locale())


def format_datetime(value: datetime, style: str = "date") -> str:
    """"Nov 19, 2026, 19:20": the date in ``style`` and the time, joined as the language does."""
    joiner = _locale().datetime_formats["medium"]
    return joiner.replace("{1}", format_date(value, style)).replace("{0}", format_time(value))


def format_time_range(start: datetime, end: datetime) -> str:
    """"19:20 – 19:40", "19:20–19:40 Uhr": the language's interval pattern."""
    return babel.format_interval(start, end, CLOCK, locale=_locale())


def when(instant: datetime | None, event=None) -> str:
    """A stored instant (sent, answered, logged) in the event's zone, else the reader's."""
    if instant is None:
        return ""
    return format_datetime(in_zone(instant, zone_of(event)))


def slot_label(slot) -> str:
    """"18:20"; with the day ("Thu, Nov 19, 18:20") when the event spans several days."""
    if len(slot.event.days) <= 1:
        return format_time(slot.starts_at)
    return format_datetime(slot.starts_at, "short")


def with_zone(text: str, event=None) -> str:
    """"19:20 (Paris time)": a time with the zone it is in."""
    return f"{text} ({event_zone_label(event)})"


# --- for machines --------------------------------------------------------------------------

def iso(value: datetime | None, zone: tzinfo, *, wall: bool = False,
        timespec: str = "minutes") -> str:
    """ISO 8601 with the offset: "2026-11-19T18:20+01:00". ``wall``: ``value`` is a wall time
    in ``zone`` (a slot), otherwise a stored instant (naive means UTC)."""
    if value is None:
        return ""
    aware = value.replace(tzinfo=zone) if wall else in_zone(value, zone)
    return aware.isoformat(timespec=timespec)


def utc_bounds(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The stored-instant range (naive UTC, end excluded) of ``day`` in ``zone``."""
    start = datetime.combine(day, time.min, zone)
    end = datetime.combine(date.fromordinal(day.toordinal() + 1), time.min, zone)
    return (start.astimezone(UTC).replace(tzinfo=None), end.astimezone(UTC).replace(tzinfo=None))


# --- templates -----------------------------------------------------------------------------

# Flask-Babel's filters read naive values as UTC and shift slot times (stored as wall times)
# by the zone's offset; only the filters below are offered.
BABEL_FILTERS = ("datetimeformat", "dateformat", "timeformat", "timedeltaformat")


def init_app(app: Flask) -> None:
    for name in BABEL_FILTERS:
        app.jinja_env.filters.pop(name, None)
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_time, "time")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(when)
    app.add_template_filter(slot_label)
    app.add_template_filter(event_zone_label, "zone_label")
    app.add_template_global(format_time_range)
    app.add_template_global(with_zone)
    app.add_template_global(lambda event: event_now(event), "event_now")  # tests patch it
