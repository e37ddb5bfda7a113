"""Auto-decline throughput: N generated questions × M rules, beside a naive baseline.

    .venv/bin/python bench/autodecline.py [--questions 100000] [--rules 1000] [--naive 2000]

Questions (Russian with inflected rule words, typos, Simplified and Traditional
Chinese, some English) and rules (keywords, fuzzy, exclusions, one profanity rule)
are generated from a built-in vocabulary, enriched with the words of the seed
articles in ../shared/seeds when that folder is there. Everything runs on one
core, end to end: folding, tokenising, pymorphy3 lemmatisation, matching.

Figures:
* compile: load_rules + matcher build for all rules;
* cold: first pass, with pymorphy3's lemma cache and the matcher's word cache empty;
* warm: the same questions again on the same RuleSet with its decision cache
  cleared, so lemmas and per-word fuzzy neighbours are cached (a worker's steady state);
* naive: one compiled regex per phrase, rules looped in order, first match wins,
  over the same lemma strings (lemmatisation included) — run on a subset and
  extrapolated to the full count, labelled as such.

Times are CPU seconds of this process (time.process_time), so that other work on
the machine does not blur them; the run is single-threaded.

The last line printed is one JSON object with all figures.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sellerdesk.policy import text as policy_text  # noqa: E402
from sellerdesk.policy.matcher import _HAN_RE, _WORD_RE, normalize_han  # noqa: E402
from sellerdesk.policy.rules import load_rules  # noqa: E402


def _words(block: str) -> list[str]:
    return block.split()


RU_WORDS = _words(
    """
товар заказ доставка продавец магазин поставщик производитель размер цвет качество цена скидка
гарантия возврат обмен упаковка коробка посылка курьер пункт выдача оплата карта наличные
чек документ сертификат оригинал подделка копия бренд модель комплект инструкция батарейка
зарядка кабель телефон наушники чехол стекло экран корпус ремень пряжка ткань хлопок шерсть
кожа подошва каблук стелька шнурок пуговица молния карман капюшон рукав воротник платье
куртка пальто брюки джинсы рубашка футболка свитер носки шапка шарф перчатки сумка рюкзак
кошелёк часы браслет кольцо серьги цепочка подвеска духи крем шампунь маска мыло щётка
кастрюля сковорода нож вилка ложка тарелка чашка чайник кофемолка блендер пылесос утюг
лампа полка стул стол диван подушка одеяло матрас простыня полотенце ковёр штора игрушка
кукла конструктор мяч велосипед самокат коляска бутылочка соска подгузник корм миска
ошейник поводок аквариум семя грунт горшок лейка лопата перчатка инструмент дрель отвёртка
большой маленький новый старый хороший плохой красный синий белый чёрный зелёный мягкий
жёсткий тёплый лёгкий тяжёлый дешёвый дорогой быстрый оригинальный настоящий другой
официальный натуральный прочный удобный
купить заказать привезти доставить вернуть обменять оплатить отправить получить подойти
поместиться работать сломаться порваться выцвести сесть растянуться пахнуть
"""
)

RU_FILLERS = _words(
    """
а у вас есть ли можно ли подскажите пожалуйста скажите когда где как почему сколько это
этот эта такой же ещё уже очень только тоже если или и но что чтобы для на в с по от до
из за при без про мне нам вы ваш ваша мой моя я мы он она они будет было будут нужно
"""
)

ZH_WORDS = _words(
    """
商品 订单 快递 发货 卖家 店铺 厂家 供应商 尺码 颜色 质量 价格 折扣 优惠券 保修 退货 换货
包装 盒子 包裹 快递员 自提点 付款 银行卡 现金 发票 证书 正品 假货 复制品 品牌 型号 套装
说明书 电池 充电器 数据线 手机 耳机 手机壳 钢化膜 屏幕 外壳 皮带 布料 纯棉 羊毛 真皮 鞋底
鞋跟 鞋垫 鞋带 纽扣 拉链 口袋 帽子 袖子 领子 连衣裙 外套 大衣 裤子 牛仔裤 衬衫 短袖 毛衣
袜子 围巾 手套 包包 背包 钱包 手表 手链 戒指 耳环 项链 吊坠 香水 面霜 洗发水 面膜 香皂
牙刷 锅 平底锅 刀 叉子 勺子 盘子 杯子 水壶 磨豆机 搅拌机 吸尘器 熨斗 台灯 书架 椅子 桌子
沙发 枕头 被子 床垫 床单 毛巾 地毯 窗帘 玩具 娃娃 积木 足球 自行车 滑板车 婴儿车 奶瓶
其他 别的 联系方式 微信 电话 号码 海外 台湾 香港 新疆 西藏 包邮 运费 几天 多久 什么时候
"""
)

ZH_FILLERS = _words(
    """
