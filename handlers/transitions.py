"""The SOP as a transition table: the only place that says which status may follow which.

Every status change in the product goes through `check`; anything not listed is refused,
whoever asks (a second approval, approving a rejected ticket, a stale button...).
"""

from __future__ import annotations

from handlers.statuses import Role, Status

S = Status
R = Role

# (from, to) -> the roles allowed to make that move.
TABLE: dict[tuple[Status, Status], frozenset[Role]] = {
    # SOP step 2: triage.
    (S.OPEN, S.SELF_SERVICE): frozenset({R.APPLICANT}),
    (S.OPEN, S.FORM): frozenset({R.APPLICANT}),
    # Closed when the applicant reports success, an admin ends the hand-off, or it idles out.
    (S.SELF_SERVICE, S.CLOSED): frozenset({R.SYSTEM, R.APPLICANT, R.ADMIN}),
    # SOP step 3: the form.
    (S.FORM, S.SUBMITTED): frozenset({R.APPLICANT}),
    # SOP step 4: verification by an admin, decision by the head.
    (S.SUBMITTED, S.VERIFIED): frozenset({R.ADMIN}),
    (S.SUBMITTED, S.FORM): frozenset({R.ADMIN}),
    (S.VERIFIED, S.APPROVED): frozenset({R.HEAD}),
    (S.VERIFIED, S.REJECTED): frozenset({R.HEAD}),
    # With verification switched off the head decides a submitted form directly; with it on
    # (the SOP's default) review.approve / review.reject refuse these pairs.
    (S.SUBMITTED, S.APPROVED): frozenset({R.HEAD}),
    (S.SUBMITTED, S.REJECTED): frozenset({R.HEAD}),
    (S.REJECTED, S.CLOSED): frozenset({R.SYSTEM}),
    # SOP step 5: the account on the router.
    (S.APPROVED, S.PROVISIONED): frozenset({R.SYSTEM}),
    # SOP step 6: delivery by email and chat.
    (S.PROVISIONED, S.DELIVERED): frozenset({R.SYSTEM}),
    (S.DELIVERED, S.CLOSED): frozenset({R.SYSTEM}),
    # Leaving early.
    (S.OPEN, S.CANCELLED): frozenset({R.APPLICANT}),
    (S.FORM, S.CANCELLED): frozenset({R.APPLICANT}),
    (S.SUBMITTED, S.CANCELLED): frozenset({R.APPLICANT}),
    (S.VERIFIED, S.CANCELLED): frozenset({R.APPLICANT}),
    (S.OPEN, S.EXPIRED): frozenset({R.SYSTEM}),
    (S.FORM, S.EXPIRED): frozenset({R.SYSTEM}),
}


class TransitionRefused(Exception):
    """A status change the SOP does not allow, or not to this role."""

    def __init__(self, current: Status, target: Status, role: Role) -> None:
        super().__init__(f"{role} may not move a ticket from {current} to {target}")
        self.current = current
        self.target = target
        self.role = role


def allowed(current: Status, target: Status, role: Role) -> bool:
    return role in TABLE.get((current, target), frozenset())


def check(current: Status, target: Status, role: Role) -> None:
    if not allowed(current, target, role):
        raise TransitionRefused(current, target, role)
