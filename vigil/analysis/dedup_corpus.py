"""Generated brand posts for the near-duplicate evaluation.

Distinct posts must look alike — same brands, same complaints, same vocabulary — or a
"no false matches" figure would say nothing. Each post is built from several
templated sentences with independently drawn slots, so two posts share topic words
and the odd phrase but are different texts. Written for Vigil; no third-party text.
"""

from __future__ import annotations

import random

__all__ = ["english_post", "chinese_post"]

_EN_BRANDS = [
    "Nimbus",
    "Harbor Bank",
    "Lumen Air",
    "FreshCart",
    "Volta Motors",
    "Keystone Insurance",
]
_EN_PRODUCTS = {
    "Nimbus": ["Nimbus X2 phone", "Nimbus Pad", "Nimbus Buds", "Nimbus watch", "Nimbus laptop"],
    "Harbor Bank": ["mobile banking app", "credit card", "savings account", "mortgage portal"],
    "Lumen Air": ["flight", "checked bag", "loyalty points", "online check-in", "lounge pass"],
    "FreshCart": ["grocery order", "express delivery", "membership", "fresh produce box"],
    "Volta Motors": ["V5 sedan", "home charger", "software update", "service appointment"],
    "Keystone Insurance": ["car claim", "home policy", "renewal quote", "claims hotline"],
}
_EN_PROBLEMS = [
    "stopped working after {n} days",
    "was delayed by {n} hours",
    "charged me twice",
    "arrived damaged",
    "keeps crashing every morning",
    "got cancelled without notice",
    "lost all my data",
    "overheated while charging",
    "was missing half the items",
    "doubled the monthly fee",
    "froze during the update",
    "never showed up",
    "billed me ${n} for nothing",
    "locked me out of my account",
    "leaked on the floor",
]
_EN_PRAISE = [
    "fixed it in {n} minutes",
    "refunded me the same day",
    "was friendly and quick",
    "exceeded what I expected",
    "sent a replacement overnight",
    "upgraded my seat for free",
    "explained everything clearly",
    "handled the claim in {n} days",
]
_EN_PEOPLE = [
    "my mum",
    "my neighbour",
    "a friend of mine",
    "my colleague",
    "my brother",
    "the agent",
    "the driver",
    "the store manager",
    "support",
    "the technician",
]
_EN_PLACES = [
    "Leeds",
    "Austin",
    "Toronto",
    "Manchester",
    "Denver",
    "Sydney",
    "Dublin",
    "Seattle",
    "Bristol",
    "Chicago",
    "Auckland",
    "Boston",
    "Glasgow",
    "Phoenix",
]
_EN_TIMES = [
    "yesterday",
    "last night",
    "this morning",
    "on Monday",
    "two weeks ago",
    "over the weekend",
    "on Friday evening",
    "just now",
    "last month",
    "today",
]
_EN_FEELINGS = [
    "Absolutely furious.",
    "Never again.",
    "Honestly impressed.",
    "So disappointed.",
    "Is anyone else seeing this?",
    "Thanks for nothing.",
    "Credit where it's due.",
    "What a joke.",
    "Fair play to them.",
    "Still waiting for an answer.",
    "Avoid at all costs.",
    "Would recommend.",
    "Unbelievable.",
    "Shocking service.",
]
_EN_SENTENCES = [
    "My {product} from {brand} {problem} {time}.",
    "{brand} support {praise} when {person} called {time}.",
    "Went to the {brand} store in {place} {time} and they told me the {product} {problem}.",
    "{person} says their {product} {problem} too, so this is not just me.",
    "Third time this {period} that the {product} {problem}.",
    "Waited {n} minutes on hold with {brand} and nobody picked up.",
    "{brand} promised a fix by {day} but the {product} still {problem}.",
    "Ordered the {product} {time}; it {problem} and the refund takes {n} days.",
    "Credit to {brand}: {person} {praise}.",
    "Reports from {place} say the {brand} {product} {problem} for hundreds of customers.",
    "Why does the {product} cost ${n} more in {place} than anywhere else?",
    "If your {brand} {product} {problem}, ask for a supervisor and mention case {n}.",
    "The {brand} app shows an error code {n} whenever I open the {product} page.",
    "Switched from {other} to {brand} {time} and the {product} already {problem}.",
    "{brand} posted an apology {time} but said nothing about the {product}.",
    "Anyone know how to reach a real person at {brand}? The chatbot keeps looping.",
    "Been a {brand} customer for {n} years and this is how they treat me.",
    "Honestly the {product} is great when it works, but it {problem} {time}.",
    "Got an email from {brand} {time} saying my {product} was fine. It was not.",
    "The queue at the {brand} counter in {place} was {n} people long {time}.",
    "{person} works at {brand} and says staff were told not to talk about the {product}.",
    "Small win: {brand} {praise} after I posted here {time}.",
    "Price check: the {product} went up {n}% since spring.",
    "Filed complaint number {n} with the regulator about {brand} {time}.",
    "Watching the {brand} livestream {time}; not one word about why the {product} {problem}.",
    "My review of the {product}: {stars} stars, mostly because it {problem}.",
    "Tip for {place} folks: the {brand} branch near the station {praise}.",
    "Local news in {place} ran a story {time} on how the {brand} {product} {problem}.",
    "Cancelled my {product} with {brand} {time}. Took {n} emails.",
    "{brand} shares fell {n}% {time} after reports the {product} {problem}.",
]
_EN_PERIODS = ["week", "month", "year", "quarter"]
_EN_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "the weekend", "month end"]
_EN_TAGS = ["#fail", "#customerservice", "#refund", "#travel", "#tech", "#banking", "#EV"]

