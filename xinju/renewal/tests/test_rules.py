"""The renewal rules of renewal.md as pure functions: which compounds qualify, the 15% cap on
compounds built 2001–2005, and construction progress rolled up by budget."""

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinju.renewal import rules
from xinju.renewal.rules import Eligibility


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (1958, Eligibility.QUALIFIES),
        (2000, Eligibility.QUALIFIES),
        (2001, Eligibility.LATE_BUILT),
        (2003, Eligibility.LATE_BUILT),
        (2005, Eligibility.LATE_BUILT),
        (2006, Eligibility.TOO_NEW),
        (2020, Eligibility.TOO_NEW),
    ],
)
def test_eligibility_by_the_year_the_compound_was_built(year, expected):
    assert rules.eligibility_by_year(year) == expected


def test_the_late_built_cap_is_exactly_15_percent_of_the_target():
    assert rules.late_built_cap(1000) == 150
    assert rules.late_built_cap(1001) == Fraction(15015, 100)  # 150.15, not rounded
    assert rules.late_built_cap(7) == Fraction(105, 100)


@pytest.mark.parametrize(
    ("already", "adding", "target", "fits"),
    [
        (0, 150, 1000, True),  # exactly 15% is within the cap
        (0, 151, 1000, False),  # one household more is not
        (100, 50, 1000, True),
        (100, 51, 1000, False),
        (0, 150, 1001, True),  # cap 150.15
        (0, 151, 1001, False),
        (150, 0, 1001, True),
        (15, 0, 100, True),
        (15, 1, 100, False),
        (0, 15, 101, True),  # cap 15.15
        (0, 16, 101, False),
        (0, 1, 6, False),  # cap 0.9: not even one household
        (0, 1, 7, True),  # cap 1.05
        (0, 0, 1, True),
    ],
)
def test_late_built_households_fit_within_15_percent(already, adding, target, fits):
    assert rules.late_built_fits(already=already, adding=adding, target_households=target) is fits


D = Decimal


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([], D("0.00")),
        ([(D("100"), D("40"))], D("40.00")),
        # weighted by budget: (300,000 × 50 + 100,000 × 20) / 400,000 = 42.5
        ([(D("300000.00"), D("50")), (D("100000.00"), D("20"))], D("42.50")),
        # not the plain mean (35)
        ([(D("900"), D("60")), (D("100"), D("10"))], D("55.00")),
        # 200 / 3 = 66.666… → 66.67
        ([(D("1"), D("0")), (D("2"), D("100"))], D("66.67")),
        # 100 / 3 = 33.333… → 33.33
        ([(D("2"), D("0")), (D("1"), D("100"))], D("33.33")),
        # exactly 10.005 rounds half up to 10.01 (banker's rounding would give 10.00)
        ([(D("100.00"), D("10.01")), (D("100.00"), D("10.00"))], D("10.01")),
        # exactly 0.005 → 0.01; exactly 12.345 → 12.35
        ([(D("1"), D("0.01")), (D("1"), D("0"))], D("0.01")),
        ([(D("1"), D("12.34")), (D("1"), D("12.35"))], D("12.35")),
        # just below the boundary: 10.00499… → 10.00
        ([(D("100000.00"), D("10.01")), (D("100000.01"), D("10.00"))], D("10.00")),
        # an item without budget weighs nothing while another has one
        ([(D("0"), D("100")), (D("50"), D("20"))], D("20.00")),
        # no item has a budget: each weighs the same (plain mean)
        ([(D("0"), D("100")), (D("0"), D("20")), (D("0"), D("0"))], D("40.00")),
        ([(D("0.00"), D("0.01")), (D("0.00"), D("0"))], D("0.01")),
        ([(D("10"), D("100")), (D("20"), D("100"))], D("100.00")),
    ],
)
def test_progress_is_rolled_up_by_budget_and_rounded_half_up(items, expected):
    result = rules.rolled_up_progress(items)
    assert result == expected
    assert result.as_tuple().exponent == -2  # always two places


def test_progress_accepts_any_iterable_once():
    pairs = iter([(D("1"), D("10")), (D("3"), D("50"))])
    assert rules.rolled_up_progress(pairs) == D("40.00")


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (1, 3, D("33.33")),
        (2, 3, D("66.67")),
        (1, 200, D("0.50")),
        (1, 8, D("12.50")),
        (1, 16, D("6.25")),
        (1, 1600, D("0.06")),  # 0.0625 → 0.06
        (1, 2000, D("0.05")),  # exactly 0.05
        (1, 40000, D("0.00")),  # 0.0025 → 0.00
        (1, 20000, D("0.01")),  # exactly 0.005 → 0.01
        (5, 5, D("100.00")),
        (0, 5, D("0.00")),
        (D("1.5"), D("4.5"), D("33.33")),
    ],
)
def test_rate_is_a_percentage_with_two_places(part, whole, expected):
    assert rules.rate(part, whole) == expected


