"""Throughput, load time and memory of the policy engine, beside a naive baseline.

    .venv/bin/python bench/policy.py [--replies 4000] [--repeats 5] [--curve-max 1000000]

The naive baseline is what one would write first: one compiled regex per phrase
and per rule, every one of them run over every reply. The last line printed is
one JSON object with all figures.

The linearity curve times one check() of ordinary replies joined and repeated to
100k, 200k, 400k and 1M characters, and of a 1M-character line with every space and
punctuation mark removed (sizes above ``--curve-max`` are scaled down with it).
Linear means the 1M time is about ten times the 100k one and the unbroken line
costs about what ordinary text of the same length does.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

RU = {
    "greeting": [
        "Здравствуйте!",
        "Добрый день, {name}!",
        "Приветствуем вас!",
        "Добрый вечер!",
        "{name}, здравствуйте!",
    ],
    "thanks": [
        "Спасибо за ваш вопрос.",
        "Благодарим за отзыв!",
        "Мы благодарны за ваш выбор.",
        "Спасибо большое!",
    ],
    "reason": [
        "К сожалению, у нас нет доступа к этой информации.",
        "Мы не раскрываем данные о поставщиках.",
        "Эта информация конфиденциальна.",
    ],
    "alternative": [
        "Рекомендуем посмотреть таблицу размеров в карточке товара.",
        "Вы можете написать нам в чат.",
        "Советуем обратиться в поддержку Wildberries.",
    ],
    "body": [
        "Ваш заказ №{n} передан в доставку.",
        "Артикул {n} снова в наличии.",
        "Цена {p} ₽.",
        "Состав: 100% хлопок, гарантия 12 месяцев.",
        "Размер {s} соответствует росту 170.",
        "Ткань плотная, после стирки не садится.",
        "Доставка займёт 3–5 дней.",
        "Звоните +7 916 {a}-{b}-{c}.",
        "Пишите в вотсап.",
        "Гарантируем, что придёт завтра!",
        "Корабль с товаром прибыл, стоимость 250 рубля.",
        "Мы не общаемся в мессенджерах.",
    ],
    "closing": [
        "Хорошего дня!",
        "Всего доброго!",
        "Будем рады видеть вас снова!",
        "Если остались вопросы, обращайтесь.",
    ],
}
ZH = {
    "greeting": ["亲，您好！", "您好！", "親愛的顧客，您好！", "{name}您好！"],
    "thanks": ["谢谢您的提问。", "感谢您的评价！", "謝謝您的支持！"],
    "reason": ["抱歉，我们无权查看这些信息。", "由于平台规定，不能透露其他商家的信息。"],
    "alternative": ["建议您查看商品详情页的尺码表。", "您可以联系在线客服。"],
    "body": [
        "订单号{n}已发货。",
        "价格是{p}元。",
        "百分百纯棉。",
        "支持微信支付。",
        "我们会亲自检查。",
        "加我微信abc{a}。",
        "保证明天到货！",
        "尺码{s}。",
        "質保一年。",
    ],
    "closing": ["祝您生活愉快！", "欢迎下次光临！", "有任何问题随时联系我们。"],
}
NAMES = ["Анна", "Алексей", "Мария", "Ольга", "小王", "李女士"]
CHANNELS = ["chat", "question_answer", "question_decline", "review_reply"]


def make_replies(count: int, seed: int = 7) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    replies = []
    for _ in range(count):
        pieces = RU if rng.random() < 0.6 else ZH
        parts = []
        for part in ("greeting", "thanks", "reason", "alternative"):
            if rng.random() < 0.6:
                parts.append(rng.choice(pieces[part]))
        parts.extend(rng.choice(pieces["body"]) for _ in range(rng.randint(1, 3)))
        if rng.random() < 0.7:
            parts.append(rng.choice(pieces["closing"]))
        text = (
            (" " if pieces is RU else "")
            .join(parts)
            .format(
                name=rng.choice(NAMES),
                n=rng.randint(10**6, 10**9),
                p=rng.randint(100, 20000),
                s=rng.choice(["42", "44-46", "M", "XL"]),
                a=rng.randint(100, 999),
                b=rng.randint(10, 99),
                c=rng.randint(10, 99),
            )
        )
        replies.append((text, rng.choice(CHANNELS)))
    return replies


class NaiveChecker:
    """One regex per phrase and per rule, all looped over every reply."""

    def __init__(self) -> None:
        from sellerdesk.policy._data import read_lines
        from sellerdesk.policy.phrases import CATEGORIES, word_class

        self.rules: list[tuple[str, re.Pattern[str]]] = []
        for lang in ("ru", "en", "zh"):
            # Every phrase category the engine looks for, so both do the same work.
            for category in CATEGORIES:
                for line in read_lines(lang, category):
                    if line.startswith("!"):
                        continue
                    if lang == "zh":
                        pattern = line
                    else:
                        words = []
                        for word in line.split():
                            if word == "...":
                                words.append(r"(?:\W+\w+){0,4}")
                                continue
                            alternatives = [
                                form
                                for w in word.split("|")
                                for form in (
                                    word_class(w[1:])
                                    if w.startswith("@")
                                    else (w.lstrip("=").rstrip("*"),)
                                )
                            ]
                            # A crude stem: cut the ending so that some word forms still match.
                            stems = [re.escape(a[: max(3, len(a) - 2)]) for a in alternatives]
                            words.append(r"\W+" + "(?:" + "|".join(stems) + r")\w*")
                        pattern = "".join(words)[3:]
                    self.rules.append((category, re.compile(pattern, re.IGNORECASE)))
        for name in ("profanity_roots", "insults"):
            for line in read_lines("ru", name):
                self.rules.append(("profanity", re.compile(r"\b\w{0,4}" + line, re.IGNORECASE)))
        for line in read_lines("en", "profanity") + read_lines("zh", "profanity"):
            self.rules.append(("profanity", re.compile(line, re.IGNORECASE)))
        for line in read_lines("contacts", "messengers"):
            self.rules.append(("contact", re.compile(line, re.IGNORECASE)))
        for pattern in (
            r"\+?[0-9][0-9\s\-()]{8,16}[0-9]",
            r"[\w.+-]+@[\w-]+\.[\w.]+",
            r"(?:https?://|www\.)\S+",
            r"\b[a-z0-9-]+\.(?:ru|com|net|org|рф)\b",
        ):
            self.rules.append(("contact", re.compile(pattern, re.IGNORECASE)))

    def check(self, text: str) -> dict[str, list[tuple[int, int]]]:
        found: dict[str, list[tuple[int, int]]] = {}
        for category, regex in self.rules:
            for m in regex.finditer(text):
                found.setdefault(category, []).append(m.span())
        return found


_LOAD_CODE = (
    "import time; t = time.perf_counter(); c = time.process_time();"
    "import sellerdesk.policy as p; p.check('Здравствуйте! Спасибо. Хорошего дня!', 'chat');"
    "p.check('亲，您好！谢谢！', 'chat');"
    "print(time.perf_counter() - t, time.process_time() - c)"
)
_MEMORY_CODE = (
    "import resource, tracemalloc; tracemalloc.start();"
    "import sellerdesk.policy as p; p.check('Здравствуйте! Спасибо. Хорошего дня!', 'chat');"
    "p.check('亲，您好！谢谢！', 'chat');"
    "current, peak = tracemalloc.get_traced_memory();"
    "print(current, peak, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
)


def _fresh(code: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return out.stdout.split()


def measure_load(runs: int = 3) -> dict:
    """Cold start in fresh interpreters: import, compile lexicons, load pymorphy3.

    Time is measured without tracemalloc (it slows allocation-heavy start-up by a
    third); memory in a separate interpreter with it. Best of ``runs``.
    """
    times = [tuple(map(float, _fresh(_LOAD_CODE))) for _ in range(runs)]
    current, peak, rss_kb = map(int, _fresh(_MEMORY_CODE))
    return {
        "load_seconds": round(min(wall for wall, _ in times), 3),
        "load_cpu_seconds": round(min(cpu for _, cpu in times), 3),
        "traced_mb_after_load": round(current / 2**20, 1),
        "traced_peak_mb": round(peak / 2**20, 1),
        "max_rss_mb": round(rss_kb / 1024, 1),
    }


def rate(fn, replies, repeats: int, clock=time.process_time) -> float:
    """Best replies per second over ``repeats`` passes.

    The default clock is this process's CPU time: "replies per second on one core",
    unaffected by other processes sharing the machine. Pass time.perf_counter for wall time.
    """
    best = 0.0
    for _ in range(repeats):
        start = clock()
        for text, channel in replies:
            fn(text, channel)
        best = max(best, len(replies) / (clock() - start))
    return best


CURVE_SIZES = (100_000, 200_000, 400_000, 1_000_000)


def measure_curve(curve_max: int, repeats: int = 2) -> dict:
    """Seconds (CPU, best of ``repeats``) of one check() per text size, all checks on."""
    from sellerdesk.policy import check

    scale = min(1.0, curve_max / CURVE_SIZES[-1])
    sizes = [max(1000, int(size * scale)) for size in CURVE_SIZES]
    ordinary = " ".join(text for text, _ in make_replies(400, seed=11))
    unbroken = re.sub(r"[\W_]+", "", ordinary)

    def timed(base: str, size: int) -> float:
        text = (base * (size // len(base) + 1))[:size]
        best = float("inf")
        for _ in range(repeats):
            start = time.process_time()
            check(text, "question_decline")  # every check runs on this channel
            best = min(best, time.process_time() - start)
        return best

    curve = {str(size): round(timed(ordinary, size), 3) for size in sizes}
    unbroken_seconds = round(timed(unbroken, sizes[-1]), 3)
    first, last = curve[str(sizes[0])], curve[str(sizes[-1])]
    return {
        "curve_chars": sizes,
        "curve_seconds": curve,
        "curve_unbroken_chars": sizes[-1],
        "curve_unbroken_bytes": len(
            (unbroken * (sizes[-1] // len(unbroken) + 1))[: sizes[-1]].encode()
        ),
        "curve_unbroken_seconds": unbroken_seconds,
        # Linear: about sizes[-1] / sizes[0] (10 at full size).
        "curve_growth_largest_vs_smallest": round(last / first, 2) if first else None,
        "curve_size_ratio": round(sizes[-1] / sizes[0], 2),
        "curve_unbroken_vs_ordinary": round(unbroken_seconds / last, 2) if last else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replies", type=int, default=4000)
    parser.add_argument("--repeats", type=int, default=5, help="best of this many passes")
    parser.add_argument(
        "--curve-max", type=int, default=1_000_000, help="largest text of the linearity curve"
    )
    args = parser.parse_args()
    from sellerdesk.policy import check

    load = measure_load()
    replies = make_replies(args.replies)
    start = time.process_time()
    for text, channel in replies:
        check(text, channel)
    cold = len(replies) / (time.process_time() - start)
    naive_checker = NaiveChecker()
    # Interleaved, so that a busy moment on a shared machine hits both alike.
    engine = naive = engine_wall = naive_wall = 0.0
    for _ in range(args.repeats):
        engine = max(engine, rate(lambda t, c: check(t, c), replies, 1))
        naive = max(naive, rate(lambda t, c: naive_checker.check(t), replies, 1))
    engine_wall = rate(lambda t, c: check(t, c), replies, 2, time.perf_counter)
    naive_wall = rate(lambda t, c: naive_checker.check(t), replies, 1, time.perf_counter)
    figures = {
        "replies": len(replies),
        "avg_chars": round(sum(len(t) for t, _ in replies) / len(replies), 1),
        "engine_replies_per_s": round(engine),
        "engine_first_pass_replies_per_s": round(cold),
        "naive_replies_per_s": round(naive),
        "naive_rules": len(naive_checker.rules),
        "speedup_vs_naive": round(engine / naive, 2),
        "engine_wall_replies_per_s": round(engine_wall),
        "naive_wall_replies_per_s": round(naive_wall),
        "speedup_vs_naive_wall": round(engine_wall / naive_wall, 2),
        "load_average_1min": round(os.getloadavg()[0], 2),
        **load,
        **measure_curve(args.curve_max),
        "bench_process_max_rss_mb": round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
        ),
    }
    print(
        f"engine: {figures['engine_replies_per_s']} replies per CPU-second "
        f"(first pass {figures['engine_first_pass_replies_per_s']}, wall {figures['engine_wall_replies_per_s']})"
    )
    print(
        f"naive:  {figures['naive_replies_per_s']} replies/s over {figures['naive_rules']} regexes"
    )
    print(f"load:   {figures['load_seconds']} s, RSS {figures['max_rss_mb']} MB")
    print(
        "linearity: "
        + ", ".join(f"{int(k):,} chars {v} s" for k, v in figures["curve_seconds"].items())
        + f"; unbroken {figures['curve_unbroken_chars']:,} chars {figures['curve_unbroken_seconds']} s"
        + f" (growth x{figures['curve_growth_largest_vs_smallest']} for x{figures['curve_size_ratio']} text)"
    )
    print(f"machine load average {figures['load_average_1min']} (rates are CPU time of one core)")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
