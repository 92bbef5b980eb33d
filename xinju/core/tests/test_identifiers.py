import datetime as dt
import string

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from xinju.core.identifiers import (
    clean_text,
    credit_check_char,
    id_check_char,
    id_number_birth_date,
    id_number_gender,
    mask_id_number,
    mask_mobile,
    mask_name,
    normalize_credit_code,
    normalize_id_number,
    normalize_mobile,
    validate_credit_code,
    validate_id_number,
)

# The example of GB 11643 itself and the example of GB 32100.
STANDARD_ID = "11010519491231002X"
STANDARD_CREDIT = "91350100M000100Y43"


def test_standard_examples_are_valid():
    assert normalize_id_number(STANDARD_ID) == STANDARD_ID
    assert normalize_credit_code(STANDARD_CREDIT) == STANDARD_CREDIT


@pytest.mark.parametrize(
    "typed",
    [
        "11010519491231002x",
        " 110105 19491231 002X ",
        "１１０１０５１９４９１２３１００２Ｘ",
        "\u3000" + STANDARD_ID,
    ],
)
def test_id_numbers_as_typed_are_normalised(typed):
    assert normalize_id_number(typed) == STANDARD_ID


def test_a_fifteen_digit_id_is_upgraded_to_eighteen():
    # 110105491231002 is the 15-digit form of the standard example.
    assert normalize_id_number("110105491231002") == STANDARD_ID


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("110105194912310021", "check character"),
        ("11010519491331002X", "not a real date"),
        ("11010519490230002X", "not a real date"),
        ("1101051949123100", "18 characters"),
        ("01010519491231002X", "18 characters"),
        ("", "empty"),
    ],
)
def test_bad_id_numbers_say_what_is_wrong(value, words):
    with pytest.raises(ValueError, match=words):
        normalize_id_number(value)


def test_a_birth_date_in_the_future_is_refused():
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    first17 = f"360104{tomorrow:%Y%m%d}001"
    with pytest.raises(ValueError, match="not a real date"):
        normalize_id_number(first17 + id_check_char(first17))


def test_birth_date_and_gender_come_from_the_number():
    assert id_number_birth_date(STANDARD_ID) == dt.date(1949, 12, 31)
    assert id_number_gender(STANDARD_ID) == "F"  # 17th digit 2 is even


ids = st.builds(
    lambda region, born, seq: region + born.strftime("%Y%m%d") + f"{seq:03d}",
    st.sampled_from(["110105", "360104", "440305"]),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
    st.integers(0, 999),
)


@given(ids)
def test_every_number_with_its_check_character_is_valid(first17):
    number = first17 + id_check_char(first17)
    assert normalize_id_number(number) == number


@given(ids, st.integers(0, 16), st.integers(1, 9))
def test_changing_one_digit_breaks_the_checksum(first17, position, delta):
    number = first17 + id_check_char(first17)
    digit = (int(number[position]) + delta) % 10
    changed = number[:position] + str(digit) + number[position + 1 :]
    with pytest.raises(ValueError):
        normalize_id_number(changed)


def test_the_model_validator_wants_the_stored_form():
    validate_id_number(STANDARD_ID)
    with pytest.raises(ValidationError):
        validate_id_number(STANDARD_ID.lower())


@pytest.mark.parametrize(
    "typed",
    ["13812345678", "138 1234 5678", "138-1234-5678", "+8613812345678", "１３８１２３４５６７８"],
)
def test_mobile_numbers_as_typed(typed):
    assert normalize_mobile(typed) == "13812345678"


@pytest.mark.parametrize("bad", ["12812345678", "1381234567", "0791-8888888", "abc"])
def test_bad_mobile_numbers(bad):
    with pytest.raises(ValueError, match="11 digits"):
        normalize_mobile(bad)


credit_bodies = st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8)


def _credit(org8: str) -> str:
    from xinju.core.identifiers import org_code_check_char

    body = "91360104" + org8 + org_code_check_char(org8)
    return body + credit_check_char(body)


@given(credit_bodies.filter(lambda s: all(c in string.digits + string.ascii_uppercase for c in s)))
def test_generated_credit_codes_are_valid(org8):
    code = _credit(org8)
    if code[16] in "0123456789X" and all(c in "0123456789ABCDEFGHJKLMNPQRTUWXY" for c in code):
        assert normalize_credit_code(code) == code


@given(credit_bodies, st.integers(0, 17))
def test_changing_one_character_of_a_credit_code_is_caught(org8, position):
    code = _credit(org8)
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    replacement = (
        alphabet[(alphabet.index(code[position]) + 1) % len(alphabet)]
        if code[position] in alphabet
        else "0"
    )
    changed = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(ValueError):
        normalize_credit_code(changed)


def test_credit_code_messages_name_the_standard():
    with pytest.raises(ValueError, match="GB 32100"):
        normalize_credit_code(STANDARD_CREDIT[:-1] + "4")
    with pytest.raises(ValueError, match="18 characters"):
        normalize_credit_code("91350100M000100Y4")
    # Lower case and spaces are fine; the validator wants the stored form.
    assert normalize_credit_code(" 91350100m000100y43 ") == STANDARD_CREDIT
    with pytest.raises(ValidationError):
        validate_credit_code(STANDARD_CREDIT.lower())


def test_masks_keep_just_enough():
    assert mask_id_number(STANDARD_ID) == "1101************2X"
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳修文") == "欧**文"
    assert mask_id_number("") == mask_mobile(None) == ""


def test_clean_text_folds_full_width_and_spaces():
    assert clean_text("  洪科\u3000小区  ") == "洪科 小区"
    assert clean_text("ＡＢＣ１２３") == "ABC123"
    assert clean_text(None) == ""
