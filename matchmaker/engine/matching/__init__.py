"""Reciprocal seek→offer matching of company profiles, with reasons and tag inference."""

from .items import ItemMatcher, ItemSuggestion
from .learn import EventSignals
from .matcher import Matcher, Weights
from .search import Document, Hit, search
from .tags import infer_tags
from .types import LANGUAGES, ItemKind, Opportunity, Profile, Reason, ReasonKind, Suggestion

__all__ = [
    "LANGUAGES",
    "Document",
    "EventSignals",
    "Hit",
    "ItemMatcher",
    "ItemSuggestion",
    "ItemKind",
    "Opportunity",
    "Matcher",
    "Profile",
    "Reason",
    "ReasonKind",
    "Suggestion",
    "Weights",
    "infer_tags",
    "search",
]
