"""Demo offers and requests (a few per company, in its languages) and known partners."""

from __future__ import annotations

import json
from datetime import timedelta
from importlib import resources

from ..extensions import db
from ..models import Company, KnownPartner, Opportunity, utcnow
from ..suggestions.embeddings import refresh_item_vectors


def _data() -> dict:
    text = resources.files("matchmaker.demo").joinpath("opportunities.json").read_text("utf-8")
    return json.loads(text)


def seed_demo_market(keys: dict[str, str]) -> int:
    """Add the items of demo companies that have none yet and the known marks; ``keys``:
    company key → name. Returns how many items were added."""
    data = _data()
    by_name = {c.name: c for c in db.session.scalars(
        db.select(Company).where(Company.name.in_(keys.values())))}
    company = {key: by_name[name] for key, name in keys.items() if name in by_name}
    added: list[Opportunity] = []
    for key, items in data["opportunities"].items():
        owner = company.get(key)
        if owner is None or owner.opportunities:
            continue
        for n, entry in enumerate(items):
            item = Opportunity(
                company=owner, kind=entry["kind"], title=entry["title"], text=entry["text"],
                tags=entry["tags"], dual_use_items=entry.get("dual_use_items", False),
                military_items=entry.get("military_items", False),
                # One item per company runs out in a few months, as real ones do.
                expires_on=(utcnow() + timedelta(days=120)).date() if n == 1 else None)
            db.session.add(item)  # now: the next company's check autoflushes
            added.append(item)
    for a, b in data["known"]:
        if a in company and b in company and db.session.scalar(db.select(KnownPartner.id)
                .filter_by(company_id=company[a].id, other_company_id=company[b].id)) is None:
            db.session.add(KnownPartner(company_id=company[a].id, other_company_id=company[b].id))
    db.session.flush()
    refresh_item_vectors(added)  # one batch, as the profiles are embedded
    return len(added)
