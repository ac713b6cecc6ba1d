"""A reproducible workload for ``vigil bench match``: monitoring queries and short posts.

Queries look like real monitoring plans — English and Chinese brands, products
and people, with context words, exclusions, NEAR, phrases, wildcards, fields —
and posts mention the same entities often enough that there are real matches.
Everything is generated from a seed; nothing is downloaded.
"""

from __future__ import annotations

import random
import time
from collections.abc import Hashable
from dataclasses import dataclass

from vigil.monitoring.query.document import Document
from vigil.monitoring.query.percolator import Percolator

__all__ = ["BenchReport", "Workload", "generate", "run_benchmark", "time_build"]

_EN_HEADS = [
    "Nor",
    "Tal",
    "Vex",
    "Zen",
    "Quo",
    "Lum",
    "Ast",
    "Bri",
    "Cor",
    "Dyn",
    "Eco",
    "Fla",
    "Gal",
    "Hel",
    "Ion",
    "Jet",
    "Kin",
    "Lyr",
    "Mar",
    "Neo",
    "Orb",
    "Pix",
    "Qua",
    "Ryn",
    "Sol",
    "Tor",
    "Ult",
    "Vir",
    "Wex",
    "Xan",
    "Yor",
    "Zel",
]
_EN_MIDDLES = ["", "ar", "el", "om", "ut", "iv", "an", "er"]
_EN_TAILS = [
    "ix",
    "ora",
    "tek",
    "via",
    "gen",
    "lux",
    "mo",
    "nex",
    "ara",
    "io",
    "ly",
    "on",
    "za",
    "tra",
    "ium",
    "ex",
]
_REAL_BRANDS = [
    "Apple",
    "Huawei",
    "Xiaomi",
    "Tesla",
    "Toyota",
    "Samsung",
    "Nike",
    "Adidas",
    "Starbucks",
    "Boeing",
    "Sony",
    "Lenovo",
    "BYD",
    "Nestle",
    "Amazon",
]
_FIRST = [
    "Tim",
    "Ana",
    "Wei",
    "Mark",
    "Sara",
    "Jun",
    "Elena",
    "Omar",
    "Grace",
    "Ivan",
    "Lucas",
    "Mei",
    "Ravi",
    "Nora",
    "Paul",
    "Yuki",
]
_LAST = [
    "Cook",
    "Zhang",
    "Wang",
    "Smith",
    "Chen",
    "Lopez",
    "Musk",
    "Liu",
    "Okafor",
    "Novak",
    "Tanaka",
    "Silva",
    "Brown",
    "Kim",
    "Patel",
    "Rossi",
]
_ZH_CHARS = "华为小米腾讯阿里京东美团比亚迪蔚来理想海尔格力联中兴百度字节网易拼多星云光明天宇新达信通瑞安盛泰恒丰金银龙凤宏伟"
_ZH_SUFFIX = ["", "", "科技", "集团", "汽车", "手机", "银行", "电器"]
_ZH_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭"
_ZH_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚"
_EN_CONTEXT = [
    "recall",
    "lawsuit",
    "outage",
    "scandal",
    "price",
    "launch",
    "review",
    "battery",
    "fire",
    "layoffs",
    "complaint",
    "refund",
    "breach",
    "strike",
    "boycott",
    "delay",
]
_EN_PREFIX = ["recall", "complain", "refund", "launch", "review", "boycott"]
_EN_EXCLUDE = ["job", "hiring", "giveaway", "coupon", "sponsored"]
_ZH_CONTEXT = [
    "召回",
    "投诉",
    "降价",
    "发布",
    "质量",
    "事故",
    "裁员",
    "维权",
    "爆炸",
    "泄露",
    "售后",
    "退款",
    "涨价",
    "起火",
    "罢工",
    "延期",
]
_ZH_EXCLUDE = ["招聘", "二手", "抽奖", "广告"]
_EN_FILLER = [
    "I",
    "think",
    "the",
    "new",
    "one",
    "is",
    "great",
    "but",
    "the",
    "price",
    "is",
    "too",
    "high",
    ",",
    "everyone",
    "is",
    "talking",
    "about",
    "it",
    "today",
    ",",
    "what",
    "do",
    "you",
    "think",
    "?",
    "this",
    "is",
    "why",
    "we",
    "cannot",
    "have",
    "nice",
    "things",
]
_ZH_FILLER = (
    "今天大家都在讨论这件事，真的没想到会这样。价格太高了，希望官方尽快给个说法。朋友说体验还不错"
)
_CHANNELS = ["weibo", "news", "forum", "twitter", "wechat"]


