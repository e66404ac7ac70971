"""The verbs of the expertise: submit, assign and reassign experts, review, decide, resubmit
after revision, issue certificates, remind of terms, write the РМС's protocol. One
function each, keyword-only, `actor=` first; callers import this package, not its
modules."""

from metodset.expertise.services.common import (
    AUTHOR_NEWS,
    EXPERT_NEWS,
    MIN_REVIEWS,
    QUEUE_NEWS,
    REMIND_DAYS_BEFORE,
    RULE_TEXT,
    SPREAD_LIMIT,
    TERM_DAYS,
    criteria_for,
    due_of,
)
from metodset.expertise.services.decisions import (
    CERTIFICATE_AUTHOR,
    CERTIFICATE_EXPERT,
    certificates_of,
    decide_submission,
    issue_certificates,
)
from metodset.expertise.services.records import create_protocol, remind_of_terms
from metodset.expertise.services.reviews import (
    Spread,
    assign_expert,
    criteria_of,
    decline_assignment,
    expert_due,
    spread_of,
    submit_review,
)
from metodset.expertise.services.submissions import (
    resubmit,
    round_changes,
    submit_for_expertise,
    withdraw_submission,
)

__all__ = [
    "AUTHOR_NEWS",
    "CERTIFICATE_AUTHOR",
    "CERTIFICATE_EXPERT",
    "EXPERT_NEWS",
    "MIN_REVIEWS",
    "QUEUE_NEWS",
    "REMIND_DAYS_BEFORE",
    "RULE_TEXT",
    "SPREAD_LIMIT",
    "TERM_DAYS",
    "Spread",
    "assign_expert",
    "certificates_of",
    "create_protocol",
    "criteria_for",
    "criteria_of",
    "decide_submission",
    "decline_assignment",
    "due_of",
    "expert_due",
    "issue_certificates",
    "remind_of_terms",
    "resubmit",
    "round_changes",
    "spread_of",
    "submit_for_expertise",
    "submit_review",
    "withdraw_submission",
]
