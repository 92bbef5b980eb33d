from decimal import Decimal

import pytest

from xinju.core.templatetags.xinju import num


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (58288, "58,288"),
        (Decimal("123456.70"), "123,456.70"),
        (Decimal("75"), "75"),  # a count kept as a Decimal reads as a count
        (Decimal("29.79"), "29.79"),
        (Decimal("1E+1"), "10"),
        (None, "0"),
        ("—", "—"),
    ],
)
def test_numbers_keep_their_own_places_with_groups_of_three(value, shown):
    assert num(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [(Decimal("62.00"), "62"), (Decimal("26583.31"), "26,583.31"), (Decimal("2.60"), "2.60")],
)
def test_trim_drops_the_places_of_whole_quantities_only(value, shown):
    assert num(value, "trim") == shown