@dataclass(slots=True)
class Workload:
    """Generated queries (key, query, exclusion, channels, langs) and posts."""

    queries: list[tuple[Hashable, str, str | None, tuple[str, ...], tuple[str, ...]]]
    docs: list[Document]


class _Names:
    """Entity names drawn from a fixed pool so queries and posts share them."""

    def __init__(self, rng: random.Random, size: int) -> None:
        self.rng = rng
        en = [h + m + t for h in _EN_HEADS for m in _EN_MIDDLES for t in _EN_TAILS] + _REAL_BRANDS
        rng.shuffle(en)
        self.en_brands = en[: max(50, size // 2)]
        zh: set[str] = set()
        while len(zh) < max(50, size // 4):
            zh.add("".join(rng.sample(_ZH_CHARS, rng.choice((2, 2, 3)))) + rng.choice(_ZH_SUFFIX))
        self.zh_brands = sorted(zh)
        self.en_people = [f"{f} {last}" for f in _FIRST for last in _LAST]
        self.zh_people = sorted(
            {rng.choice(_ZH_SURNAMES) + "".join(rng.sample(_ZH_GIVEN, 2)) for _ in range(300)}
        )

    def pick(self, pool: list[str]) -> str:
        return self.rng.choice(pool)


def _query(rng: random.Random, names: _Names) -> tuple[str, str | None]:
    en, zh = names.pick(names.en_brands), names.pick(names.zh_brands)
    c1, c2 = rng.sample(_EN_CONTEXT, 2)
    z1, z2 = rng.sample(_ZH_CONTEXT, 2)
    person, zh_person = names.pick(names.en_people), names.pick(names.zh_people)
    templates = [
        (f"{en}", None),
        (
            f'({en} OR "{en} Pro {rng.randint(2, 15)}") AND ({c1} OR {c2}) -{rng.choice(_EN_EXCLUDE)}',
            None,
        ),
        (f'"{person}" NEAR/5 ({c1} OR {c2})', None),
        (f"{zh} AND ({z1} OR {z2}) NOT {rng.choice(_ZH_EXCLUDE)}", None),
        (f"({zh} OR {en}) AND {rng.choice(_EN_PREFIX)}*", None),
        (f"title:{en} OR #{en}", None),
        (f'"{zh} {z1}"~3', None),
        (f"site:{en.lower()}.com OR {en} ONEAR/3 {c1}", None),
        (f"{{{en}}} lang:en", None),
        (f"{zh_person} AND ({z1} OR 维权)", f"{rng.choice(_ZH_EXCLUDE)}"),
        (f"{zh}{z1} OR ({en} AND {c1})", None),
        (f'"{en}" AND NOT ({rng.choice(_EN_EXCLUDE)} OR {rng.choice(_EN_EXCLUDE)})', None),
    ]
    return rng.choice(templates)


def _post(rng: random.Random, names: _Names) -> Document:
    chinese = rng.random() < 0.5
    mention = rng.random() < 0.6
    if chinese:
        start = rng.randrange(len(_ZH_FILLER) - 20)
        filler = _ZH_FILLER[start : start + rng.randint(8, 20)]
        subject = names.pick(names.zh_brands if rng.random() < 0.8 else names.zh_people)
        context = rng.choice(_ZH_CONTEXT) if rng.random() < 0.7 else ""
        text = f"{subject}{context}了！{filler}" if mention else filler
        if rng.random() < 0.2:
            text += f" #{names.pick(names.en_brands)}"
        lang = "zh"
    else:
        words = rng.sample(_EN_FILLER, rng.randint(6, 12))
        subject = names.pick(names.en_brands if rng.random() < 0.8 else names.en_people)
        context = rng.choice(_EN_CONTEXT + ["recalled", "complaints", "refunds"])
        if mention:
            words.insert(rng.randrange(len(words)), f"{subject} {context}")
        if rng.random() < 0.2:
            words.append(f"#{subject.split()[0]}")
        text = " ".join(words)
        lang = "en"
    site = f"{names.pick(names.en_brands).lower()}.com" if rng.random() < 0.1 else "example.org"
    return Document(
        title="",
        text=text,
        site=f"www.{site}",
        lang=lang,
        channel=rng.choice(_CHANNELS),
    )


def generate(queries: int, docs: int, seed: int = 1) -> Workload:
    """``queries`` monitoring queries and ``docs`` short EN/ZH posts, reproducibly."""
    rng = random.Random(seed)
    names = _Names(rng, queries)
    out: list[tuple[Hashable, str, str | None, tuple[str, ...], tuple[str, ...]]] = []
    for index in range(queries):
        query, exclude = _query(rng, names)
        channels = (rng.choice(_CHANNELS),) if rng.random() < 0.1 else ()
        langs = (rng.choice(("en", "zh")),) if rng.random() < 0.1 else ()
        out.append((index, query, exclude, channels, langs))
    return Workload(out, [_post(rng, names) for _ in range(docs)])


def time_build(workload: Workload) -> tuple[Percolator, float, float]:
    """Add every query and build the automaton: the percolator, wall and CPU seconds."""
    started, cpu_started = time.perf_counter(), time.process_time()
    percolator = Percolator()
    for key, query, exclude, channels, langs in workload.queries:
        percolator.add(key, query, exclude=exclude, channels=channels, langs=langs)
    percolator.rebuild()
    return percolator, time.perf_counter() - started, time.process_time() - cpu_started


@dataclass(slots=True)
class BenchReport:
    """Figures printed by ``vigil bench match``."""

    queries: int
    docs: int
    build_seconds: float
    percolator_docs_per_second: float
    percolator_cpu_docs_per_second: float
    matches: int
    naive_sample: int
    naive_docs_per_second: float
    naive_cpu_docs_per_second: float
    sample_agrees: bool
    sample_matches: int

    @property
    def ratio(self) -> float:
        return self.percolator_docs_per_second / max(self.naive_docs_per_second, 1e-9)


def run_benchmark(workload: Workload, sample: int = 200) -> BenchReport:
    """Time the percolator on every post and the naive evaluator on a sample of them."""
    percolator, build_seconds, _cpu = time_build(workload)
    started, cpu_started = time.perf_counter(), time.process_time()
    matches = 0
    for doc in workload.docs:
        matches += len(percolator.match(doc))
    percolator_seconds = time.perf_counter() - started
    percolator_cpu = time.process_time() - cpu_started

    picked = workload.docs[:: max(1, len(workload.docs) // max(1, sample))][:sample]
    started, cpu_started = time.perf_counter(), time.process_time()
    naive: list[list[Hashable]] = []
    for doc in picked:
        naive.append(percolator.match_naively(doc))
    naive_seconds = time.perf_counter() - started
    naive_cpu = time.process_time() - cpu_started
    fast = [[key for key, _ in percolator.match(doc)] for doc in picked]
    return BenchReport(
        queries=len(workload.queries),
        docs=len(workload.docs),
        build_seconds=build_seconds,
        percolator_docs_per_second=len(workload.docs) / max(percolator_seconds, 1e-9),
        percolator_cpu_docs_per_second=len(workload.docs) / max(percolator_cpu, 1e-9),
        matches=matches,
        naive_sample=len(picked),
        naive_docs_per_second=len(picked) / max(naive_seconds, 1e-9),
        naive_cpu_docs_per_second=len(picked) / max(naive_cpu, 1e-9),
        sample_agrees=fast == naive,
        sample_matches=sum(map(len, naive)),
    )
