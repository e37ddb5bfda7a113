"""Reply templates: rendering, body checks, hostile bodies and the picker's fuzzy ranking.

    .venv/bin/python bench/templates_lib.py [--library 500,2000] [--rounds 20]

No database: templates are the shipped set (RU, ZH, EN) and, for the picker, unsaved
copies of it renamed and varied up to the library sizes given. Figures:

* render: one insert's rendering (variation choice, sandbox compile, render, tidy);
* check: ``body_problems`` as the editor runs it on every keystroke pause
  (parse of every wording, node whitelist, variable names);
* hostile: the slowest refusal among bodies that try loops, recursion, deep nesting,
  internals (each must end in an error, not a hang);
* picker: scoring and sorting a whole library for one query (the DB read is not timed).

Times are CPU time of this process (time.process_time); single-threaded.
The last line printed is one JSON object with all figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sellerdesk.settings.test")

import django  # noqa: E402

django.setup()

from templates_lib import rendering, selectors, services  # noqa: E402
from templates_lib.models import ReplyTemplate  # noqa: E402

HOSTILE = [
    "{% for a in range(50) %}{% for b in range(50) %}{% for c in range(50) %}x{% endfor %}{% endfor %}{% endfor %}",
    "{% for a in 'abcdefghijklmnopqrstuvwxyz' %}{% for b in 'abcdefghijklmnopqrstuvwxyz' %}"
    "{% for c in 'abcdefghijklmnopqrstuvwxyz' %}{% for d in 'abcdefghijklmnopqrstuvwxyz' %}x"
    "{% endfor %}{% endfor %}{% endfor %}{% endfor %}",
    "{% for i in range(1000000000) %}x{% endfor %}",
    "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    "{{ " + "(" * 1500 + "1" + ")" * 1500 + " }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ 9 ** 9 ** 9 }}",
    "{~ " + " | ".join("вариант" for _ in range(11)) + " ~}",
]
QUERIES = [
    "доставка",
    "размер",
    "отзыв брак",
    "заказ изменить",
    "спасибо",
    "物流",
    "尺码",
    "delivery",
    "sorry",
    "купон",
]


def _cpu(function, repeat: int = 1) -> float:
    start = time.process_time()
    for _ in range(repeat):
        function()
    return (time.process_time() - start) / repeat


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--library", default="500,2000")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    shipped = services.default_templates()
    figures: dict[str, object] = {"shipped_templates": len(shipped)}

    render_times, check_times = [], []
    for item in shipped:
        context = dict(services.SAMPLE_VALUES[item["language"]], shop_name="Уютный дом")
        for rotation in range(args.rounds):
            render_times.append(
                _cpu(
                    lambda body=item["body"], context=context, rotation=rotation: rendering.render(
                        body, context, rotation=rotation, salt="1", mode="placeholder"
                    )
                )
            )
        check_times.append(
            _cpu(
                lambda body=item["body"]: rendering.body_problems(
                    body, variables=rendering.STANDARD_VARIABLES
                )
            )
        )
    figures["render_ms_median"] = round(statistics.median(render_times) * 1000, 3)
    figures["render_ms_p95"] = round(sorted(render_times)[int(len(render_times) * 0.95)] * 1000, 3)
    figures["check_ms_median"] = round(statistics.median(check_times) * 1000, 3)
    figures["check_ms_max"] = round(max(check_times) * 1000, 3)

    hostile_times = []
    for body in HOSTILE:
        start = time.process_time()
        try:
            rendering.render(body, {"buyer_name": "Анна"})
            raise SystemExit(f"hostile body rendered: {body[:60]!r}")
        except (rendering.RenderError, rendering.TemplateBodyError):
            pass
        hostile_times.append(time.process_time() - start)
    figures["hostile_refusal_ms_max"] = round(max(hostile_times) * 1000, 3)

    rng = random.Random(2026)
    for size in (int(n) for n in args.library.split(",")):
        library = []
        for n in range(size):
            item = shipped[n % len(shipped)]
            words = item["body"].split()
            rng.shuffle(words)
            library.append(
                ReplyTemplate(
                    pk=n + 1,
                    name=f"{item['name']} {n}",
                    body=" ".join(words),
                    language=item["language"],
                    tags=item.get("tags", []),
                )
            )
        timings = []
        for query in QUERIES:
            start = time.process_time()
            scored = [(selectors._text_score(query, template), template) for template in library]
            scored = [pair for pair in scored if pair[0] >= selectors.MIN_SCORE]
            scored.sort(key=lambda pair: -pair[0])
            timings.append(time.process_time() - start)
        figures[f"picker_rank_ms_median_{size}"] = round(statistics.median(timings) * 1000, 2)
        figures[f"picker_rank_ms_max_{size}"] = round(max(timings) * 1000, 2)

    for key, value in figures.items():
        print(f"{key:32} {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
