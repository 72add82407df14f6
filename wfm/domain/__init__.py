"""The domain of a customer-service centre: queues, shifts, agents, rules, requirements, rosters.

Plain, frozen, validated value objects with no persistence. Invalid values are refused on construction
with a message naming the field (pydantic's ``ValidationError``); :func:`parse_model` turns that into
the product's :class:`wfm.errors.InputError`.
"""

from wfm.domain.agents import Agent, AgentId, Contract, Preferences
from wfm.domain.clock import format_clock, parse_clock
from wfm.domain.horizon import PlanningHorizon
from wfm.domain.leave import ApprovalStep, LeaveDecision, LeavePolicy, LeaveRequest, LeaveStatus, LeaveType
from wfm.domain.opening_hours import OpeningHours, OpeningPeriod
from wfm.domain.parsing import load_model, parse_model
from wfm.domain.queues import Channel, Queue, QueueId, ServiceTarget
from wfm.domain.requests import ShiftRequest
from wfm.domain.requirement import Requirement
from wfm.domain.roster import CellKind, Roster, RosterCell
from wfm.domain.rules import MeetingRule, RosterRules
from wfm.domain.shifts import BreakWindow, ShiftCode, ShiftTemplate
from wfm.domain.site import DEFAULT_TIMEZONE, Site
from wfm.domain.staffing_policy import StaffingPolicy

__all__ = [
    "DEFAULT_TIMEZONE",
    "Agent",
    "AgentId",
    "ApprovalStep",
    "BreakWindow",
    "CellKind",
    "Channel",
    "Contract",
    "LeaveDecision",
    "LeavePolicy",
    "LeaveRequest",
    "LeaveStatus",
    "LeaveType",
    "MeetingRule",
    "OpeningHours",
    "OpeningPeriod",
    "PlanningHorizon",
    "Preferences",
    "Queue",
    "QueueId",
    "Requirement",
    "Roster",
    "RosterCell",
    "RosterRules",
    "ServiceTarget",
    "ShiftCode",
    "ShiftRequest",
    "ShiftTemplate",
    "Site",
    "StaffingPolicy",
    "format_clock",
    "load_model",
    "parse_clock",
    "parse_model",
]
