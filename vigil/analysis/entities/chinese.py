"""Chinese entities: jieba's parts of speech (nr person, ns place, nt organisation),
corrected where they are noisy (see ``find_chinese``)."""

from __future__ import annotations

from collections.abc import Mapping

from vigil.analysis import segment
from vigil.analysis.entities.lexicon import (
    ORGANISATION,
    PERSON,
    PLACE,
    gazetteer,
    words,
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
_ZH_GENERIC_PLACE_STEMS = words(
    "城中 城乡 新农 开发 保税 自贸 商业 居民 住宅 风景 旅游 工业 经济 高新 老城 新城 贫困 偏远 "
    "农村 沿海 边远 城市 发达 行政 自治 特别行政 试验 示范 核心 中心 市中心 城区 郊区 社区 小区"
)
#: Characters that do not occur in given names but do in ordinary phrases jieba glues to a
#: surname (于本周, 戴着, 汤洒了).
_ZH_NOT_IN_NAMES = frozenset("本周日今昨这那该此的了着过们是在和与也都就还被把给让从向对")
_ZH_COMMON_WORD_FREQUENCY = 300
_ZH_REPORTING = words(
    "说 表示 称 回应 指出 透露 坦言 发文 发帖 发 介绍 强调 承认 否认 道歉 直言 呼吁 认为 宣布 "
    "声称 写道 发微博 接受采访"
)
_ZH_TITLES = words(
    "董事长 总裁 创始人 联合创始人 总经理 经理 首席执行官 CEO 发言人 记者 主播 博主 网红 先生 "
    "女士 老师 医生 律师 教授 院士 市长 局长 主任 部长 总监 董秘 店长 副总裁 主席 厂长 校长"
)
_ZH_GLUE_TAGS = frozenset({"ns", "nz", "nr", "nt", "n", "nrt", "j", "eng", "nrfg", "vn"})


def find_chinese(text: str) -> list[tuple[str, str]]:
    orgs = gazetteer("orgs_zh.txt", " ")
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
    places = gazetteer("places_zh.txt", " ")
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
