"""The rendering engine: variables, errors with positions, variations, hostile bodies."""

from __future__ import annotations

import itertools

import pytest

from templates_lib import rendering
from templates_lib.rendering import RenderError, TemplateBodyError, body_problems, render

VARIABLES = rendering.STANDARD_VARIABLES


def test_variables_are_filled():
    text = render(
        "Здравствуйте, {{ buyer_name }}! Артикул {{ sku }}.", {"buyer_name": "Анна", "sku": "WB-1"}
    )
    assert text == "Здравствуйте, Анна! Артикул WB-1."


def test_an_undefined_variable_is_an_error_in_strict_mode():
    with pytest.raises(RenderError) as caught:
        render("Заказ {{ order_number }}", {"buyer_name": "Анна"})
    assert caught.value.missing == "order_number"


def test_a_blank_value_counts_as_missing():
    with pytest.raises(RenderError):
        render("Здравствуйте, {{ buyer_name }}!", {"buyer_name": ""})


def test_placeholder_mode_writes_missing_values_back_visibly():
    body = "Здравствуйте{% if buyer_name %}, {{ buyer_name|title }}{% endif %}! Заказ {{ order_number|upper }} в пути."
    text = render(body, {}, mode="placeholder")
    assert text == "Здравствуйте! Заказ {{ order_number }} в пути."
    assert rendering.unresolved_placeholders(text) == ["order_number"]


def test_unknown_variable_names_are_reported_with_their_line():
    [problem] = body_problems("Здравствуйте!\nВаш {{ ordr_number }}", variables=VARIABLES)
    assert (problem.message, problem.line) == ("unknown variable 'ordr_number'", 2)
    assert problem.text(
        lambda message: message.replace("unknown variable", "неизвестная переменная")
    ) == ("неизвестная переменная 'ordr_number'")


@pytest.mark.parametrize(
    ("body", "line", "column"),
    [
        ("Здравствуйте, {{ buyer_name }!", 1, 29),
        ("Спасибо!\n  {% if buyer_name = 1 %}", 2, 20),
        ("Спасибо!\n{% if sku %}артикул {{ sku }}", 2, 30),  # end of text: endif missing
        ("Первая строка\n{~ Привет | Здравствуйте", 2, 1),
        ("Первая строка\nвторая ~} и всё", 2, 8),
    ],
)
def test_syntax_errors_have_line_and_column(body, line, column):
    problems = body_problems(body, variables=VARIABLES)
    assert len(problems) == 1
    assert (problems[0].line, problems[0].column) == (line, column)
    assert problems[0].message


def test_error_position_inside_a_variation_points_into_the_authors_text():
    body = "Здравствуйте!\n{~ Спасибо | Благодарим {{ buyer_name }! ~}"
    [problem] = body_problems(body, variables=VARIABLES)
    assert problem.line == 2
    assert body.split("\n")[1][problem.column - 1] == "}"


def test_variation_rotates_so_consecutive_inserts_differ():
    body = "{~ Спасибо за вопрос | Благодарим за интерес | Хороший вопрос ~}, {{ buyer_name }}!"
    texts = [render(body, {"buyer_name": "Анна"}, rotation=n, salt="7") for n in range(6)]
    assert all(a != b for a, b in itertools.pairwise(texts))
    assert set(texts) == {
        "Спасибо за вопрос, Анна!",
        "Благодарим за интерес, Анна!",
        "Хороший вопрос, Анна!",
    }
    # deterministic: the same template and usage count give the same wording
    assert render(body, {"buyer_name": "Анна"}, rotation=4, salt="7") == texts[4]


def test_variation_separators_inside_jinja_are_filters_not_alternatives():
    body = "{~ Привет, {{ buyer_name|upper }} | Добрый день ~}"
    assert rendering.variation_count(body) == 2
    assert render(body, {"buyer_name": "анна"}, rotation=0, salt="") in {
        "Привет, АННА",
        "Добрый день",
    }