@pytest.mark.parametrize("whole", [0, D("0"), D("0.00")])
def test_rate_without_a_whole_is_none(whole):
    assert rules.rate(1, whole) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(1, 200), D("0.01")),
        (Fraction(1, 201), D("0.00")),
        (Fraction(2469, 200), D("12.35")),  # 12.345
        (Fraction(2, 3), D("0.67")),
        (Fraction(100), D("100.00")),
    ],
)
def test_to_percent_rounds_the_exact_value_half_up(value, expected):
    assert rules.to_percent(value) == expected


def _exact(items):
    """The reference: the exact weighted mean, rounded once, half up, to a cent."""
    pairs = [(Fraction(b), Fraction(p)) for b, p in items]
    if not pairs:
        return D("0.00")
    total = sum(b for b, _ in pairs)
    weighted = sum(b * p for b, p in pairs) / total if total else None
    value = weighted if weighted is not None else sum(p for _, p in pairs) / len(pairs)
    # floor(value × 100 + ½) is half-up for values ≥ 0, done in integers.
    cents = (value * 100 + Fraction(1, 2)).__floor__()
    return (D(cents) / 100).quantize(D("0.01"), rounding=ROUND_HALF_UP)


# Budgets as the model stores them (14 digits, 2 places), percents 0–100 with 2 places.
budgets = st.integers(min_value=0, max_value=10**14 - 1).map(lambda n: D(n).scaleb(-2))
percents = st.integers(min_value=0, max_value=10_000).map(lambda n: D(n).scaleb(-2))
item_lists = st.lists(st.tuples(budgets, percents), max_size=12)


@given(item_lists)
def test_rolled_up_progress_is_the_exact_weighted_mean_rounded(items):
    result = rules.rolled_up_progress(items)
    assert result == _exact(items)
    assert result.as_tuple().exponent == -2
    if items:
        low = min(p for _, p in items)
        high = max(p for _, p in items)
        assert low <= result <= high
    else:
        assert result == 0


@given(st.lists(st.tuples(budgets, percents), min_size=1, max_size=12), percents)
def test_items_all_at_one_percentage_roll_up_to_it(items, percent):
    same = [(b, percent) for b, _ in items]
    assert rules.rolled_up_progress(same) == percent.quantize(D("0.01"))


# Small budgets make ties on .xx5 frequent; the rounding must still be half up.
small_budgets = st.integers(min_value=0, max_value=4).map(D)


@given(st.lists(st.tuples(small_budgets, percents), min_size=1, max_size=6))
def test_rounding_half_up_where_ties_are_common(items):
    assert rules.rolled_up_progress(items) == _exact(items)


@given(
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=1, max_value=10**9),
)
def test_rate_is_the_exact_share_rounded_half_up(part, whole):
    exact = Fraction(part * 100, whole)
    cents = (exact * 100 + Fraction(1, 2)).__floor__()
    expected = D(cents).scaleb(-2)
    assert rules.rate(part, whole) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # a hair below a half cent stays below, however long the denominator
        (Fraction(2469, 200) - Fraction(1, 10**30), D("12.34")),
        (Fraction(2469, 200) + Fraction(1, 10**30), D("12.35")),
        (Fraction(1, 200) - Fraction(1, 10**40), D("0.00")),
        # half up is away from zero, as Decimal's ROUND_HALF_UP
        (Fraction(-1, 200), D("-0.01")),
        (Fraction(-1, 201), D("0.00")),
    ],
)
def test_to_percent_is_exact_even_for_long_denominators(value, expected):
    assert rules.to_percent(value) == expected


@given(
    st.integers(min_value=-(10**40), max_value=10**40),
    st.integers(min_value=1, max_value=10**40),
)
def test_to_percent_matches_decimal_half_up_on_the_exact_value(numerator, denominator):
    value = Fraction(numerator, denominator)
    # With enough precision the Decimal quotient is exact to far below a cent.
    with localcontext() as ctx:
        ctx.prec = 200
        reference = (D(numerator) / D(denominator)).quantize(D("0.01"), rounding=ROUND_HALF_UP)
    assert rules.to_percent(value) == reference
    assert rules.to_percent(value).as_tuple().exponent == -2
