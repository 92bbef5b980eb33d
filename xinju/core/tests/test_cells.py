import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinju.core import cells


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (75.3, "75.30"),
        ("75.3", "75.30"),
        ("75.3㎡", "75.30"),
        ("75.3 m²", "75.30"),
        ("75.30平方米", "75.30"),
        ("７５.３", "75.30"),
        (" 75.3 ", "75.30"),
        (64.35000000000001, "64.35"),
        (80, "80.00"),
        ("1,234.5", "1234.50"),
    ],
)
def test_areas_as_people_write_them(raw, expected):
    assert cells.area(raw) == Decimal(expected)


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (0, "greater than 0"),
        ("0", "greater than 0"),
        (-12.5, "greater than 0"),
        ("-3㎡", "greater than 0"),
        ("约75", "an area in m²"),
        ("75.333", "two decimal places"),
        (True, "an area in m²"),
        ("NaN", "an area in m²"),
    ],
)
def test_bad_areas(raw, words):
    with pytest.raises(cells.CellError, match=words):
        cells.area(raw)


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999.99"), places=2))
def test_an_area_written_as_a_float_reads_back_exactly(value):
    assert cells.area(float(value)) == value


@pytest.mark.parametrize("raw", [1985, 1985.0, "1985", "1985年", "１９８５", dt.date(1985, 6, 1)])
def test_years(raw):
    assert cells.year(raw) == 1985


@pytest.mark.parametrize("raw", [1850, "85", "一九八五", dt.date.today().year + 1])
def test_bad_years(raw):
    with pytest.raises(cells.CellError):
        cells.year(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "2003-05-01",
        "2003/5/1",
        "2003.5.1",
        "2003年5月1日",
        "20030501",
        dt.datetime(2003, 5, 1, 0, 0),
    ],
)
def test_dates(raw):
    assert cells.date(raw) == dt.date(2003, 5, 1)


def test_impossible_dates_are_named():
    with pytest.raises(cells.CellError, match="not a real date"):
        cells.date("2003-02-30")
    with pytest.raises(cells.CellError, match="2003-05-01"):
        cells.date("May 2003")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("是", True), ("否", False), ("Y", True), ("no", False), (1.0, True), (True, True)],
)
def test_booleans(raw, expected):
    assert cells.boolean(raw) is expected


def test_labels_drop_their_unit_words():
    assert cells.label("10栋", suffixes=("栋",)) == "10"
    assert cells.label(301.0) == "301"
    assert cells.label(" ２单元 ", suffixes=("单元",)) == "2"
    assert cells.label("栋", suffixes=("栋",)) == "栋"  # nothing left to strip: kept as written
    with pytest.raises(cells.CellError):
        cells.label("  ")


def test_choices_accept_chinese_english_and_stored_values():
    options = {
        "registered": ("不动产登记", "real-estate register"),
        "surveyed": ("测绘", "surveyed"),
    }
    choice = cells.chooser(options)
    assert choice("测绘") == "surveyed"
    assert choice("Real-Estate Register") == "registered"
    assert choice("registered") == "registered"
    with pytest.raises(cells.CellError, match="不动产登记 / 测绘"):
        choice("估算")


def test_integers():
    assert cells.integer("6层", suffixes=("层",)) == 6
    assert cells.integer(6.0) == 6
    with pytest.raises(cells.CellError):
        cells.integer(6.5)
    with pytest.raises(cells.CellError):
        cells.integer("six")


def test_blank_cells():
    assert cells.is_blank(None)
    assert cells.is_blank(" \u3000 ")
    assert not cells.is_blank(0)


def test_remembered_answers_keep_types_apart():
    # 1 and True are equal in Python; a cached area of 1 must not answer for a TRUE cell.
    assert cells.area(1) == Decimal("1.00")
    with pytest.raises(cells.CellError):
        cells.area(True)
