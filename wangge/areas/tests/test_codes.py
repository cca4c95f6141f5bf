"""Area codes encode their level by length and contain their ancestors as prefixes."""
import pytest

from wangge.areas import codes


@pytest.mark.parametrize("code,level", [
    ("220184", "city"), ("220184001", "street"), ("220184001001", "community"), ("220184001001001", "grid"),
])
def test_the_level_follows_from_the_length(code, level):
    assert codes.level_of(code) == level


@pytest.mark.parametrize("code", ["22018", "2201840011", "22018400100100100", "22018a001", ""])
def test_malformed_codes_are_refused(code):
    with pytest.raises(ValueError):
        codes.level_of(code)


def test_parents_are_prefixes():
    assert codes.parent_code("220184001001001") == "220184001001"
    assert codes.parent_code("220184") is None
    assert codes.is_within("220184001001001", "220184001")
    assert codes.county_code("220184001001001") == "220184"
