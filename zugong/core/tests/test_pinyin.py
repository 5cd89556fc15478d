import pytest

from zugong.core.pinyin import SURNAME_PINYIN, classify_query, name_initials, name_pinyin


def test_basic_name() -> None:
    assert name_pinyin("张三") == "zhangsan"
    assert name_initials("张三") == "zs"


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("单田芳", "shantianfang", "stf"),
        ("曾国藩", "zengguofan", "zgf"),
        ("区志强", "ouzhiqiang", "ozq"),
        ("仇英", "qiuying", "qy"),
        ("解缙", "xiejin", "xj"),
        ("查良镛", "zhaliangyong", "zly"),
        ("朴槿惠", "piaojinhui", "pjh"),
        ("尉迟恭", "yuchigong", "ycg"),
        ("万俟卨", "moqixie", "mqx"),
        ("长孙无忌", "zhangsunwuji", "zswj"),
        ("欧阳修", "ouyangxiu", "oyx"),
    ],
)
def test_polyphonic_and_compound_surnames(name: str, full: str, initials: str) -> None:
    assert name_pinyin(name) == full
    assert name_initials(name) == initials


def test_surname_only_read_from_table_in_first_position() -> None:
    # 单 in the given name keeps pypinyin's reading.
    assert name_pinyin("王单") == "wangdan"


def test_separators_dropped_and_non_chinese_kept_lowercase() -> None:
    assert name_pinyin("阿依古丽·买买提") == "ayigulimaimaiti"
    assert name_pinyin(" 李 Ming2 ") == "liming2"
    assert name_initials("李 Ming2") == "lming2"
    assert name_pinyin("Ｌｉ") == "li"
    assert name_pinyin("") == ""


def test_overrides_merge_over_builtin_table() -> None:
    assert name_pinyin("尉迟恭", {"尉迟": "wei chi"}) == "weichigong"
    # A two-character override key makes a compound surname.
    assert name_initials("单于飞", {"单于": "chan yu"}) == "cyf"
    assert name_initials("单于飞") == "syf"
    # Unrelated built-in entries still apply.
    assert name_pinyin("曾敏", {"尉迟": "wei chi"}) == "zengmin"
    assert SURNAME_PINYIN["尉迟"] == "yu chi"


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("zs", "pinyin"),
        ("ZhangSan", "pinyin"),
        ("zhang san", "pinyin"),
        ("x", "pinyin"),
        ("13812345678", "digits"),
        ("11010519491231002x", "digits"),
        ("11010519491231002X", "digits"),
        ("１３８", "digits"),
        ("1x2", "text"),
        ("张三", "text"),
        ("zs张", "text"),
        ("", "text"),
        ("   ", "text"),
    ],
)
def test_classify_query(query: str, kind: str) -> None:
    assert classify_query(query) == kind
