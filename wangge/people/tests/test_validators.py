"""Identity data is checked the way offices check it: GB 11643 check digits, real phone shapes."""
import datetime

import pytest
from django.core.exceptions import ValidationError

from wangge.people import validators
from wangge.people.names import pinyin_keys
from wangge.people.privacy import mask_id_number, mask_phone


def test_a_published_sample_id_number_passes_its_check_digit():
    # The worked example from GB 11643-1999's appendix.
    assert validators.validate_id_number("11010519491231002x") == "11010519491231002X"


def test_a_wrong_check_digit_is_refused_with_the_expected_digit():
    with pytest.raises(ValidationError) as exc:
        validators.validate_id_number("110105194912310021")
    assert exc.value.code == "id_check_digit"
    assert "校验位" in exc.value.messages[0] and "X" in exc.value.messages[0]


@pytest.mark.parametrize("value", ["11010519491231002", "1101051949123100212", "2.20184E+17", "ABCDEFGHIJKLMNOPQR"])
def test_malformed_id_numbers_are_refused_for_their_format(value):
    with pytest.raises(ValidationError) as exc:
        validators.validate_id_number(value)
    assert exc.value.code == "id_format"


def test_an_impossible_birth_date_is_refused():
    first17 = "22018419990230123"  # 30 February
    with pytest.raises(ValidationError) as exc:
        validators.validate_id_number(first17 + validators.id_check_char(first17))
    assert exc.value.code == "id_birth_date"


def test_birth_date_and_gender_come_from_the_id_number():
    assert validators.birth_date_from_id("11010519491231002X") == datetime.date(1949, 12, 31)
    assert validators.gender_from_id("11010519491231002X") == "F"
    assert validators.gender_from_id("110105194912310018")[0] == "M"


@pytest.mark.parametrize("value,expected", [
    ("13812345678", "13812345678"),
    ("+86 138 1234 5678", "13812345678"),
    ("0434-6212345", "0434-6212345"),
    ("139-0434-5678", "13904345678"),
    ("139－0434－5678", "13904345678"),
])
def test_valid_phones_are_normalised(value, expected):
    assert validators.validate_phone(value) == expected


@pytest.mark.parametrize("value", ["12812345678", "1381234567", "138123456789", "6212345", "abc", "138-1234-567"])
def test_invalid_phones_are_refused(value):
    with pytest.raises(ValidationError) as exc:
        validators.validate_phone(value)
    assert exc.value.code == "phone_format"


def test_masks_keep_first_six_and_last_four_of_an_id_and_three_and_four_of_a_phone():
    assert mask_id_number("22018419800517102X") == "220184********102X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("") == "" and mask_phone("") == ""


def test_pinyin_keys_give_full_pinyin_and_initials():
    assert pinyin_keys("刘伊蕊") == ("liuyirui", "lyr")
    assert pinyin_keys("张云帆") == ("zhangyunfan", "zyf")
