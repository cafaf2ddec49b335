"""The whole transition table: every allowed move, and every other pair refused."""

from __future__ import annotations

import itertools

import pytest

from handlers.statuses import ACTIVE, FINISHED, Role, Status
from handlers.transitions import TABLE, TransitionRefused, allowed, check

ALL_PAIRS = list(itertools.product(Status, Status, Role))
ALLOWED = [(a, b, r) for (a, b), roles in TABLE.items() for r in roles]


@pytest.mark.parametrize(("current", "target", "role"), ALLOWED)
def test_every_listed_move_is_allowed(current: Status, target: Status, role: Role) -> None:
    check(current, target, role)
    assert allowed(current, target, role)


@pytest.mark.parametrize(
    ("current", "target", "role"),
    [p for p in ALL_PAIRS if p not in set(ALLOWED)],
    ids=lambda v: str(v),
)
def test_every_other_move_is_refused(current: Status, target: Status, role: Role) -> None:
    with pytest.raises(TransitionRefused):
        check(current, target, role)


def test_the_sop_path_for_a_guest_is_allowed() -> None:
    path = [
        (Status.OPEN, Status.FORM, Role.APPLICANT),
        (Status.FORM, Status.SUBMITTED, Role.APPLICANT),
        (Status.SUBMITTED, Status.VERIFIED, Role.ADMIN),
        (Status.VERIFIED, Status.APPROVED, Role.HEAD),
        (Status.APPROVED, Status.PROVISIONED, Role.SYSTEM),
        (Status.PROVISIONED, Status.DELIVERED, Role.SYSTEM),
        (Status.DELIVERED, Status.CLOSED, Role.SYSTEM),
    ]
    for current, target, role in path:
        assert allowed(current, target, role)


@pytest.mark.parametrize(
    ("current", "target", "role"),
    [
        (Status.REJECTED, Status.APPROVED, Role.HEAD),
        (Status.APPROVED, Status.APPROVED, Role.HEAD),
        (Status.SUBMITTED, Status.APPROVED, Role.ADMIN),
        (Status.SUBMITTED, Status.REJECTED, Role.ADMIN),
        (Status.VERIFIED, Status.APPROVED, Role.ADMIN),
        (Status.SUBMITTED, Status.VERIFIED, Role.HEAD),
        (Status.VERIFIED, Status.APPROVED, Role.APPLICANT),
        (Status.APPROVED, Status.CANCELLED, Role.APPLICANT),
        (Status.CLOSED, Status.OPEN, Role.SYSTEM),
    ],
)
def test_named_impossible_moves_are_refused(current: Status, target: Status, role: Role) -> None:
    assert not allowed(current, target, role)


def test_finished_statuses_have_no_way_out() -> None:
    for current, _target in TABLE:
        assert current not in FINISHED


def test_every_active_status_can_end() -> None:
    ends = {current for (current, _target) in TABLE}
    assert ends == set(ACTIVE)


def test_without_verification_the_head_decides_a_submitted_form() -> None:
    # The table allows it; review.approve / review.reject refuse it while verification is on.
    for target in (Status.APPROVED, Status.REJECTED):
        assert allowed(Status.SUBMITTED, target, Role.HEAD)
        assert not allowed(Status.SUBMITTED, target, Role.ADMIN)
