"""The policy engine: per-region rules as data files, and the quote for one resident."""

from app.policy.engine import PersonFacts, Quote, QuoteError, best_tier, quote
from app.policy.loader import PolicyError, available, load_policy, load_policy_file
from app.policy.model import CASE_KINDS, Policy

__all__ = [
    "CASE_KINDS",
    "PersonFacts",
    "Policy",
    "PolicyError",
    "Quote",
    "QuoteError",
    "available",
    "best_tier",
    "load_policy",
    "load_policy_file",
    "quote",
]
