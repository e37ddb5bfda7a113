"""The template renderer bounds what it builds: values, intermediate strings, output,
iterations and depth; and checking a body costs one parse per distinct piece of code."""

from __future__ import annotations

import contextlib
import tracemalloc

import pytest

from templates_lib import rendering
from templates_lib.rendering import RenderError, TemplateBodyError, body_problems, render
from tests.security._hostile import MEGABYTE_NAME, SELF_JOIN_BODY, variation_heavy_body


def _peak_bytes(function) -> int:
    tracemalloc.start()
    with contextlib.suppress(RenderError, TemplateBodyError):
        function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_the_self_join_template_passes_the_check_but_cannot_blow_up():
    assert body_problems(SELF_JOIN_BODY, variables=["buyer_name"]) == []
    # ordinary names render (300 x 4 characters)
    assert len(render(SELF_JOIN_BODY, {"buyer_name": "Анна"}, mode="placeholder")) == 1200
    # a name at its field's limit would build 60,000 characters: refused before joining
    with pytest.raises(RenderError) as caught:
        render(SELF_JOIN_BODY, {"buyer_name": "Б" * 200}, mode="placeholder")
    assert "builds a text longer than" in str(caught.value)
    assert (
        _peak_bytes(lambda: render(SELF_JOIN_BODY, {"buyer_name": "Б" * 200}, mode="placeholder"))
        < 5_000_000
    )


def test_a_megabyte_value_is_refused_before_rendering():
    with pytest.raises(RenderError) as caught:
        render(SELF_JOIN_BODY, {"buyer_name": MEGABYTE_NAME}, mode="placeholder")
    assert caught.value.problem.text() == "the value of buyer_name is longer than 200 characters"
    assert (
        _peak_bytes(
            lambda: render(SELF_JOIN_BODY, {"buyer_name": MEGABYTE_NAME}, mode="placeholder")
        )
        < 10_000_000
    )


@pytest.mark.parametrize(
    "body",
    [
        "{{ (buyer_name + buyer_name + buyer_name + buyer_name) ~ (buyer_name ~ buyer_name) }}"
        * 40,
        "{% for i in range(50) %}{{ buyer_name ~ buyer_name ~ buyer_name }}{% endfor %}",
        "{{ ([buyer_name] + [buyer_name] + [buyer_name] + [buyer_name]) }}" * 50,
        "{{ (buyer_name ~ buyer_name ~ buyer_name ~ buyer_name)|upper|default(shop_name) }}" * 40,
    ],
)
def test_building_past_the_string_limit_is_refused(body):
    with pytest.raises(RenderError):
        render(body, {"buyer_name": "Б" * 200, "shop_name": "Дом"})


def test_loops_and_depth_stay_bounded():
    with pytest.raises(RenderError, match="loop iterations"):
        render(
            "{% for i in range(50) %}{% for j in range(50) %}.{% endfor %}{% endfor %}",
            {},
        )
    deep = "{% if buyer_name %}" * 60 + "x" + "{% endif %}" * 60
    assert body_problems(deep) != []
    with pytest.raises(TemplateBodyError):
        render(deep, {"buyer_name": "Анна"})
    parens = "{{ " + "(" * 3000 + "1" + ")" * 990 + " }}"
    assert body_problems(parens) != []


def test_the_guards_cannot_be_reached_from_a_body():
    problems = body_problems("{{ __concat }} {{ _x }}", variables=["buyer_name"])
    assert {p.params for p in problems} == {(("name", "__concat"),), (("name", "_x"),)}


def test_checking_a_variation_heavy_body_parses_each_distinct_code_piece_once(monkeypatch):
    body = variation_heavy_body(blocks=20, alternatives=10)
    assert len(body) <= rendering.MAX_BODY
    parses: list[int] = []
    original = rendering._parse
    monkeypatch.setattr(
        rendering, "_parse", lambda env, source: parses.append(len(source)) or original(env, source)
    )
    assert body_problems(body, variables=["buyer_name", "sku"]) == []
    # the body once, then each of the 180 other alternatives alone (short), no full versions
    assert len(parses) == 1 + 20 * 9
    assert sum(parses[1:]) < 20 * len(body)

    parses.clear()
    plain = "Здравствуйте! " + "{~ да | нет | может быть | конечно ~} Спасибо. " * 20
    assert body_problems(plain) == []
    assert len(parses) == 1  # alternatives without code cannot change the parse


def test_an_alternative_that_breaks_the_structure_is_still_found():
    body = "{% if buyer_name %}{~ а | б{% endif %} ~}{% endif %}"
    assert body_problems(body, variables=["buyer_name"]) != []
    body = "{% for x in range(3) %}{~ {{ x }} | {{ x }}! | {{ y }} ~}{% endfor %}"
    problems = body_problems(body, variables=["buyer_name"])
    assert [p.params for p in problems] == [(("name", "y"),)]
