from zugong.core.templatetags.zugong import options


def test_options_mark_the_current_value_and_escape_labels() -> None:
    html = options([(1, "城关镇"), (2, "<b>河西</b>")], 2)
    assert html == (
        '<option value="1">城关镇</option>'
        '<option value="2" selected>&lt;b&gt;河西&lt;/b&gt;</option>'
    )


def test_options_without_a_current_value_select_only_an_empty_choice() -> None:
    assert options([("", "全部"), ("a", "甲")], None) == (
        '<option value="" selected>全部</option><option value="a">甲</option>'
    )
    assert "selected" not in options([("a", "甲")], "")
