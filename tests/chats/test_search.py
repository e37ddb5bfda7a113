from chats.search import cjk_bigrams, highlight, snippet


def test_chinese_runs_become_ordered_bigrams():
    assert cjk_bigrams("儿童纯棉卫衣 XL，很好") == "儿童 童纯 纯棉 棉卫 卫衣 很好"
    assert cjk_bigrams("Здравствуйте") == ""


def test_highlight_escapes_html_and_marks_word_forms():
    html = highlight("<b>Ваш заказа</b> готов", "заказ")
    assert "&lt;b&gt;" in html
    assert "<mark>заказ</mark>а" in html


def test_snippet_centres_on_the_hit():
    text = "начало " * 40 + "кофемолка сломалась" + " конец" * 40
    result = snippet(text, "кофемолка")
    assert result.startswith("…") and "<mark>кофемолка</mark>" in result
