"""Curtois benchmark format: the 12 instances parse, malformed files are refused, rosters are scored.

Objectives on Instance1 are computed by hand from the file (cover requirements 5,7,6,4,5,5,5,6,7,4,2,5,6,4
at under weight 100 and over weight 1; on-request weights summing to 37; off-requests C12, C13 (1 each),
F8, H2, H3 (3 each)). Each hard rule has a roster that breaks it once and a boundary roster that does not,
on a small instance built here, with a second employee who is off throughout and must stay unaffected.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from solver.benchmarks.curtois import (
    BEST_KNOWN,
    HARD_RULES,
    CurtoisCover,
    CurtoisInstance,
    CurtoisRequest,
    CurtoisShift,
    CurtoisStaff,
    HardRule,
    best_known,
    evaluate,
    parse_instance,
    replicated,
)
from wfm.errors import InputError

CURTOIS_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks" / "curtois"

# days, staff, shift types, best known -- the README's table
README_TABLE: dict[str, tuple[int, int, int, int]] = {
    "Instance1": (14, 8, 1, 607),
    "Instance2": (14, 14, 2, 828),
    "Instance3": (14, 20, 3, 1001),
    "Instance4": (28, 10, 2, 1716),
    "Instance5": (28, 16, 2, 1143),
    "Instance6": (28, 18, 3, 1950),
    "Instance7": (28, 20, 3, 1056),
    "Instance8": (28, 30, 4, 1300),
    "Instance9": (28, 36, 4, 439),
    "Instance10": (28, 40, 5, 4631),
    "Instance11": (28, 50, 6, 3443),
    "Instance12": (28, 60, 10, 4040),
}


@pytest.fixture(scope="module")
def curtois_dir() -> Path:
    """``../shared/benchmarks/curtois`` beside the repository; tests using it skip without it."""
    if not CURTOIS_DIR.is_dir():
        pytest.skip(f"Curtois benchmark instances not present at {CURTOIS_DIR} (only on the team's machines)")
    return CURTOIS_DIR


@pytest.fixture(scope="module")
def instance1(curtois_dir: Path) -> CurtoisInstance:
    return parse_instance(curtois_dir / "Instance1.txt")


def _roster(instance: CurtoisInstance, rows: dict[str, str]) -> dict[str, list[str | None]]:
    """Rows written one character a day: a one-letter shift id, or ``.`` for a day off."""
    assert all(len(row) == instance.days for row in rows.values())
    return {employee: [None if day == "." else day for day in row] for employee, row in rows.items()}


def _rule_of(violation: str) -> str:
    return violation.split(":", 1)[0]


def _days_named(violation: str) -> str:
    """The ``(day 3)`` / ``(days 3-5)`` range a run violation names."""
    found = re.search(r"\((days? [\d-]+)\)", violation)
    assert found, violation
    return found.group(1)


# --- the 12 published instances -------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(README_TABLE))
def test_instance_parses_with_the_readme_header_counts(curtois_dir: Path, name: str) -> None:
    instance = parse_instance(curtois_dir / f"{name}.txt")
    days, staff, shift_types, _ = README_TABLE[name]
    assert instance.name == name
    assert (instance.days, len(instance.staff), len(instance.shifts)) == (days, staff, shift_types)
    assert set(instance.days_off) == set(instance.employee_ids)
    assert all(set(member.max_shifts) == set(instance.shift_ids) for member in instance.staff)
    assert len(instance.cover) == days * shift_types  # every (day, shift) has a cover row


def test_readme_table_is_the_one_tested_and_best_known(curtois_dir: Path) -> None:
    readme = (curtois_dir / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (Instance\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|", readme, re.M)
    assert {name: tuple(map(int, numbers)) for name, *numbers in rows} == README_TABLE
    assert {name: best_known(name) for name in README_TABLE} == {
        name: row[3] for name, row in README_TABLE.items()
    }


def test_best_known_values() -> None:
    assert best_known("Instance1") == 607
    assert best_known("Instance12") == 4040
    assert best_known("Instance13") is None
    assert len(BEST_KNOWN) == 12


@pytest.mark.parametrize("name", list(README_TABLE))
def test_all_off_roster_pays_every_cover_short_and_every_on_request(curtois_dir: Path, name: str) -> None:
    instance = parse_instance(curtois_dir / f"{name}.txt")
    result = evaluate(instance, {employee: [None] * instance.days for employee in instance.employee_ids})
    short = sum(cover.requirement * cover.under_weight for cover in instance.cover)
    on_requests = sum(request.weight for request in instance.on_requests)
    assert result.breakdown == {
        "on_requests": on_requests,
        "off_requests": 0,
        "cover_under": short,
        "cover_over": 0,
    }
    assert result.objective == short + on_requests
    # only the minimum total minutes is broken (one off-run spans the whole horizon, so it is exempt)
    assert [_rule_of(violation) for violation in result.hard_violations] == [
        HardRule.MIN_TOTAL_MINUTES
    ] * len(instance.staff)


# --- hand-computed objectives on Instance1 ---------------------------------------------------------------


def test_instance1_all_off_by_hand(instance1: CurtoisInstance) -> None:
    result = evaluate(instance1, {employee: [None] * 14 for employee in "ABCDEFGH"})
    assert result.breakdown == {"on_requests": 37, "off_requests": 0, "cover_under": 7100, "cover_over": 0}
    assert result.objective == 7137
    assert not result.feasible


def test_instance1_everyone_every_day_by_hand(instance1: CurtoisInstance) -> None:
    result = evaluate(instance1, {employee: ["D"] * 14 for employee in "ABCDEFGH"})
    # 8 on duty every day: 112 - 71 required = 41 over at weight 1; all five off-requests granted: 11
    assert result.breakdown == {"on_requests": 0, "off_requests": 11, "cover_under": 0, "cover_over": 41}
    assert result.objective == 52
    rules = [_rule_of(violation) for violation in result.hard_violations]
    # 14 x 480 = 6720 > 4320 minutes, 14 > 5 days in a row, 2 > 1 weekends, and each one's listed day off
    assert sorted(rules) == sorted(
        [
            HardRule.MAX_TOTAL_MINUTES,
            HardRule.MAX_CONSECUTIVE_SHIFTS,
            HardRule.MAX_WEEKENDS,
            HardRule.DAYS_OFF,
        ]
        * 8
    )
    assert "days_off: employee A works D on day 0, one of their days off" in result.hard_violations


INSTANCE1_HAND_ROSTER = {
    #     days 0.........13
    "A": "..DDDDD..DDD..",
    "B": "DDDDD..DDDD...",
    "C": "DDDD.....DDDDD",
    "D": "...DDDDD..DD..",
    "E": "DDDD...DD..DDD",
    "F": "DDDDD..DDDD...",
    "G": "..DDDDD..DDD..",
    "H": "DDDDD...DDDD..",
}


def test_instance1_hand_built_feasible_roster(instance1: CurtoisInstance) -> None:
    result = evaluate(instance1, _roster(instance1, INSTANCE1_HAND_ROSTER))
    # on duty per day 5,5,7,8,6,3,3,4,4,6,7,6,2,2 against 5,7,6,4,5,5,5,6,7,4,2,5,6,4:
    #   short 2+2+2+2+3+4+2 = 17 people x 100; over 1+4+1+2+5+1 = 14 x 1
    # on-requests missed: C day 4 (1), D days 8, 9 (2+2), H days 12, 13 (1+1) = 7
    # off-requests granted: C days 12, 13 (1+1), F day 8 (3), H days 2, 3 (3+3) = 11
    assert result.breakdown == {"on_requests": 7, "off_requests": 11, "cover_under": 1700, "cover_over": 14}
    assert result.objective == 1732
    assert result.hard_violations == []
    assert result.feasible


def test_replicated_instance_costs_each_copy_of_a_roster_once_per_copy(instance1: CurtoisInstance) -> None:
    bigger = replicated(instance1, 3)
    assert bigger.name == "Instance1x3"
    assert len(bigger.staff) == 3 * len(instance1.staff)
    assert len(bigger.on_requests) == 3 * len(instance1.on_requests)
    assert [c.requirement for c in bigger.cover] == [3 * c.requirement for c in instance1.cover]
    assert bigger.days_off["C_3"] == instance1.days_off["C"]
    rows = {f"{e}{tag}": row for tag in ("", "_2", "_3") for e, row in INSTANCE1_HAND_ROSTER.items()}
    result = evaluate(bigger, _roster(bigger, rows))
    assert result.hard_violations == []
    assert result.objective == 3 * 1732
    with pytest.raises(ValueError, match="copies"):
        replicated(instance1, 0)


# --- each hard rule: a roster that breaks it once, a boundary roster that does not ------------------------

LOOSE = CurtoisStaff(
    id="A",
    max_shifts={"E": 14, "L": 14},
    max_total_minutes=14 * 480,
    min_total_minutes=0,
    max_consecutive_shifts=14,
    min_consecutive_shifts=1,
    min_consecutive_days_off=1,
    max_weekends=2,
)


def _rules_instance(days_off: frozenset[int] = frozenset(), **limits: Any) -> CurtoisInstance:
    """14 days; an early E and a late L (an early may not follow a late); A under test, B off throughout."""
    return CurtoisInstance(
        name="rules",
        days=14,
        shifts=(CurtoisShift("E", 480, frozenset()), CurtoisShift("L", 480, frozenset({"E"}))),
        staff=(replace(LOOSE, **limits), replace(LOOSE, id="B")),
        days_off={"A": days_off, "B": frozenset()},
        on_requests=(),
        off_requests=(),
        cover=(),
    )


def _violations(instance: CurtoisInstance, row_a: str) -> list[str]:
    return evaluate(instance, _roster(instance, {"A": row_a, "B": "." * 14})).hard_violations


# rule -> (instance, breaking roster for A, words its violation must contain, boundary roster for A)
RULE_CASES: dict[HardRule, tuple[CurtoisInstance, str, list[str], str]] = {
    HardRule.FORBIDDEN_SUCCESSION: (
        _rules_instance(),
        "...LE.........",
        ["works L on day 3 and E on day 4", "E may not follow L"],
        "E..ELL.L.E...L",  # E after E / L after E / a day off between; no wrap from day 13 to day 0
    ),
    HardRule.MAX_SHIFTS_PER_TYPE: (
        _rules_instance(max_shifts={"E": 2, "L": 14}),
        "EEE...........",
        ["works E 3 times", "days 0, 1, 2", "maximum of 2"],
        "EE.LLLL.......",
    ),
    HardRule.MAX_TOTAL_MINUTES: (
        _rules_instance(max_total_minutes=3 * 480),
        "EE.LL.........",
        ["1920 minutes", "maximum of 1440"],
        "EE.L..........",
    ),
    HardRule.MIN_TOTAL_MINUTES: (
        _rules_instance(min_total_minutes=3 * 480),
        "EE............",
        ["960 minutes", "minimum of 1440"],
        "EE.L..........",
    ),
    HardRule.MAX_CONSECUTIVE_SHIFTS: (
        _rules_instance(max_consecutive_shifts=3),
        "...EEEE.......",
        ["4 days in a row (days 3-6)", "maximum of 3"],
        "EEE.EEE.EEE.EE",
    ),
    HardRule.MIN_CONSECUTIVE_SHIFTS: (
        _rules_instance(min_consecutive_shifts=2),
        "...EE..E......",
        ["run of only 1 day (day 7)", "minimum of 2"],
        "E...EE.......E",  # the single days touch the ends of the horizon, so are exempt
    ),
    HardRule.MIN_CONSECUTIVE_DAYS_OFF: (
        _rules_instance(min_consecutive_days_off=2),
        "EEEE.EEEEEEEEE",
        ["run of only 1 day off (day 4)", "minimum of 2"],
        ".EEE..EEEEEEE.",  # the single days off touch the ends of the horizon, so are exempt
    ),
    HardRule.MAX_WEEKENDS: (
        _rules_instance(max_weekends=1),
        "......E.....E.",  # a Sunday (day 6) and a Saturday (day 12)
        ["works 2 weekends", "day 6", "day 12", "maximum of 1"],
        "....EEEE......",  # Friday to Monday: one weekend
    ),
    HardRule.DAYS_OFF: (
        _rules_instance(days_off=frozenset({3})),
        "...E..........",
        ["works E on day 3"],
        "..E.E.........",
    ),
}


def test_every_hard_rule_has_a_case() -> None:
    assert set(RULE_CASES) == set(HARD_RULES)


@pytest.mark.parametrize("rule", list(RULE_CASES))
def test_hard_rule_broken_once(rule: HardRule) -> None:
    instance, breaking, words, _ = RULE_CASES[rule]
    violations = _violations(instance, breaking)
    assert len(violations) == 1, violations
    assert violations[0].startswith(f"{rule}: employee A ")
    for word in words:
        assert word in violations[0]


@pytest.mark.parametrize("rule", list(RULE_CASES))
def test_hard_rule_boundary_roster_passes(rule: HardRule) -> None:
    instance, _, _, boundary = RULE_CASES[rule]
    assert _violations(instance, boundary) == []


@pytest.mark.parametrize(
    ("row_a", "expected"),
    [
        ("EE....EEE...EE", []),  # short runs touching day 0 and day 13 are exempt
        (".EE...EEE..EE.", ["days 1-2", "days 11-12"]),  # the same runs one day in are not
        ("EEEEEEEEEEEEEE", []),  # one run over the whole horizon
    ],
)
def test_min_consecutive_shifts_exempts_runs_at_the_horizon_edges(row_a: str, expected: list[str]) -> None:
    violations = _violations(_rules_instance(min_consecutive_shifts=3), row_a)
    assert all(_rule_of(violation) == HardRule.MIN_CONSECUTIVE_SHIFTS for violation in violations)
    assert [_days_named(violation) for violation in violations] == expected


@pytest.mark.parametrize(
    ("row_a", "expected"),
    [
        ("..EEEEE...EE..", []),  # short rests touching day 0 and day 13 are exempt
        ("E..EEEE...E..E", ["days 1-2", "days 11-12"]),  # the same rests inside the horizon are not
        ("." * 14, []),  # off throughout
    ],
)
def test_min_consecutive_days_off_exempts_runs_at_the_horizon_edges(row_a: str, expected: list[str]) -> None:
    violations = _violations(_rules_instance(min_consecutive_days_off=3), row_a)
    assert all(_rule_of(violation) == HardRule.MIN_CONSECUTIVE_DAYS_OFF for violation in violations)
    assert [_days_named(violation) for violation in violations] == expected


@pytest.mark.parametrize(
    ("row_a", "days"), [("EEEE..........", "days 0-3"), ("..........EEEE", "days 10-13")]
)
def test_max_consecutive_shifts_counts_runs_at_both_edges(row_a: str, days: str) -> None:
    violations = _violations(_rules_instance(max_consecutive_shifts=3), row_a)
    assert len(violations) == 1
    assert violations[0].startswith(f"{HardRule.MAX_CONSECUTIVE_SHIFTS}:")
    assert f"({days})" in violations[0]


def test_max_shifts_of_zero_means_the_shift_may_not_be_worked() -> None:
    instance = _rules_instance(max_shifts={"E": 14, "L": 0})
    assert _violations(instance, "EEEE..........") == []
    (violation,) = _violations(instance, ".....L........")
    assert violation.startswith(f"{HardRule.MAX_SHIFTS_PER_TYPE}: employee A works L 1 time (day 5)")


@pytest.mark.parametrize("day", range(14))
def test_weekend_days_are_saturday_and_sunday(day: int) -> None:
    row_a = "." * day + "E" + "." * (13 - day)
    violations = _violations(_rules_instance(max_weekends=0), row_a)
    is_weekend = day in (5, 6, 12, 13)
    assert [_rule_of(violation) for violation in violations] == (
        [HardRule.MAX_WEEKENDS] if is_weekend else []
    )


# --- soft terms on the small instance ------------------------------------------------------------------


def test_soft_terms_count_the_requested_shift_only() -> None:
    instance = replace(
        _rules_instance(),
        on_requests=(CurtoisRequest("A", 2, "E", 3),),
        off_requests=(CurtoisRequest("A", 5, "L", 2), CurtoisRequest("A", 6, "L", 50)),
        cover=(CurtoisCover(0, "E", 2, 100, 1), CurtoisCover(0, "L", 0, 100, 7)),
    )
    roster = _roster(instance, {"A": "L.L..LE.......", "B": "L............."})
    result = evaluate(instance, roster)
    # A works L, not the E asked for, on day 2 (3); works the unwanted L on day 5 (2) but E on day 6 (0);
    # day 0: nobody on E (2 short x 100), two on L (2 over x 7)
    assert result.breakdown == {"on_requests": 3, "off_requests": 2, "cover_under": 200, "cover_over": 14}
    assert result.objective == 219


# --- rosters refused -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("roster", "words"),
    [
        ({"A": [None] * 14, "B": [None] * 14, "Z": [None] * 14}, "unknown employee id 'Z'"),
        ({"A": [None] * 14}, "employee 'B' has no row"),
        ({"A": [None] * 13, "B": [None] * 14}, "expected 14 days"),
        ({"A": [None] * 13 + ["N"], "B": [None] * 14}, "roster['A'][13]"),
    ],
    ids=["unknown employee", "missing employee", "wrong length", "unknown shift"],
)
def test_evaluate_refuses_a_malformed_roster(roster: dict[str, list[str | None]], words: str) -> None:
    with pytest.raises(InputError) as refused:
        evaluate(_rules_instance(), roster)
    assert words in str(refused.value)


# --- parsing: a small valid file, malformed variants, line endings ----------------------------------------

SMALL = """\
# A small instance for the parser tests
SECTION_HORIZON
# days
14