def test_an_empty_alternative_leaves_no_double_space():
    body = "Спасибо! {~ Хорошего дня! | ~} До встречи."
    texts = {render(body, {}, rotation=n) for n in range(2)}
    assert texts == {"Спасибо! Хорошего дня! До встречи.", "Спасибо! До встречи."}


# --- Hostile bodies ------------------------------------------------------------------------------

HOSTILE = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ buyer_name.__class__ }}",
    "{{ buyer_name['__class__'] }}",
    "{{ cycler.__init__.__globals__.os }}",
    "{{ lipsum.__globals__ }}",
    "{% set x = 'a' %}{{ x }}",
    "{% macro loop() %}{{ loop() }}{% endmacro %}{{ loop() }}",
    "{% include 'base.html' %}",
    "{% extends 'base.html' %}",
    "{% import 'x' as y %}",
    "{{ 'a' * 100000000 }}",
    "{{ 9 ** 9 ** 9 }}",
    "{% for i in range(10) recursive %}{{ loop(range(10)) }}{% endfor %}",
    "{{ buyer_name|attr('__class__') }}",
    "{{ buyer_name|format('%s') }}",
    # deep nesting would overflow the parser's or the compiler's recursion
    "{{ " + "(" * 1500 + "1" + ")" * 1500 + " }}",
    "{{ " + "not " * 900 + "1 }}",
    "{% if buyer_name %}" * 150 + "x" + "{% endif %}" * 150,
]


@pytest.mark.parametrize("body", HOSTILE)
def test_hostile_bodies_are_refused_before_running(body):
    assert body_problems(body, variables=VARIABLES)
    with pytest.raises((TemplateBodyError, RenderError)):
        render(body, {"buyer_name": "Анна"})


@pytest.mark.parametrize(
    "body",
    [
        "{% for i in range(1000000000) %}x{% endfor %}",
        "{% for a in range(50) %}{% for b in range(50) %}{% for c in range(50) %}x{% endfor %}{% endfor %}{% endfor %}",
        "{% for a in 'abcdefghijklmnopqrstuvwxyz' %}{% for b in 'abcdefghijklmnopqrstuvwxyz' %}"
        "{% for c in 'abcdefghijklmnopqrstuvwxyz' %}{% for d in 'abcdefghijklmnopqrstuvwxyz' %}x"
        "{% endfor %}{% endfor %}{% endfor %}{% endfor %}",
    ],
)
def test_huge_loops_stop_at_the_iteration_budget(body):
    assert body_problems(body, variables=VARIABLES) == []  # valid syntax, bounded at run time
    with pytest.raises(RenderError, match=r"loop|range"):
        render(body, {})


def test_output_size_is_capped():
    body = "{% for i in range(40) %}" + "x" * 150 + "{% endfor %}"
    with pytest.raises(RenderError, match="longer"):
        render(body, {})


def test_a_small_loop_still_works():
    assert render("{% for i in range(3) %}{{ i }}{% endfor %}", {}) == "012"


def test_the_body_length_is_limited():
    assert body_problems("x" * (rendering.MAX_BODY + 1), variables=VARIABLES)


def test_the_number_of_alternatives_is_bounded():
    many = "{~ " + " | ".join(f"вариант {n}" for n in range(rendering.MAX_ALTERNATIVES + 1)) + " ~}"
    assert body_problems(many, variables=VARIABLES)[0].message.startswith("at most")
    blocks = "{~ а | б ~}" * (rendering.MAX_VARIATIONS + 1)
    assert body_problems(blocks, variables=VARIABLES)[0].message.startswith("at most")


def test_rendering_is_pure_python():
    import subprocess
    import sys

    code = (
        "import sys, templates_lib.rendering; assert 'django' not in sys.modules, 'django imported'"
    )
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        cwd=str(__import__("pathlib").Path(__file__).parents[2]),
    )
