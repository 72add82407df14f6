"""The manuals' leave rules: filing, the approval chain, the paperwork.

Each rule has its smallest breaking case, asserting the field the refusal names, and its passing case
at the boundary.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wfm.domain.leave import (
    FULL_CHAIN,
    ApprovalStep,
    LeavePolicy,
    LeaveRequest,
    LeaveStatus,
    approval_steps,
    complete_paperwork,
    decide,
    file_leave,
    missing_paperwork,
    next_step,
)
from wfm.errors import InputError

MONDAY = date(2024, 6, 17)
MANAGER, HR, GM = ApprovalStep.DEPARTMENT_MANAGER, ApprovalStep.HR, ApprovalStep.GENERAL_MANAGER
DECIDERS = {MANAGER: "manager", HR: "hr01", GM: "gm"}


def leave(leave_type: str = "annual", days: int = 1, **overrides: Any) -> LeaveRequest:
    return LeaveRequest(
        agent_id="a01",
        leave_type=leave_type,
        first_day=MONDAY,
        last_day=MONDAY + timedelta(days=days - 1),
        **overrides,
    )


def filed(leave_type: str = "annual", days: int = 1, **overrides: Any) -> LeaveRequest:
    return file_leave(
        leave(leave_type, days, **overrides), filed_by="a01", filed_on=MONDAY - timedelta(days=7)
    )


def approved_by(request: LeaveRequest, *steps: ApprovalStep) -> LeaveRequest:
    for step in steps:
        request = decide(request, step, approve=True, by=DECIDERS[step], on=MONDAY)
    return request


def refused_fields(caught: pytest.ExceptionInfo[InputError]) -> list[str | None]:
    return [problem.field for problem in caught.value.problems]


# --- personal leave: one day ahead, in person ------------------------------------------------------


def test_personal_leave_asked_exactly_one_day_ahead_is_filed() -> None:
    request = file_leave(leave("personal"), filed_by="a01", filed_on=MONDAY - timedelta(days=1))
    assert (request.filed_by, request.filed_on, request.status) == ("a01", date(2024, 6, 16), "requested")


def test_personal_leave_asked_on_its_first_day_is_refused_naming_first_day() -> None:
    with pytest.raises(InputError) as caught:
        file_leave(leave("personal"), filed_by="a01", filed_on=MONDAY)
    assert refused_fields(caught) == ["first_day"]
    assert "at least 1 day ahead" in str(caught.value)
    assert "it can start on 2024-06-18 at the earliest, not 2024-06-17" in str(caught.value)


def test_personal_leave_asked_by_someone_else_is_refused_naming_filed_by() -> None:
    with pytest.raises(InputError) as caught:
        file_leave(leave("personal"), filed_by="a02", filed_on=MONDAY - timedelta(days=3))
    assert refused_fields(caught) == ["filed_by"]
    assert "must be asked for by a01 in person, not by a02" in str(caught.value)


def test_personal_leave_asked_by_phone_is_refused_naming_by_phone() -> None:
    with pytest.raises(InputError) as caught:
        file_leave(leave("personal"), filed_by="a01", filed_on=MONDAY - timedelta(days=3), by_phone=True)
    assert refused_fields(caught) == ["by_phone"]


def test_every_broken_filing_rule_is_named_at_once() -> None:
    with pytest.raises(InputError) as caught:
        file_leave(leave("personal"), filed_by="a02", filed_on=MONDAY, by_phone=True)
    assert refused_fields(caught) == ["filed_by", "by_phone", "first_day"]


def test_a_site_may_ask_for_more_notice() -> None:
    policy = LeavePolicy(personal_notice_days=2)
    with pytest.raises(InputError) as caught:
        file_leave(leave("personal"), filed_by="a01", filed_on=MONDAY - timedelta(days=1), policy=policy)
    assert refused_fields(caught) == ["first_day"]
    assert file_leave(leave("personal"), filed_by="a01", filed_on=MONDAY - timedelta(days=2), policy=policy)


@pytest.mark.parametrize("leave_type", ["annual", "sick"])
def test_notice_and_in_person_are_personal_leave_rules_only(leave_type: str) -> None:
    request = file_leave(leave(leave_type), filed_by="supervisor", filed_on=MONDAY)
    assert request.filed_by == "supervisor"


# --- emergency sick leave by phone ---------------------------------------------------------------


def test_emergency_sick_leave_is_reported_by_phone_on_the_day_by_someone_else() -> None:
    request = file_leave(leave("sick", days=3), filed_by="relative", filed_on=MONDAY, by_phone=True)
    assert (request.by_phone, request.written_request, request.status) == (True, False, "requested")


def test_only_sick_leave_may_be_reported_by_phone() -> None:
    with pytest.raises(InputError) as caught:
        file_leave(leave("annual"), filed_by="a01", filed_on=MONDAY - timedelta(days=7), by_phone=True)
    assert refused_fields(caught) == ["by_phone"]
    assert "only sick leave may be reported by phone" in str(caught.value)


def test_a_decided_request_cannot_be_filed_again() -> None:
    with pytest.raises(InputError) as caught:
        file_leave(leave(status="approved"), filed_by="a01", filed_on=MONDAY)
    assert refused_fields(caught) == ["status"]


# --- the approval chain ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "steps"), [(1, (MANAGER,)), (2, (MANAGER,)), (3, FULL_CHAIN), (14, FULL_CHAIN)]
)
def test_three_days_or_more_need_manager_hr_and_general_manager(
    days: int, steps: tuple[ApprovalStep]
) -> None:
    assert approval_steps(leave(days=days)) == steps


def test_two_day_leave_is_approved_by_the_manager_alone() -> None:
    request = decide(filed(days=2), MANAGER, approve=True, by="manager", on=MONDAY, comment="fine")
    assert request.status is LeaveStatus.APPROVED
    assert [(d.step, d.approved, d.by, d.comment) for d in request.decisions] == [
        (MANAGER, True, "manager", "fine")
    ]
    assert next_step(request) is None


def test_three_day_leave_is_approved_only_after_manager_hr_and_general_manager_in_order() -> None:
    request = filed(days=3)
    assert next_step(request) is MANAGER
    request = approved_by(request, MANAGER)
    assert (request.status, next_step(request)) == (LeaveStatus.REQUESTED, HR)
    request = approved_by(request, HR)
    assert (request.status, next_step(request)) == (LeaveStatus.REQUESTED, GM)
    request = approved_by(request, GM)
    assert (request.status, next_step(request)) == (LeaveStatus.APPROVED, None)
    assert [d.step for d in request.decisions] == list(FULL_CHAIN)


def test_general_manager_before_hr_is_refused_naming_step() -> None:
    request = approved_by(filed(days=3), MANAGER)
    with pytest.raises(InputError) as caught:
        decide(request, GM, approve=True, by="gm", on=MONDAY)
    assert refused_fields(caught) == ["step"]
    assert "HR must decide before the general manager" in str(caught.value)


def test_hr_before_the_manager_is_refused_naming_step() -> None:
    with pytest.raises(InputError) as caught:
        decide(filed(days=3), HR, approve=True, by="hr01", on=MONDAY)
    assert refused_fields(caught) == ["step"]
    assert "the department manager must decide before HR" in str(caught.value)


def test_a_step_not_in_a_short_chain_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        decide(filed(days=2), HR, approve=True, by="hr01", on=MONDAY)
    assert refused_fields(caught) == ["step"]
    assert "approved by the department manager only, not HR" in str(caught.value)


def test_a_step_cannot_approve_twice() -> None:
    request = approved_by(filed(days=3), MANAGER)
    with pytest.raises(InputError) as caught:
        decide(request, MANAGER, approve=True, by="manager", on=MONDAY)
    assert refused_fields(caught) == ["step"]


def test_a_denial_at_hr_ends_the_request_denied() -> None:
    request = approved_by(filed(days=3), MANAGER)
    request = decide(request, HR, approve=False, by="hr01", on=MONDAY, comment="no days left this year")
    assert request.status is LeaveStatus.DENIED
    assert next_step(request) is None
    with pytest.raises(InputError) as caught:
        decide(request, GM, approve=True, by="gm", on=MONDAY)
    assert refused_fields(caught) == ["status"]


def test_a_denial_without_a_reason_is_refused_naming_comment() -> None:
    with pytest.raises(InputError) as caught:
        decide(filed(), MANAGER, approve=False, by="manager", on=MONDAY, comment="  ")
    assert refused_fields(caught) == ["comment"]


def test_an_agent_cannot_decide_their_own_leave() -> None:
    with pytest.raises(InputError) as caught:
        decide(filed(), MANAGER, approve=True, by="a01", on=MONDAY)
    assert refused_fields(caught) == ["by"]


def test_a_decision_dated_before_the_filing_is_refused_naming_on() -> None:
    request = filed()
    assert request.filed_on is not None
    with pytest.raises(InputError) as caught:
        decide(request, MANAGER, approve=True, by="manager", on=request.filed_on - timedelta(days=1))
    assert refused_fields(caught) == ["on"]
    assert decide(request, MANAGER, approve=True, by="manager", on=request.filed_on).status == "approved"


def test_an_unnamed_decider_is_refused_naming_by() -> None:
    with pytest.raises(InputError) as caught:
        decide(filed(), MANAGER, approve=True, by=" ", on=MONDAY)
    assert refused_fields(caught) == ["by"]


# --- paperwork: medical certificate, written request -------------------------------------------


def test_two_day_sick_leave_without_a_certificate_cannot_be_approved() -> None:
    request = file_leave(leave("sick", days=2), filed_by="a01", filed_on=MONDAY, by_phone=True)
    with pytest.raises(InputError) as caught:
        decide(request, MANAGER, approve=True, by="manager", on=MONDAY)
    assert refused_fields(caught) == ["medical_certificate"]
    assert "sick leave of 2 days needs a medical certificate" in str(caught.value)


def test_two_day_sick_leave_with_a_certificate_is_approved() -> None:
    request = file_leave(leave("sick", days=2, medical_certificate=True), filed_by="a01", filed_on=MONDAY)
    assert decide(request, MANAGER, approve=True, by="manager", on=MONDAY).status is LeaveStatus.APPROVED


def test_one_day_sick_leave_without_a_certificate_is_approved() -> None:
    request = file_leave(leave("sick", days=1), filed_by="a01", filed_on=MONDAY, by_phone=True)
    assert missing_paperwork(request) == []
    assert decide(request, MANAGER, approve=True, by="manager", on=MONDAY).status is LeaveStatus.APPROVED


def test_missing_paperwork_does_not_stop_a_denial() -> None:
    request = file_leave(leave("sick", days=2), filed_by="a01", filed_on=MONDAY)
    denied = decide(request, MANAGER, approve=False, by="manager", on=MONDAY, comment="not sick")
    assert denied.status is LeaveStatus.DENIED


def test_long_leave_reported_by_phone_waits_for_the_written_request_and_certificate() -> None:
    request = file_leave(leave("sick", days=3), filed_by="a01", filed_on=MONDAY, by_phone=True)
    with pytest.raises(InputError) as caught:
        decide(request, MANAGER, approve=True, by="manager", on=MONDAY)
    assert refused_fields(caught) == ["medical_certificate", "written_request"]
    request = complete_paperwork(request, medical_certificate=True, written_request=True)
    assert missing_paperwork(request) == []
    assert approved_by(request, *FULL_CHAIN).status is LeaveStatus.APPROVED


# --- storage: the API keeps requests as JSON ----------------------------------------------------


def test_a_request_stored_before_these_rules_still_loads_with_its_meaning() -> None:
    old = {"agent_id": "a01", "leave_type": "annual", "first_day": "2024-06-17", "last_day": "2024-06-18"}
    request = LeaveRequest.model_validate({**old, "status": "approved"})
    assert (request.status, request.decisions, request.filed_on) == (LeaveStatus.APPROVED, (), None)


def test_a_decided_request_round_trips_through_json() -> None:
    request = decide(
        approved_by(filed(days=3), MANAGER), HR, approve=False, by="hr01", on=MONDAY, comment="no"
    )
    assert LeaveRequest.model_validate(request.model_dump(mode="json")) == request


@pytest.mark.parametrize(
    "decisions",
    [
        [{"step": "hr", "approved": True, "by": "hr01", "on": "2024-06-10"}],
        [
            {"step": "department_manager", "approved": False, "by": "m", "on": "2024-06-10"},
            {"step": "hr", "approved": True, "by": "hr01", "on": "2024-06-10"},
        ],
    ],
    ids=["out of order", "after a denial"],
)
def test_stored_decisions_out_of_chain_are_refused(decisions: list[dict[str, Any]]) -> None:
    with pytest.raises(ValueError, match="decisions: "):
        LeaveRequest.model_validate(leave(days=3, status="denied").model_dump() | {"decisions": decisions})


# --- property: approval only after every step approved, in order --------------------------------

attempts = st.lists(st.tuples(st.sampled_from(list(ApprovalStep)), st.booleans()), max_size=8)


@settings(max_examples=200, deadline=None)
@given(days=st.integers(min_value=1, max_value=5), tries=attempts)
def test_approved_only_when_every_step_approved_in_order(
    days: int, tries: list[tuple[ApprovalStep, bool]]
) -> None:
    request = filed(days=days)
    for step, approve in tries:
        try:
            request = decide(request, step, approve=approve, by=DECIDERS[step], on=MONDAY, comment="why")
        except InputError as error:
            assert [p.field for p in error.problems] in (["step"], ["status"])
    steps = approval_steps(request)
    decided = [d.step for d in request.decisions]
    assert decided == list(steps[: len(decided)])
    every_step_approved = decided == list(steps) and all(d.approved for d in request.decisions)
    assert (request.status is LeaveStatus.APPROVED) == every_step_approved
    assert (request.status is LeaveStatus.DENIED) == any(not d.approved for d in request.decisions)