SECTION_SHIFTS
E,480,
L,540,E   # an early may not follow a late

SECTION_STAFF
A,E=10|L=5,4800,960,5,2,2,1
B,E=14,6720,0,6,1,1,2

SECTION_DAYS_OFF
A,0,13
B

SECTION_SHIFT_ON_REQUESTS
A,2,E,3

SECTION_SHIFT_OFF_REQUESTS
B,5,E,2

SECTION_COVER
0,E,1,100,1
0,L,1,100,1
"""


def _write(directory: Path, text: str, *, newline: str = "\n", name: str = "small.txt") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


def test_small_file_parses(tmp_path: Path) -> None:
    instance = parse_instance(_write(tmp_path, SMALL))
    assert instance == CurtoisInstance(
        name="small",
        days=14,
        shifts=(CurtoisShift("E", 480, frozenset()), CurtoisShift("L", 540, frozenset({"E"}))),
        staff=(
            CurtoisStaff("A", {"E": 10, "L": 5}, 4800, 960, 5, 2, 2, 1),
            CurtoisStaff("B", {"E": 14, "L": 14}, 6720, 0, 6, 1, 1, 2),  # unlisted L: at most one a day
        ),
        days_off={"A": frozenset({0, 13}), "B": frozenset()},
        on_requests=(CurtoisRequest("A", 2, "E", 3),),
        off_requests=(CurtoisRequest("B", 5, "E", 2),),
        cover=(CurtoisCover(0, "E", 1, 100, 1), CurtoisCover(0, "L", 1, 100, 1)),
    )


def test_crlf_file_parses_the_same_as_lf(tmp_path: Path) -> None:
    lf = parse_instance(_write(tmp_path / "lf", SMALL))
    crlf = parse_instance(_write(tmp_path / "crlf", SMALL, newline="\r\n"))
    assert crlf == lf


@pytest.mark.parametrize("name", list(README_TABLE))
def test_crlf_instance_parses_the_same_as_lf(curtois_dir: Path, tmp_path: Path, name: str) -> None:
    text = (curtois_dir / f"{name}.txt").read_bytes().decode("utf-8").replace("\r\n", "\n")
    lf = parse_instance(_write(tmp_path / "lf", text, name=f"{name}.txt"))
    crlf = parse_instance(_write(tmp_path / "crlf", text, newline="\r\n", name=f"{name}.txt"))
    assert crlf == lf == parse_instance(curtois_dir / f"{name}.txt")


# (line replaced, its new text, section the message names, words it contains)
MALFORMED: dict[str, tuple[int, str, str, str]] = {
    "unknown section": (21, "SECTION_SHIFT_OF_REQUESTS", "SECTION_SHIFT_OF_REQUESTS", "unknown section"),
    "row outside a section": (24, "0,E,1,100,1", "SECTION_ header", "outside any section"),
    "horizon not a number": (4, "fourteen", "SECTION_HORIZON", "expected a whole number, got 'fourteen'"),
    "horizon of zero days": (4, "0", "SECTION_HORIZON", "must be at least 1"),
    "shift with two fields": (7, "E,480", "SECTION_SHIFTS", "expected 3 fields"),
    "shift defined twice": (8, "E,540,E", "SECTION_SHIFTS", "shift id 'E' is defined twice"),
    "unknown successor": (8, "L,540,N", "SECTION_SHIFTS", "unknown shift id 'N'"),
    "shift length not a number": (7, "E,8h,", "SECTION_SHIFTS", "got '8h'"),
    "staff with seven fields": (11, "A,E=10|L=5,4800,960,5,2,2", "SECTION_STAFF", "expected 8 fields"),
    "staff limit not a number": (12, "B,E=14,6720,0,six,1,1,2", "SECTION_STAFF", "got 'six'"),
    "unknown shift in max shifts": (
        11,
        "A,E=10|N=5,4800,960,5,2,2,1",
        "SECTION_STAFF",
        "unknown shift id 'N'",
    ),
    "max shifts without '='": (11, "A,E:10,4800,960,5,2,2,1", "SECTION_STAFF", "expected ShiftID=count"),
    "employee defined twice": (
        12,
        "A,E=14,6720,0,6,1,1,2",
        "SECTION_STAFF",
        "employee id 'A' is defined twice",
    ),
    "days off of an unknown employee": (16, "Z,3", "SECTION_DAYS_OFF", "unknown employee id 'Z'"),
    "day off beyond the horizon": (15, "A,0,14", "SECTION_DAYS_OFF", "day 14 is outside the horizon"),
    "day off not a number": (15, "A,0,x", "SECTION_DAYS_OFF", "got 'x'"),
    "request of an unknown employee": (19, "Z,2,E,3", "SECTION_SHIFT_ON_REQUESTS", "unknown employee id 'Z'"),
    "request for an unknown shift": (22, "B,5,N,2", "SECTION_SHIFT_OFF_REQUESTS", "unknown shift id 'N'"),
    "request beyond the horizon": (22, "B,14,E,2", "SECTION_SHIFT_OFF_REQUESTS", "day 14 is outside"),
    "request with three fields": (19, "A,2,E", "SECTION_SHIFT_ON_REQUESTS", "expected 4 fields"),
    "request weight not a number": (19, "A,2,E,high", "SECTION_SHIFT_ON_REQUESTS", "got 'high'"),
    "cover with four fields": (25, "0,E,1,100", "SECTION_COVER", "expected 5 fields"),
    "cover for an unknown shift": (26, "0,N,1,100,1", "SECTION_COVER", "unknown shift id 'N'"),
    "cover beyond the horizon": (26, "14,L,1,100,1", "SECTION_COVER", "day 14 is outside"),
    "negative requirement": (25, "0,E,-1,100,1", "SECTION_COVER", "must be at least 0, got -1"),
    "cover given twice": (26, "0,E,2,100,1", "SECTION_COVER", "cover for day 0, shift 'E' is given twice"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_file_refused_naming_line_and_section(tmp_path: Path, case: str) -> None:
    line, text, section, words = MALFORMED[case]
    lines = SMALL.splitlines()
    lines[line - 1] = text
    with pytest.raises(InputError) as refused:
        parse_instance(_write(tmp_path, "\n".join(lines) + "\n"))
    matching = [
        problem for problem in refused.value.problems if problem.row == line and section in problem.message
    ]
    assert matching, refused.value.render()
    assert any(words in problem.message for problem in matching), refused.value.render()
    assert f"line {line}" in str(refused.value)


def test_every_problem_is_listed_not_only_the_first(tmp_path: Path) -> None:
    lines = SMALL.splitlines()
    lines[3] = "x"  # horizon
    lines[18] = "Z,2,E,3"  # on-request of an unknown employee
    lines[25] = "0,N,1,100,1"  # cover for an unknown shift
    with pytest.raises(InputError) as refused:
        parse_instance(_write(tmp_path, "\n".join(lines)))
    assert [problem.row for problem in refused.value.problems] == [4, 19, 26]


def test_missing_section_refused(tmp_path: Path) -> None:
    text = SMALL.replace("SECTION_STAFF\nA,E=10|L=5,4800,960,5,2,2,1\nB,E=14,6720,0,6,1,1,2\n\n", "")
    with pytest.raises(InputError, match="section SECTION_STAFF is missing"):
        parse_instance(_write(tmp_path, text))


def test_missing_file_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        parse_instance(tmp_path / "Instance99.txt")
