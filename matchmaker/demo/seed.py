"""``matchmaker seed-demo``: create the demo accounts and companies that are missing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources

from flask import current_app

from ..auth.services import create_user, find_user
from ..companies.services import ProfileData, create_company
from ..extensions import db
from ..models import Company, Role
from ..security import hash_password
from .event import seed_demo_event, seed_demo_team
from .market import seed_demo_market
from .past_trip import seed_past_trip

STAFF = (
    ("admin@matchmaker.example", "Alex Admin", Role.ADMIN, "en"),
    ("organizer@matchmaker.example", "Olivia Organizer", Role.ORGANIZER, "en"),
    # an interpreter of the demo event: sees their own plan (``demo.event.INTERPRETERS``)
    ("interpreter@matchmaker.example", "Isabelle Kessler", Role.PARTICIPANT, "fr"),
)
# The demo event's team besides its owner (``event.DEMO_TEAM`` gives their roles and rules):
# accounts without a global role, their rights come from the event's team.
TEAM = (
    ("carla.kern@cluster-pforzheim.example", "Carla Kern", "de"),
    ("claire.dubois@ccfa-chambre.example", "Claire Dubois", "fr"),
    ("victor.weiss@cluster-pforzheim.example", "Victor Weiss", "de"),
)


@dataclass
class SeedSummary:
    password: str
    created_companies: int = 0
    created_event: str = ""
    created_past_event: str = ""
    logins: list[tuple[str, str]] = field(default_factory=list)

    def report(self) -> str:
        lines = [f"Demo data: {self.created_companies} companies added."]
        if self.created_event:
            lines.append(f"Demo event: {self.created_event}")
        if self.created_past_event:
            lines.append(f"Past demo event (trip report, survey): {self.created_past_event}")
        lines.append(f"Demo logins (password: {self.password}):")
        lines += [f"  {role:<12} {email}" for role, email in self.logins]
        return "\n".join(lines)


def load_demo_companies() -> list[dict]:
    text = resources.files("matchmaker.demo").joinpath("companies.json").read_text("utf-8")
    return json.loads(text)["companies"]


def _ensure_user(email: str, name: str, role: str, locale: str, password_hash: str):
    return find_user(email) or create_user(email, None, name=name, role=role, locale=locale,
                                           password_hash=password_hash)


def _ensure_company(entry: dict, password_hash: str) -> bool:
    if db.session.scalar(db.select(Company.id).filter_by(name=entry["name"])) is not None:
        return False
    contact = entry["contact"]
    locale = "fr" if entry["country"] == "FR" else "de"
    owner = _ensure_user(contact["email"], contact["name"], Role.PARTICIPANT, locale,
                         password_hash)
    if owner.company_id is not None:
        return False
    data = ProfileData(
        name=entry["name"], city=entry["city"], country=entry["country"],
        website=entry.get("website", ""), phone=contact.get("phone", ""),
        size=entry.get("size", ""), languages=entry["languages"],
        description=entry["description"], offers=entry["offers"], seeks=entry["seeks"],
        certifications=entry.get("certifications", []), tags=entry["tags"],
    )
    create_company(owner, data)
    return True


def seed_demo() -> SeedSummary:
    password = current_app.config["DEMO_PASSWORD"]
    password_hash = hash_password(password)  # one hash for every demo account: argon2 is slow
    summary = SeedSummary(password=password)
    for email, name, role, locale in STAFF:
        _ensure_user(email, name, role, locale, password_hash)
        summary.logins.append(("interpreter" if email.startswith("interpreter@") else role.value,
                               email))
    for email, name, locale in TEAM:
        _ensure_user(email, name, Role.PARTICIPANT, locale, password_hash)
    companies = load_demo_companies()
    for entry in companies:
        summary.created_companies += _ensure_company(entry, password_hash)
    for entry in companies[:1] + [c for c in companies if c["country"] == "FR"][:1]:
        summary.logins.append(("participant", entry["contact"]["email"]))
    summary.created_event = seed_demo_event()
    summary.logins += seed_demo_team()
    summary.created_past_event = seed_past_trip()
    seed_demo_market({entry["key"]: entry["name"] for entry in companies})
    return summary
