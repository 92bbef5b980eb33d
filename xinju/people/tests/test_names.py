import pytest

from xinju.people.names import pinyin_key


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("张三", "zhang1 san1"),
        ("单雄信", "shan4 xiong2 xin4"),
        ("曾国藩", "zeng1 guo2 fan1"),
        ("Li Lei", "li lei"),
    ],
)
def test_names_sort_by_pinyin_with_surname_readings(name, key):
    assert pinyin_key(name) == key


def test_pinyin_order_is_the_order_people_expect():
    names = ["赵六", "安娜", "陈七", "白居易"]
    assert sorted(names, key=pinyin_key) == ["安娜", "白居易", "陈七", "赵六"]