请问 你好 亲 有没有 是不是 可以 能不能 吗 呢 吧 的 了 这个 那个 我 我们 你们 还有 什么 怎么
为什么 多少 哪里 一下 一起 很 太 都 也 就 还 在 和 跟 给 要 想 买
"""
)

EN_WORDS = _words(
    """
item order delivery seller shop supplier size colour quality price discount warranty return
exchange box parcel original fake copy brand model charger cable phone case screen strap
fabric cotton leather shoe jacket dress shirt bag wallet watch ring perfume cream other
"""
)
EN_FILLERS = _words("is this the a do you have can i when where how why what for with from to in")


def seed_words() -> tuple[list[str], list[str]]:
    """Russian words and Han runs from the seed articles, when ../shared/seeds is present."""
    seeds = ROOT.parent / "shared" / "seeds"
    ru: set[str] = set()
    zh: set[str] = set()
    if not seeds.is_dir():
        return [], []
    for path in sorted(seeds.glob("*.txt")):
        content = path.read_text(encoding="utf-8", errors="replace").lower()
        ru.update(w for w in re.findall(r"[а-яё]{5,}", content))
        for run in re.findall(r"[\u4e00-\u9fff]{2,}", content):
            zh.update(run[i : i + 2] for i in range(0, len(run) - 1, 2))
    return sorted(ru), sorted(zh)


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        extra_ru, extra_zh = seed_words()
        self.morph = policy_text._Morph.get()
        # Rule phrases use lemmas of the whole vocabulary (built-in and seed words).
        stop = {self.morph.parse(w)[0].normal_form for w in RU_FILLERS} | {
            "быть",
            "мочь",
            "весь",
            "свой",
        }
        lemmas = {self.morph.parse(w)[0].normal_form for w in set(RU_WORDS) | set(extra_ru)}
        self.ru_lemmas = sorted(w for w in lemmas - stop if len(w) >= 4)
        self.ru_text_words = sorted(set(RU_WORDS) | set(extra_ru))
        self.zh_words = sorted(set(ZH_WORDS) | set(extra_zh))
        self.seed_words = (len(extra_ru), len(extra_zh))
        self._forms: dict[str, list[str]] = {}
        trad = {}
        from sellerdesk.policy._data import traditional_to_simplified

        for code, simp in traditional_to_simplified().items():
            trad.setdefault(simp, chr(code))
        self.to_traditional = str.maketrans(trad)

    def forms(self, lemma: str) -> list[str]:
        cached = self._forms.get(lemma)
        if cached is None:
            parse = self.morph.parse(lemma)[0]
            cached = sorted({f.word for f in parse.lexeme if f.word.isalpha()}) or [lemma]
            self._forms[lemma] = cached
        return cached

    def typo(self, word: str) -> str:
        if len(word) < 5:
            return word
        i = self.rng.randrange(1, len(word) - 1)
        kind = self.rng.random()
        if kind < 0.4:
            return word[:i] + word[i + 1 :]
        if kind < 0.8:
            return word[:i] + self.rng.choice("аеиоук") + word[i + 1 :]
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]

    # --- rules ---------------------------------------------------------------------------------

    def rules(self, count: int, rule_phrases: list[list[str]]) -> dict:
        rules = []
        profanity_at = count // 2
        for index in range(count):
            if index == profanity_at:
                rules.append(
                    {
                        "name": "Rudeness",
                        "phrases": [],
                        "exclude": ["цитата"],
                        "fuzzy": False,
                        "kind": "profanity",
                    }
                )
                continue
            rng = self.rng
            zh = rng.random() < 0.25
            phrases = [
                self.zh_phrase() if zh else self.ru_phrase() for _ in range(rng.randint(1, 5))
            ]
            if rng.random() < 0.1:
                phrases.append(" ".join(rng.sample(EN_WORDS, 2)))
            exclude = [
                self.zh_phrase() if zh else self.ru_phrase()
                for _ in range(rng.choice((0, 0, 1, 2)))
            ]
            rule_phrases.append(phrases)
            rules.append(
                {
                    "name": f"Rule {index + 1}",
                    "phrases": phrases,
                    "exclude": exclude,
                    "fuzzy": (not zh) and rng.random() < 0.3,
                    "kind": "keywords",
                    "enabled": rng.random() > 0.05,
                }
            )
        return {"rules": rules}

    def ru_phrase(self) -> str:
        # Mostly two- or three-word phrases: a single common word would decline half the shop.
        size = 1 if self.rng.random() < 0.05 else self.rng.choice((2, 2, 3))
        return " ".join(self.rng.sample(self.ru_lemmas, size))

    def zh_phrase(self) -> str:
        return "".join(self.rng.sample(self.zh_words, self.rng.choice((2, 2, 3))))

    # --- questions -----------------------------------------------------------------------------

    def questions(self, count: int, rule_phrases: list[list[str]]) -> list[str]:
        out = []
        rng = self.rng
        for _ in range(count):
            roll = rng.random()
            phrase = rng.choice(rng.choice(rule_phrases)) if rng.random() < 0.2 else None
            if roll < 0.6:
                out.append(self.ru_question(phrase))
            elif roll < 0.92:
                out.append(self.zh_question(phrase))
            else:
                words = [
                    rng.choice(EN_FILLERS if rng.random() < 0.5 else EN_WORDS)
                    for _ in range(rng.randint(4, 10))
                ]
                out.append(" ".join(words).capitalize() + "?")
        return out

    def ru_question(self, phrase: str | None) -> str:
        rng = self.rng
        words = []
        for _ in range(rng.randint(4, 14)):
            if rng.random() < 0.45:
                words.append(rng.choice(RU_FILLERS))
            else:
                word = rng.choice(self.ru_text_words)
                words.append(rng.choice(self.forms(word)) if rng.random() < 0.7 else word)
        if phrase and not _HAN_RE.search(phrase):
            inflected = [rng.choice(self.forms(w)) if _cyr(w) else w for w in phrase.split()]
            if rng.random() < 0.1:
                k = rng.randrange(len(inflected))
                inflected[k] = self.typo(inflected[k])
            at = rng.randint(0, len(words))
            words[at:at] = inflected
        text = " ".join(words)
        if rng.random() < 0.3:
            text = text.replace(" ", ", ", 1)
        if rng.random() < 0.2:
            text = text.upper()
        return text[:1].upper() + text[1:] + rng.choice(("?", "?", ".", "!", " ??"))

    def zh_question(self, phrase: str | None) -> str:
        rng = self.rng
        parts = [
            rng.choice(ZH_FILLERS if rng.random() < 0.4 else self.zh_words)
            for _ in range(rng.randint(3, 10))
        ]
        if phrase and _HAN_RE.search(phrase):
            parts.insert(rng.randint(0, len(parts)), phrase)
        text = "".join(parts) + rng.choice(("？", "?", "！", "。"))
        if rng.random() < 0.3:
            text = text.translate(self.to_traditional)
        if rng.random() < 0.05:
            text = text.replace("？", "?")
        return text


def _cyr(word: str) -> bool:
    return bool(re.search("[а-яё]", word))


# --- naive baseline --------------------------------------------------------------------------


class NaiveRules:
    """One compiled regex per phrase; rules looped in order; first match wins.

    Same normalisation as the real thing (fold, first lemma of each word, Han folding),
    so the difference measured is the matching strategy, not the preprocessing.
    """

    def __init__(self, data: dict) -> None:
        self.rules = []
        for rule in data["rules"]:
            if not rule.get("enabled", True) or rule["kind"] != "keywords":
                continue
            compiled = [self._compile(p) for p in rule["phrases"]]
            excluded = [self._compile(p) for p in rule["exclude"]]
            self.rules.append((rule["name"], compiled, excluded))

    @staticmethod
    def _compile(phrase: str) -> tuple[bool, re.Pattern[str]]:
        folded = policy_text.fold(phrase)
        if _HAN_RE.search(folded):
            return True, re.compile(re.escape(normalize_han(phrase)))
        lemmas = [policy_text.lemma(w) for w in _WORD_RE.findall(folded)]
        return False, re.compile(r"(?<!\S)" + r" ".join(map(re.escape, lemmas)) + r"(?!\S)")

    def evaluate(self, text: str) -> str | None:
        folded = policy_text.fold(text)
        lemmas = " ".join(policy_text.lemma(w) for w in _WORD_RE.findall(folded))
        han = normalize_han(text)
        for name, phrases, excluded in self.rules:
            if any(p.search(han if is_han else lemmas) for is_han, p in phrases) and not any(
                p.search(han if is_han else lemmas) for is_han, p in excluded
            ):
                return name
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument("--rules", type=int, default=1000)
    parser.add_argument("--naive", type=int, default=2000, help="questions for the naive baseline")
    parser.add_argument("--seed", type=int, default=20260)
    args = parser.parse_args()

    generator = Generator(args.seed)
    rule_phrases: list[list[str]] = []
    data = generator.rules(args.rules, rule_phrases)
    questions = generator.questions(args.questions, rule_phrases)
    policy_text.lemma_forms.cache_clear()
    gc.collect()

    t0 = time.process_time()
    ruleset = load_rules(data)
    compile_s = time.process_time() - t0
    vocabulary = len(ruleset.matcher._lemma_ids)
    fuzzy_vocabulary = len(ruleset.matcher._fuzzy_heads)

    ruleset.evaluate("прогрев")  # load the profanity lexicon outside the timed runs
    policy_text.lemma_forms.cache_clear()

    t0 = time.process_time()
    cold = [ruleset.evaluate(q) for q in questions]
    cold_s = time.process_time() - t0
    distinct_words = len(ruleset.matcher._word_alts)

    ruleset._cache.clear()
    t0 = time.process_time()
    warm = [ruleset.evaluate(q) for q in questions]
    warm_s = time.process_time() - t0
    assert [d and d.rule for d in warm] == [d and d.rule for d in cold]
    declined = sum(d is not None for d in warm)
    by_kind: dict[str, int] = {}
    for d in warm:
        if d is not None:
            by_kind[d.kind] = by_kind.get(d.kind, 0) + 1

    naive = NaiveRules(data)
    subset = questions[: args.naive]
    t0 = time.process_time()
    naive_results = [naive.evaluate(q) for q in subset]
    naive_s = time.process_time() - t0
    naive_full_s = naive_s * len(questions) / len(subset)
    naive_declined = sum(r is not None for r in naive_results)

    print(f"rules: {args.rules} ({vocabulary} lemmas in the trie, {fuzzy_vocabulary} fuzzy lemmas)")
    print(
        f"questions: {len(questions)} ({distinct_words} distinct words); seed-article words used: "
        f"{generator.seed_words[0]} ru, {generator.seed_words[1]} zh"
    )
    print(f"compile: {compile_s * 1000:.0f} ms")
    print(
        f"cold (empty lemma and word caches): {cold_s:.2f} s  = {len(questions) / cold_s:,.0f} q/s"
    )
    print(
        f"warm (lemma and word caches filled): {warm_s:.2f} s  = {len(questions) / warm_s:,.0f} q/s"
    )
    print(f"declined: {declined} ({declined / len(questions):.1%}) {by_kind}")
    print(
        f"naive baseline: {naive_s:.2f} s for {len(subset)} questions -> "
        f"EXTRAPOLATED {naive_full_s:.1f} s for {len(questions)} "
        f"({naive_declined} of the subset declined, keywords rules only)"
    )
    print(
        f"speed-up vs naive: {naive_full_s / warm_s:.0f}x warm, {naive_full_s / cold_s:.0f}x cold"
    )
    print(
        json.dumps(
            {
                "bench": "autodecline",
                "questions": len(questions),
                "rules": args.rules,
                "compile_s": round(compile_s, 3),
                "cold_s": round(cold_s, 3),
                "warm_s": round(warm_s, 3),
                "cold_qps": round(len(questions) / cold_s),
                "warm_qps": round(len(questions) / warm_s),
                "declined": declined,
                "naive_subset": len(subset),
                "naive_subset_s": round(naive_s, 3),
                "naive_extrapolated_s": round(naive_full_s, 1),
                "speedup_warm": round(naive_full_s / warm_s, 1),
                "speedup_cold": round(naive_full_s / cold_s, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