_ZH_BRANDS = ["星澜手机", "海港银行", "明航航空", "鲜达超市", "伏特汽车", "磐石保险"]
_ZH_PRODUCTS = {
    "星澜手机": ["X2手机", "平板电脑", "无线耳机", "智能手表", "笔记本电脑"],
    "海港银行": ["手机银行", "信用卡", "储蓄账户", "房贷业务"],
    "明航航空": ["航班", "托运行李", "会员积分", "网上值机", "贵宾室"],
    "鲜达超市": ["生鲜订单", "即时配送", "会员卡", "水果礼盒"],
    "伏特汽车": ["V5轿车", "家用充电桩", "车机系统", "售后保养"],
    "磐石保险": ["车险理赔", "家财险", "续保报价", "客服热线"],
}
_ZH_PROBLEMS = [
    "用了{n}天就坏了",
    "延误了{n}个小时",
    "被重复扣款",
    "收到时已经破损",
    "每天早上都闪退",
    "没有通知就被取消",
    "数据全部丢失",
    "充电时严重发烫",
    "少了一半的商品",
    "月费突然翻倍",
    "升级后直接卡死",
    "一直没有送到",
    "莫名扣了{n}元",
    "账户被锁定",
    "漏水漏了一地",
]
_ZH_PRAISE = [
    "{n}分钟就解决了",
    "当天就退款了",
    "态度很好效率很高",
    "超出了我的预期",
    "第二天就换了新的",
    "免费给我升舱",
    "解释得很清楚",
    "{n}天就办完理赔",
]
_ZH_PEOPLE = [
    "我妈",
    "邻居",
    "一个朋友",
    "同事",
    "我哥",
    "客服小姐姐",
    "快递小哥",
    "店长",
    "售后人员",
    "维修师傅",
]
_ZH_PLACES = [
    "北京",
    "上海",
    "广州",
    "深圳",
    "成都",
    "杭州",
    "武汉",
    "西安",
    "南京",
    "重庆",
    "苏州",
    "长沙",
    "郑州",
    "青岛",
]
_ZH_TIMES = [
    "昨天",
    "昨晚",
    "今天早上",
    "周一",
    "两周前",
    "上周末",
    "周五晚上",
    "刚刚",
    "上个月",
    "今天下午",
]
_ZH_FEELINGS = [
    "气死了！",
    "再也不买了。",
    "真心点赞。",
    "太失望了。",
    "有没有人遇到同样的问题？",
    "服了。",
    "这次必须表扬。",
    "简直离谱。",
    "给个好评。",
    "到现在都没人回复。",
    "大家避雷！",
    "推荐。",
    "无语。",
    "这服务太差了。",
]
_ZH_SENTENCES = [
    "我在{brand}买的{product}{time}{problem}。",
    "{person}{time}打了{brand}的电话，客服{praise}。",
    "{time}去了{place}的{brand}门店，店员说{product}{problem}是常见问题。",
    "{person}说他的{product}也{problem}，看来不只是我一个人。",
    "这个{period}已经第三次{product}{problem}了。",
    "给{brand}打电话等了{n}分钟都没人接。",
    "{brand}承诺{day}之前修好，结果{product}还是{problem}。",
    "{time}下单的{product}{problem}，退款还要等{n}天。",
    "必须表扬一下{brand}，{person}{praise}。",
    "{place}很多网友反映{brand}的{product}{problem}。",
    "为什么{place}的{product}比别的地方贵{n}元？",
    "如果你的{brand}{product}{problem}，记得找主管并报工单号{n}。",
    "打开{brand}App的{product}页面就报错，错误代码{n}。",
    "{time}从{other}换到{brand}，结果{product}已经{problem}。",
    "{brand}{time}发了道歉声明，但对{product}的问题只字未提。",
    "有谁知道怎么联系{brand}的人工客服吗？机器人一直在绕圈子。",
    "当了{brand}{n}年的老用户，就这么对待我。",
    "说实话{product}正常的时候挺好用，可{time}又{problem}。",
    "{time}收到{brand}的短信说我的{product}没问题，实际上根本不是这样。",
    "{time}{place}的{brand}柜台前排了{n}个人。",
    "{person}在{brand}上班，说公司不让员工谈{product}的事。",
    "小小的胜利：我{time}发帖以后，{brand}{praise}。",
    "比了一下价格，{product}从春天到现在涨了{n}%。",
    "{time}向监管部门投诉了{brand}，投诉编号{n}。",
    "{time}看了{brand}的直播，对{product}为什么{problem}一个字都没说。",
    "{product}测评：{stars}星，主要是因为{problem}。",
    "{place}的朋友注意，车站旁边那家{brand}网点{praise}。",
    "{place}本地新闻{time}报道了{brand}{product}{problem}的事。",
    "{time}把{brand}的{product}退了，前后发了{n}封邮件。",
    "有消息称{product}{problem}，{brand}股价{time}下跌{n}%。",
]
_ZH_PERIODS = ["星期", "月", "季度", "年"]
_ZH_DAYS = ["周一", "周三", "周五", "月底", "下周", "国庆前"]
_ZH_TAGS = ["#维权#", "#避雷#", "#客服#", "#出行#", "#数码#", "#消费投诉#"]


