"""Reciprocal seek→offer matching of company profiles, with reasons and tag inference."""

from .matcher import Matcher, Weights
from .tags import infer_tags
from .types import LANGUAGES, ItemKind, Opportunity, Profile, Reason, ReasonKind, Suggestion

__all__ = [
    "LANGUAGES",
    "ItemKind",
    "Opportunity",
    "Matcher",
    "Profile",
    "Reason",
    "ReasonKind",
    "Suggestion",
    "Weights",
    "infer_tags",
]
