"""The verbs of groups: apply for an РПГ, agree to take part, approve by an order or reject
with reasons, found other groups, appoint leaders, invite, ask to join, remove, plan,
discuss, publish materials into the group, hand in the product and close.

Each checks its permission, changes state in one transaction and writes one audit entry;
notifications go out after commit."""

from metodset.groups.services.applications import (
    answer_participation,
    approve_application,
    reject_application,
    remind_of_decisions,
    resubmit_application,
    submit_application,
    update_application,
    withdraw_application,
)
from metodset.groups.services.common import (
    APPLICATION_NEWS,
    APPLICATION_QUEUE,
    DISCUSSION_NEWS,
    MEMBERSHIP_NEWS,
    check_different_organizations,
    organization_of,
)
from metodset.groups.services.membership import (
    answer_invitation,
    appoint_leader,
    decide_join_request,
    found_group,
    invite_member,
    is_below_composition,
    leave_group,
    remove_member,
    request_to_join,
    update_group,
)
from metodset.groups.services.work import (
    add_material,
    add_post,
    close_group,
    remove_material,
    remove_stage,
    save_stage,
    start_thread,
    upload_order_scan,
)

__all__ = [
    "APPLICATION_NEWS",
    "APPLICATION_QUEUE",
    "DISCUSSION_NEWS",
    "MEMBERSHIP_NEWS",
    "add_material",
    "add_post",
    "answer_invitation",
    "answer_participation",
    "appoint_leader",
    "approve_application",
    "check_different_organizations",
    "close_group",
    "decide_join_request",
    "found_group",
    "invite_member",
    "is_below_composition",
    "leave_group",
    "organization_of",
    "reject_application",
    "remind_of_decisions",
    "remove_material",
    "remove_member",
    "remove_stage",
    "request_to_join",
    "resubmit_application",
    "save_stage",
    "start_thread",
    "submit_application",
    "update_application",
    "update_group",
    "upload_order_scan",
    "withdraw_application",
]