def _fill(template: str, rng: random.Random, zh: bool) -> str:
    brands = _ZH_BRANDS if zh else _EN_BRANDS
    brand = rng.choice(brands)
    products = (_ZH_PRODUCTS if zh else _EN_PRODUCTS)[brand]
    slots = {
        "brand": brand,
        "other": rng.choice([b for b in brands if b != brand]),
        "product": rng.choice(products),
        "problem": rng.choice(_ZH_PROBLEMS if zh else _EN_PROBLEMS),
        "praise": rng.choice(_ZH_PRAISE if zh else _EN_PRAISE),
        "person": rng.choice(_ZH_PEOPLE if zh else _EN_PEOPLE),
        "place": rng.choice(_ZH_PLACES if zh else _EN_PLACES),
        "time": rng.choice(_ZH_TIMES if zh else _EN_TIMES),
        "period": rng.choice(_ZH_PERIODS if zh else _EN_PERIODS),
        "day": rng.choice(_ZH_DAYS if zh else _EN_DAYS),
        "stars": str(rng.randint(1, 5)),
    }
    text = template.format(**slots, n="{n}")
    # Slots can themselves hold {n}; numbers make otherwise-equal phrases differ.
    while "{n}" in text:
        text = text.replace("{n}", str(rng.choice([2, 3, 5, 10, 15, 20, 30, 45, 90, 120, 300])), 1)
    text = text[0].upper() + text[1:] if not zh else text
    return text


def english_post(rng: random.Random) -> str:
    """One short English post about a fictional brand."""
    parts = [_fill(t, rng, False) for t in rng.sample(_EN_SENTENCES, rng.randint(2, 3))]
    if rng.random() < 0.7:
        parts.append(rng.choice(_EN_FEELINGS))
    if rng.random() < 0.4:
        parts.append(rng.choice(_EN_TAGS))
    return " ".join(parts)


def chinese_post(rng: random.Random) -> str:
    """One short Chinese post about a fictional brand."""
    parts = [_fill(t, rng, True) for t in rng.sample(_ZH_SENTENCES, rng.randint(2, 3))]
    if rng.random() < 0.7:
        parts.append(rng.choice(_ZH_FEELINGS))
    if rng.random() < 0.4:
        parts.insert(0, rng.choice(_ZH_TAGS))
    return "".join(parts)
