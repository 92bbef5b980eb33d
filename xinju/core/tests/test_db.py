from decimal import Decimal

import pytest

from xinju.areas.models import Dwelling
from xinju.core.db import exact_sum, from_units

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
