from decimal import Decimal

import pytest

from xinju.areas.models import Dwelling
from xinju.core.db import exact_sum, from_units, parse_id

pytestmark = pytest.mark.django_db


def test_exact_sum_adds_decimals_without_float_drift(world):
    # 0.1 + 0.2 is the classic float error; twenty such areas must still add up exactly.
    Dwelling.objects.filter(estate=world.e1).update(exclusive_area=Decimal("0.10"))
    Dwelling.objects.filter(estate=world.e2).update(exclusive_area=Decimal("0.20"))
    units = Dwelling.objects.filter(estate__in=[world.e1, world.e2]).aggregate(
        a=exact_sum("exclusive_area")
    )["a"]
    assert from_units(units) == Decimal("1.60")  # 8 × 0.10 + 4 × 0.20


def test_an_empty_sum_is_zero(world):
    units = Dwelling.objects.none().aggregate(a=exact_sum("exclusive_area"))["a"]
    assert from_units(units) == Decimal("0.00")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("17", 17),
        (" 17 ", 17),
        (17, 17),
        ("0", None),
        ("-3", None),
        ("²", None),  # isdigit() but not int()
        ("１７", None),  # full-width digits
        ("abc", None),
        ("", None),
        (None, None),
        (str(2**63), None),  # beyond any row id
        (str(2**63 - 1), 2**63 - 1),
    ],
)
def test_a_row_id_from_user_input_is_a_positive_bounded_integer(value, expected):
    assert parse_id(value) == expected
