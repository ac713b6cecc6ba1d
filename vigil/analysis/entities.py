"""People, organisations and places named in a mention.

Chinese: jieba's parts of speech (nr person, ns place, nt organisation), corrected by a
small gazetteer of companies jieba mis-tags (华为 comes out as a person) and by suffix
rules that glue 星澜科技 + 有限公司 into one organisation. English: capitalised
sequences (allowing "of", "&", "and" inside: "Bank of America"), classified by
organisation suffixes (Inc, Ltd, Bank, University …), gazetteers of places, well-known
organisations and given names, titles (Mr, CEO …) and "in <Capitalised>" for places.

Precision over recall: an English capitalised sequence nothing classifies is dropped,
not guessed. Expect roughly: organisations with a suffix or in the gazetteer and places
in the gazetteer are reliable; people are found when a title, a known given name or a
reporting verb ("said") points at them; unknown single-word brands are missed unless
the monitoring plan registers them (:func:`vigil.analysis.keywords.add_terms`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from importlib import resources

from vigil.analysis import segment


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


__all__ = ["Entity", "extract_entities", "link_to_topics"]

PERSON, ORGANISATION, PLACE = "person", "organisation", "place"

_HAS_CJK_RE = re.compile("[\u3400-\u9fff]")
_EN_TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z0-9&'.\-]*[A-Za-z0-9]|[A-Za-z]|[,;:()\"!?.]")
_ABBREVIATIONS = _words("mr mrs ms dr prof st inc ltd corp co jr sr no vs")
_CONNECTORS = frozenset({"of", "and", "&", "de", "for", "the", "von", "van", "du"})
_ORG_SUFFIXES = _words(
    "inc inc. ltd ltd. llc plc corp corp. corporation company co co. group holdings bank "
    "university college institute ministry department agency commission association "
    "foundation airlines airways motors insurance technologies technology systems labs "
    "partners capital fund council court police hospital news times post journal "
    "authority bureau board federation union party school office service services "
    "pharma pharmaceuticals therapeutics biotech telecom interactive studios games air "
    "energy electric electronics software media networks robotics logistics foods"
)
#: Months and weekdays open many capitalised spans ("in April", "on Monday"); never names.
_CALENDAR = _words(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday "
    "saturday sunday mon tue tues wed thu thurs fri sat sun"
)
_ORG_HEADS = _words("university ministry department bank bureau office court")
_PLACE_SUFFIXES = _words(
    "city county province state street road river mountains district valley island "
    "islands bay lake region"
)
_TITLES = _words(
    "mr mr. mrs mrs. ms ms. dr dr. prof prof. sir dame president ceo chairman chairwoman "
    "minister senator governor mayor spokesperson spokesman spokeswoman founder director "
    "judge officer chief"
)
_REPORTING = _words("said says told added noted wrote tweeted posted")
_PLACE_PREPOSITIONS = frozenset({"in", "near", "across"})  # "at / from Halvex": often a brand
_NOT_ACRONYM_ORG = frozenset(
    {
        "CEO",
        "CFO",
        "CTO",
        "COO",
        "PR",
        "OK",
        "TV",
        "AI",
        "EV",
        "APP",
        "FAQ",
        "USD",
        "RMB",
        "GDP",
        "LOL",
        "OMG",
        "PSA",
        "IPO",
        "VIP",
        "DM",
        "AM",
        "PM",
        # Kinds of product and technology, not makers (found in brand mentions).
        "PC",
        "SUV",
        "OTA",
        "DLC",
        "GPS",
        "USB",
        "LED",
        "LCD",
        "OLED",
        "VR",
        "AR",
        "UI",
        "UX",
        "API",
        "SDK",
        "PDF",
        "DIY",
        "HD",
        "NFC",
        "SIM",
        "SMS",
        "QR",
        "ETA",
        "KPI",
        "ROI",
        "ESG",
        "PPT",
        "OS",
        "ASAP",
        "FYI",
        "BTW",
        "IMO",
        "TBH",
        "XL",
        "XXL",
        "BIOS",
        "GMT",
        "UTC",
        "RGB",
        "RPG",
        "FPS",
        "AC",
        "QC",
        "DAD",
        "MOM",
        "WTF",
        "SOS",
        "FREE",
        "NEW",
        "SALE",
        "ALL",
        "NOT",
        "NEVER",
        "WORST",
        "BEST",
        "STOP",
        "HELP",
        "ONE",
        "TWO",
        "THREE",
        "FOUR",
        "FIVE",
        "TEN",
    }
)
_ZH_ORG_SUFFIXES = (
    "有限责任公司",
    "股份有限公司",
    "有限公司",
    "公司",
    "集团",
    "银行",
    "大学",
    "学院",
    "医院",
    "研究院",
    "研究所",
    "协会",
    "委员会",
    "基金会",
    "法院",
    "检察院",
    "电视台",
    "日报",
    "报社",
    "出版社",
    "科技",
    "汽车",
    "航空",
    "保险",
    "证券",
    "控股",
    "工作室",
    "分公司",
    "门店",
)
_ZH_LEGAL_SUFFIXES = ("有限责任公司", "股份有限公司", "有限公司", "集团")
_ZH_GOV_SUFFIXES = ("局", "部", "厅", "署", "委", "办")
_ZH_TAGS = {"nr": PERSON, "nrfg": PERSON, "nrt": PERSON, "ns": PLACE, "nt": ORGANISATION}
_ZH_ADMIN_SUFFIXES = frozenset("省市县区镇乡村州旗盟")
_ZH_GENERIC_PLACE_STEMS = _words(
    "城中 城乡 新农 开发 保税 自贸 商业 居民 住宅 风景 旅游 工业 经济 高新 老城 新城 贫困 偏远 "
    "农村 沿海 边远 城市 发达 行政 自治 特别行政 试验 示范 核心 中心 市中心 城区 郊区 社区 小区"
)
#: Characters that do not occur in given names but do in ordinary phrases jieba glues to a
#: surname (于本周, 戴着, 汤洒了).
_ZH_NOT_IN_NAMES = frozenset("本周日今昨这那该此的了着过们是在和与也都就还被把给让从向对")
_ZH_COMMON_WORD_FREQUENCY = 300
_ZH_REPORTING = _words(
    "说 表示 称 回应 指出 透露 坦言 发文 发帖 发 介绍 强调 承认 否认 道歉 直言 呼吁 认为 宣布 "
    "声称 写道 发微博 接受采访"
)
_ZH_TITLES = _words(
    "董事长 总裁 创始人 联合创始人 总经理 经理 首席执行官 CEO 发言人 记者 主播 博主 网红 先生 "
    "女士 老师 医生 律师 教授 院士 市长 局长 主任 部长 总监 董秘 店长 副总裁 主席 厂长 校长"
)
_ZH_GLUE_TAGS = frozenset({"ns", "nz", "nr", "nt", "n", "nrt", "j", "eng", "nrfg", "vn"})

_lock = threading.Lock()
_gazetteers: dict[str, frozenset[str]] = {}


@dataclass(frozen=True, slots=True)
class Entity:
    """A named person, organisation or place, with how often the text names it."""

    name: str
    kind: str
    count: int = 1


def _gazetteer(name: str, sep: str) -> frozenset[str]:
    if name not in _gazetteers:
        with _lock:
            text = resources.files("vigil.analysis.lexicons").joinpath(name).read_text("utf-8")
            items: set[str] = set()
            for line in text.splitlines():
                if not line.startswith("#"):
                    items.update(i.strip() for i in line.split(sep) if i.strip())
            _gazetteers[name] = frozenset(items)
    return _gazetteers[name]


def extract_entities(text: str) -> list[Entity]:
    """Entities of ``text`` (any mix of Chinese and English), most-named first."""
    found: list[tuple[str, str]] = []
    if _HAS_CJK_RE.search(text):
        found.extend(_chinese(text))
    found.extend(_english(text))
    counts: dict[tuple[str, str], int] = {}
    for name, kind in found:
        counts[(name, kind)] = counts.get((name, kind), 0) + 1
    order = {key: i for i, key in reversed(list(enumerate(found)))}
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], order[kv[0]]))
    return [Entity(name, kind, n) for (name, kind), n in ranked]


def _chinese(text: str) -> list[tuple[str, str]]:
    orgs = _gazetteer("orgs_zh.txt", " ")
    user = segment.user_terms()
    tokens = segment.cut_pos(text)
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        word, tag = tokens[i]
        glued = _glue_org(tokens, i)
        if glued is not None:
            name, i = glued
            out.append((name, ORGANISATION))
            continue
        if word in orgs or user.get(word) == "nt":
            out.append((word, ORGANISATION))
        elif _zh_place(word, tag, user):
            out.append((word, PLACE))
        elif _ZH_TAGS.get(tag) == PERSON and _zh_person(tokens, i, user):
            out.append((word, PERSON))
        elif tag == "nt" and len(word) >= 2:
            out.append((word, ORGANISATION))
        i += 1
    return out


def _zh_place(word: str, tag: str, user: Mapping[str, str]) -> bool:
    """A place named in the gazetteer (or by the plan), or a place-tagged word with an
    administrative suffix (朝阳区, 鹤岗市). jieba alone tags 东西, 新鲜 and 壶盖 as places."""
    if len(word) < 2:
        return False
    places = _gazetteer("places_zh.txt", " ")
    if word in places or user.get(word) == "ns":
        return True
    stem, suffix = word[:-1], word[-1]
    if suffix not in _ZH_ADMIN_SUFFIXES or len(stem) < 2 or stem in _ZH_GENERIC_PLACE_STEMS:
        return False
    return tag == "ns" or stem in places


def _zh_person(tokens: list[tuple[str, str]], i: int, user: Mapping[str, str]) -> bool:
    """A person: a common surname and a short given name, and not an ordinary word. Three
    characters (张小红) are enough; two (雷军, but also 戴久 in 戴久了) need a cue nearby:
    a reporting verb (说, 表示, 回应 …) or a title (总裁, 女士, 记者 …)."""
    word = tokens[i][0]
    if user.get(word) == "nr":
        return True
    surname = segment.starts_with_surname(word)
    given = len(word) - surname
    if not surname or not 1 <= given <= 2 or any(c in _ZH_NOT_IN_NAMES for c in word):
        return False
    if segment.word_frequency(word) >= _ZH_COMMON_WORD_FREQUENCY and given == 1:
        return False  # 顾客, 高峰, 马甲: dictionary words tagged as names
    if given == 2:
        return True
    after = [w for w, _ in tokens[i + 1 : i + 4]]
    before = tokens[i - 1][0] if i > 0 else ""
    return (
        any(w in _ZH_REPORTING for w in after)
        or (after[:1] and after[0] in _ZH_TITLES)
        or before in _ZH_TITLES
    )


def _glue_org(tokens: list[tuple[str, str]], i: int) -> tuple[str, int] | None:
    """星澜 科技 有限公司 → 星澜科技有限公司: proper/common nouns up to an org suffix."""
    j = i
    parts: list[str] = []
    while j < len(tokens) and len(parts) < 5 and tokens[j][1] in _ZH_GLUE_TAGS:
        parts.append(tokens[j][0])
        j += 1
        name = "".join(parts)
        head = tokens[i][1]
        proper_head = head in {"ns", "nz", "nr", "nt", "nrt", "j", "eng", "nrfg"}
        if len(parts) >= 2 and (
            (proper_head and name.endswith(_ZH_ORG_SUFFIXES + _ZH_GOV_SUFFIXES))
            or name.endswith(_ZH_LEGAL_SUFFIXES)  # 星澜(n) 科技 有限公司: unknown names tag as n
        ):
            # Extend greedily: 星澜 科技 有限公司 rather than 星澜科技.
            k = j
            while k < len(tokens) and tokens[k][0] in _ZH_ORG_SUFFIXES:
                name += tokens[k][0]
                k += 1
            return name, k
    return None


def _english(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    lowered_words = set(re.findall(r"[a-z]+", text))
    tokens = _EN_TOKEN_RE.findall(text)
    i = 0
    while i < len(tokens):
        if not _capitalised(tokens[i]):
            i += 1
            continue
        j = i + 1
        while j < len(tokens):
            if _capitalised(tokens[j]):
                j += 1
            elif (
                tokens[j].lower() in _CONNECTORS
                and j + 1 < len(tokens)
                and _capitalised(tokens[j + 1])
            ):
                j += 2
            else:
                break
        for start, end in _split_at_titles(tokens, i, j):
            entity = _classify_span(tokens, start, end, lowered_words)
            if entity is not None:
                out.extend(entity)
        i = j
    return out


def _split_at_titles(tokens: list[str], i: int, j: int) -> list[tuple[int, int]]:
    """ "Apple CEO Tim Cook" → "Apple", "Tim Cook" (the title stays as context)."""
    parts: list[tuple[int, int]] = []
    start = i
    for k in range(i, j):
        if tokens[k].lower() in _TITLES:
            if k > start:
                parts.append((start, k))
            start = k + 1
    if start < j:
        parts.append((start, j))
    return parts


def _previous_word(tokens: list[str], i: int) -> tuple[str, bool]:
    """The word before position ``i`` (skipping a full stop) and whether ``i`` opens a sentence."""
    k = i - 1
    if k < 0:
        return "", True
    if tokens[k] in {".", "!", "?"}:
        word = tokens[k - 1].lower() if k > 0 else ""
        return word, word not in _ABBREVIATIONS
    return tokens[k].lower(), tokens[k] in {'"', "(", ":"}


def _classify_span(
    tokens: list[str], start: int, end: int, lowered: set[str]
) -> list[tuple[str, str]] | None:
    span = [t.removesuffix("'s").removesuffix("\u2019s") for t in tokens[start:end]]
    before, sentence_start = _previous_word(tokens, start)
    names = _gazetteer("given_names_en.txt", " ")
    if sentence_start and len(span) > 1 and span[0] not in names and _opener(span):
        # "Ordered the Qubrix Air", "Shares of Solquist", "Called Sheltra Insurance": the
        # sentence's first word is an ordinary word glued to the name by its capital.
        cut = 2 if len(span) > 2 and span[1].lower() in {"the", "of"} else 1
        before, sentence_start = span[cut - 1].lower(), False
        span, start = span[cut:], start + cut
    after = tokens[end].lower() if end < len(tokens) else ""
    # "Jane Foster of Keystone Insurance": a person of an organisation.
    if "of" in span and (before in _TITLES or span[0] in names):
        k = span.index("of")
        left = _classify(span[:k], before, "of", sentence_start, lowered)
        right = _classify(span[k + 1 :], "of", after, False, lowered)
        if left is not None and left[1] == PERSON and right is not None:
            return [left, right]
    entity = _classify(span, before, after, sentence_start, lowered)
    if entity is None and sentence_start and len(span) > 1 and span[0] not in names:
        # "Later Reuters updated …": the opener is an ordinary capitalised word.
        entity = _classify(span[1:], span[0].lower(), after, False, lowered)
    return None if entity is None else [entity]


def _opener(span: list[str]) -> bool:
    """Whether a sentence-opening span starts with an ordinary word: a verb form (Called,
    Using) or a common noun joined by "the"/"of" (Shares of …), but not Bank of America."""
    first = span[0].lower()
    if first in _ORG_HEADS or first in _CONNECTORS:
        return False
    if len(span) > 2 and span[1].lower() in {"the", "of"}:
        return True
    return len(first) > 4 and first.endswith(("ed", "ing"))


def _capitalised(token: str) -> bool:
    return token[0].isupper() and (len(token) == 1 or not token.isupper() or len(token) <= 6)


def _classify(
    span: list[str], before: str, after: str, sentence_start: bool, lowered: set[str]
) -> tuple[str, str] | None:
    name = " ".join(span)
    places = _gazetteer("places_en.txt", ";")
    orgs = _gazetteer("orgs_en.txt", ";")
    names = _gazetteer("given_names_en.txt", " ")
    if span[0].lower() == "the" and len(span) > 1:
        span = span[1:]
        name = " ".join(span)
    first, last = span[0], span[-1]
    if name.lower() in _TITLES or all(t.lower() in _CALENDAR for t in span):
        return None
    if name in orgs:
        return name, ORGANISATION
    if name in places:
        return name, PLACE
    if last.lower() in _ORG_SUFFIXES or (len(span) > 2 and first.lower() in _ORG_HEADS):
        return name, ORGANISATION
    if len(span) > 1 and last.lower() in _PLACE_SUFFIXES:
        return name, PLACE
    if before in _TITLES:
        return name, PERSON
    if first in names and 2 <= len(span) <= 3 and all(t[0].isupper() for t in span):
        return name, PERSON
    if (
        len(span) == 1
        and first.isupper()
        and first.isalpha()  # R7, X9: model numbers, not makers
        and 2 <= len(first) <= 6
        and first not in _NOT_ACRONYM_ORG
    ):
        return name, ORGANISATION
    if sentence_start and len(span) == 1 and first.lower() in lowered:
        return None  # an ordinary word that happens to open the sentence
    if (
        2 <= len(span) <= 3
        and after in _REPORTING
        and not any(t.lower() in _CONNECTORS for t in span)  # "Telecom and Orbivo said"
    ):
        return name, PERSON
    if (
        before in _PLACE_PREPOSITIONS
        and len(span) <= 2
        and not sentence_start
        and len(name) >= 3
        and "'" not in name
    ):
        return name, PLACE
    return None


def _fold(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().lower()


def link_to_topics(
    entities: Iterable[Entity], topic_terms: Mapping[Hashable, Iterable[str]]
) -> dict[str, list[Hashable]]:
    """For each entity, the topics whose terms name it (equal, or one contains the other).

    ``topic_terms`` maps a topic id to its brand/product/person names (from the
    monitoring plan). Terms of one or two characters only match exactly.
    """
    folded = {topic: [_fold(t) for t in terms if t.strip()] for topic, terms in topic_terms.items()}
    out: dict[str, list[Hashable]] = {}
    for entity in entities:
        name = _fold(entity.name)
        hits = [
            topic
            for topic, terms in folded.items()
            if any(
                t == name or (len(t) > 2 and len(name) > 2 and (t in name or name in t))
                for t in terms
            )
        ]
        if hits:
            out[entity.name] = hits
    return out
