"""Swaps judged by the rules' check faces: each kind passing, each rule refusing on the smallest roster
that breaks it, the warning tier, partner suggestions, and the few-cells judgement held against a
check of the whole roster."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, time
from typing import Any

import pytest

from solver.problem import AgentTerms
from solver.rules import REGISTRY
from solver.solve import check_roster, split_violations
from solver.swaps import check_swap, judge_change, suggest_partners
from wfm.domain import CellKind, MeetingRule, RosterCell, RosterRules
from wfm.domain.swaps import Swap, SwapKind, Tier, swapped

TRADE, GIVE, EXCHANGE = SwapKind.TRADE, SwapKind.GIVE_AWAY, SwapKind.REST_DAY_EXCHANGE


def _swap(kind: SwapKind, day: int, kit: Any, other: int | None = None, a: str = "A", b: str = "B") -> Swap:
    return Swap(
        kind=kind,
        requester=a,
        partner=b,
        day=kit.day(day),
        other_day=None if other is None else kit.day(other),
    )


def _cell(cells: tuple[RosterCell, ...], agent: str, day: Any) -> RosterCell:
    return next(c for c in cells if c.agent_id == agent and c.day == day)


# --- each kind passing -----------------------------------------------------------------------------------


def test_a_trade_exchanges_the_two_shifts_and_each_keeps_their_queue(kit: Any) -> None:
    problem = kit.problem(
        [kit.agent("A", skills=["chat", "phone"]), kit.agent("B", skills=["chat", "phone"])],
        queues=("chat", "phone"),
    )
    cells = kit.cells(problem, {"A": "E@chat L@chat -", "B": "L@phone E@phone -"})
    check = check_swap(problem, cells, _swap(TRADE, 1, kit))
    assert check.tier is Tier.PASS, check.reasons
    assert {(c.agent_id, c.shift, c.queue) for c in check.cells} == {
        ("A", "early", "chat"),
        ("B", "late", "phone"),
    }


def test_a_give_away_hands_the_shift_over_and_its_giver_rests(kit: Any) -> None:
    problem = kit.problem("AB")
    cells = kit.cells(problem, {"A": "E E -", "B": "- - E"})
    check = check_swap(problem, cells, _swap(GIVE, 1, kit))
    assert check.tier is Tier.PASS, check.reasons
    after = {(c.agent_id, c.kind, c.shift) for c in check.cells}
    assert after == {("A", CellKind.REST, None), ("B", CellKind.SHIFT, "early")}


def test_a_rest_day_exchange_moves_both_shifts_and_both_rest_days(kit: Any) -> None:
    problem = kit.problem("AB")
    cells = kit.cells(problem, {"A": "E - E", "B": "E L -"})
    check = check_swap(problem, cells, _swap(EXCHANGE, 0, kit, other=1, b="B"))
    assert check.tier is Tier.ERROR  # B works Monday: not a rest-day exchange
    cells = kit.cells(problem, {"A": "E - L", "B": "- L E"})
    check = check_swap(problem, cells, _swap(EXCHANGE, 0, kit, other=1))
    assert check.tier is Tier.PASS, check.reasons
    after = {(c.agent_id, c.day, c.shift) for c in check.cells}
    assert after == {
        ("A", kit.day(0), None),
        ("B", kit.day(0), "early"),
        ("A", kit.day(1), "late"),
        ("B", kit.day(1), None),
    }


# --- refusals before any rule: the cells, the lead time --------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "swap_args", "words"),
    [
        ({"A": "- E -", "B": "E E -"}, (TRADE, 0), "needs Ann to work"),
        ({"A": "E E -", "B": "E E -"}, (GIVE, 0), "needs Bo to rest"),
        ({"A": "E E -", "B": "E E -"}, (TRADE, 0), "changes nothing"),
        ({"A": "~ E -", "B": "L E -"}, (TRADE, 0), "Ann is on leave"),
    ],
)
def test_a_swap_the_roster_does_not_allow_is_refused_in_words(
    kit: Any, rows: dict[str, str], swap_args: tuple[SwapKind, int], words: str
) -> None:
    problem = kit.problem("AB")
    check = check_swap(problem, kit.cells(problem, rows), _swap(*swap_args, kit))
    assert check.tier is Tier.ERROR and any(words in reason for reason in check.reasons), check.reasons


def test_a_swap_needs_the_sites_lead_time(kit: Any) -> None:
    problem = kit.problem("AB")
    cells = kit.cells(problem, {"A": "E E E", "B": "L E L"})
    too_soon = check_swap(problem, cells, _swap(TRADE, 1, kit), today=kit.day(0), lead_days=2)
    assert too_soon.tier is Tier.ERROR and "too soon" in too_soon.reasons[0]
    in_time = check_swap(problem, cells, _swap(TRADE, 2, kit), today=kit.day(0), lead_days=2)
    assert in_time.tier is Tier.PASS
    with pytest.raises(ValueError, match="partner"):
        Swap(kind=TRADE, requester="A", partner="A", day=kit.day(0))


# --- each rule refusing ---------------------------------------------------------------------------------


def test_a_trade_onto_a_queue_the_agent_is_not_skilled_for_is_refused(kit: Any) -> None:
    problem = kit.problem(
        [kit.agent("A", skills=["chat"]), kit.agent("B", skills=["chat", "phone"])], queues=("chat", "phone")
    )
    cells = kit.cells(problem, {"A": "E@chat - -", "B": "- E@phone -"})
    check = check_swap(problem, cells, _swap(GIVE, 1, kit, a="B", b="A"))
    assert check.tier is Tier.ERROR and "Ann is not skilled for phone" in check.reasons[0]
    assert check.verdict is not None and [v.rule for v in check.verdict.added] == ["skills"]


def test_a_trade_leaving_too_little_rest_after_a_late_shift_is_refused(kit: Any) -> None:
    problem = kit.problem("AB")
    cells = kit.cells(problem, {"A": "L L -", "B": "- E -"})
    check = check_swap(problem, cells, _swap(TRADE, 1, kit))  # Ann: late Monday, early Tuesday
    assert check.tier is Tier.ERROR
    assert check.verdict is not None and {v.rule for v in check.verdict.added} == {"rest_between_shifts"}


def test_a_give_away_making_a_seventh_day_in_a_row_is_refused(kit: Any) -> None:
    # one rest day a week, so Bo's run from Tuesday to the next Monday breaks only the run's limit
    rules = RosterRules(min_closing_staff=0, meeting=None, rest_days_per_week=1)
    problem = kit.problem("AB", days=14, rules=rules)
    cells = kit.cells(problem, {"A": "- - - - - - E - - - - - - -", "B": "- E E E E E - E - - - - - -"})
    check = check_swap(problem, cells, _swap(GIVE, 6, kit))
    assert check.tier is Tier.ERROR
    assert check.verdict is not None and {v.rule for v in check.verdict.added} == {"max_consecutive_days"}


def test_a_give_away_taking_a_rest_day_the_week_needs_is_refused(kit: Any) -> None:
    problem = kit.problem("AB", days=7)
    cells = kit.cells(problem, {"A": "E E E E E - -", "B": "E E E E - - E"})
    check = check_swap(problem, cells, _swap(GIVE, 4, kit))  # Bo would rest only Saturday
    assert check.tier is Tier.ERROR
    assert check.verdict is not None and {v.rule for v in check.verdict.added} == {"rest_days_per_week"}


def test_a_give_away_beyond_the_partners_contract_hours_is_refused(kit: Any) -> None:
    terms = {"B": AgentTerms(max_minutes=2 * 9 * 60)}
    problem = kit.problem("AB", terms=terms)
    cells = kit.cells(problem, {"A": "E - -", "B": "- E E"})
    check = check_swap(problem, cells, _swap(GIVE, 0, kit))
    assert check.tier is Tier.ERROR
    assert check.verdict is not None and {v.rule for v in check.verdict.added} == {"contract"}


def test_swaps_never_change_who_closes_but_a_hand_edit_that_does_is_judged(kit: Any) -> None:
    """Every swap kind moves whole shifts, so closing staff and meeting cover always hold after one;
    the same judgement of a few changed cells names them when a hand edit breaks them."""
    rules = RosterRules(min_closing_staff=2, meeting=MeetingRule(weekday=0, start=14 * 60, end=16 * 60))
    problem = kit.problem("ABC", rules=rules, days=1)
    cells = kit.cells(problem, {"A": "L", "B": "L", "C": "E"})
    for swap in (_swap(TRADE, 0, kit, b="C"), _swap(TRADE, 0, kit, a="C", b="B")):
        assert check_swap(problem, cells, swap).tier is Tier.PASS
    verdict = judge_change(problem, cells, [RosterCell.rest("A", kit.day(0))])
    assert {v.rule for v in verdict.added} == {"closing_staff"}
    verdict = judge_change(
        problem,
        cells,
        [RosterCell.rest("C", kit.day(0)), RosterCell.working("B", kit.day(0), "early", "chat")],
    )
    assert "closing_staff" in {v.rule for v in verdict.added}
    meeting = judge_change(
        problem,
        cells,
        [
            RosterCell.working("A", kit.day(0), "early", "chat"),
            RosterCell.working("B", kit.day(0), "early", "chat"),
        ],
    )
    assert "meeting_cover" in {v.rule for v in meeting.added} or "closing_staff" in {
        v.rule for v in meeting.added
    }


# --- the warning tier ------------------------------------------------------------------------------------


def test_a_trade_that_leaves_a_queue_short_needs_the_manager_and_shows_each_interval(kit: Any) -> None:
    both = ["chat", "phone"]
    problem = kit.problem(
        [kit.agent("A", skills=both), kit.agent("B", skills=both)],
        queues=("chat", "phone"),
        interval_cover=kit.requirement(
            [
                ("chat", datetime.combine(kit.day(0), time(9)), 1),
                ("phone", datetime.combine(kit.day(0), time(20)), 1),
            ]
        ),
    )
    cells = kit.cells(problem, {"A": "E@chat - -", "B": "L@phone - -"})
    check = check_swap(problem, cells, _swap(TRADE, 0, kit))
    assert check.tier is Tier.WARNING
    assert any("chat Mon 16 Jun 09:00: 0 agents instead of 1 (needs 1)" in r for r in check.reasons), (
        check.reasons
    )
    short = {(c.queue, c.start.hour): (c.before, c.after) for c in check.cover if c.shorter}
    assert short == {("chat", 9): (1, 0), ("phone", 20): (1, 0)}
    assert check.verdict is not None and check.verdict.cost_change["coverage"] > 0


# --- partner suggestions ---------------------------------------------------------------------------------


def test_every_suggested_partner_passes_when_tried_and_the_best_comes_first(kit: Any) -> None:
    problem = kit.problem(
        "ABCDE",
        interval_cover=kit.requirement(
            [("chat", datetime.combine(kit.day(1), time(h)), 1) for h in range(9, 24)]
        ),
    )
    cells = kit.cells(problem, {"A": "E E -", "B": "L - E", "C": "- L L", "D": "E E E", "E": "L E -"})
    suggestions = suggest_partners(problem, cells, "A", kit.day(1))
    assert suggestions, "someone can take Ann's Tuesday"
    for suggestion in suggestions:
        assert check_swap(problem, cells, suggestion.swap).tier is Tier.PASS
    assert "D" not in {s.partner for s in suggestions}  # same shift: nothing to trade
    costs = [s.check.verdict.cost_change.get("coverage", 0) for s in suggestions if s.check.verdict]
    assert costs == sorted(costs)


# --- the few-cells judgement agrees with the whole roster's check ---------------------------------------


def _hard_counter(problem: Any, cells: Any) -> Counter[tuple[str, str]]:
    hard, _ = split_violations(check_roster(problem, cells))
    return Counter((v.rule, v.message) for v in hard)


def _soft_costs(problem: Any, cells: Any) -> dict[str, int]:
    _, soft = split_violations(check_roster(problem, cells))
    costs: dict[str, int] = {}
    for violation in soft:
        costs[violation.rule] = costs.get(violation.rule, 0) + violation.cost
    return costs


def test_judging_a_few_cells_agrees_with_checking_the_whole_roster(kit: Any) -> None:
    problem = kit.problem(
        "ABCDE",
        days=7,
        rules=RosterRules(min_closing_staff=1, meeting=MeetingRule(weekday=2, start=14 * 60, end=16 * 60)),
        interval_cover=kit.requirement(
            [("chat", datetime.combine(kit.day(d), time(h)), 2) for d in range(7) for h in range(8, 24)]
        ),
    )
    rng = random.Random(7)
    tokens = ["E", "L", "-"]
    for _ in range(60):
        rows = {a: " ".join(rng.choice(tokens) for _ in range(7)) for a in "ABCDE"}
        cells = kit.cells(problem, rows)
        changed = [
            RosterCell.rest(a, kit.day(d)) if t == "-" else RosterCell.working(a, kit.day(d), t, "chat")
            for a, d, t in (
                (
                    rng.choice("ABCDE"),
                    rng.randrange(7),
                    {"E": "early", "L": "late", "-": "-"}[rng.choice(tokens)],
                )
                for _ in range(rng.randint(1, 3))
            )
        ]
        changed = list({(c.agent_id, c.day): c for c in changed}.values())
        keys = {(c.agent_id, c.day) for c in changed}
        after = [c for c in cells if (c.agent_id, c.day) not in keys] + changed
        verdict = judge_change(problem, cells, changed)
        assert Counter((v.rule, v.message) for v in verdict.added) == _hard_counter(
            problem, after
        ) - _hard_counter(problem, cells)
        before_costs, after_costs = _soft_costs(problem, cells), _soft_costs(problem, after)
        expected = {
            rule.name: after_costs.get(rule.name, 0) - before_costs.get(rule.name, 0)
            for rule in REGISTRY
            if not rule.hard
        }
        assert verdict.cost_change == {k: v for k, v in expected.items() if v}


def test_swapped_cells_keep_every_other_cell_untouched(kit: Any) -> None:
    problem = kit.problem("ABC")
    cells = kit.cells(problem, {"A": "E L -", "B": "L - E", "C": "E E E"})
    new = swapped(_swap(TRADE, 0, kit), cells)
    assert {(c.agent_id, c.day) for c in new} == {("A", kit.day(0)), ("B", kit.day(0))}
    assert _cell(cells, "C", kit.day(0)).shift == "early"


def test_a_trade_of_the_same_shift_on_two_queues_changes_nothing_and_is_refused(kit: Any) -> None:
    both = ["chat", "phone"]
    problem = kit.problem(
        [kit.agent("A", skills=both), kit.agent("B", skills=both)], queues=("chat", "phone")
    )
    cells = kit.cells(problem, {"A": "E@chat - -", "B": "E@phone - -"})
    check = check_swap(problem, cells, _swap(TRADE, 0, kit))
    assert check.tier is Tier.ERROR and "changes nothing" in check.reasons[0]
