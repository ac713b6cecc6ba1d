"""Slot fillers shared by the brand-mention corpus: fictional companies, products, numbers.

Every company name here was invented for Vigil; a resemblance to a real firm is
unintended. Industries carry their own products and service words so that a
complaint about a bank talks about transfers and one about an airline about bags.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = ["INDUSTRIES_EN", "INDUSTRIES_ZH", "Industry", "fill"]


@dataclass(frozen=True, slots=True)
class Industry:
    """Names and words of one sector in one language."""

    key: str
    companies: tuple[str, ...]
    products: tuple[str, ...]
    parts: tuple[str, ...]  # features or service points people talk about


INDUSTRIES_EN: tuple[Industry, ...] = (
    Industry(
        "phones",
        ("Brightcell", "Pixora", "Nuvexa", "Corvane Mobile", "Lumetra"),
        ("the Pixora 9", "the X5 Pro", "the Lumetra Fold", "the new flagship", "the Nuvexa Lite"),
        ("battery", "camera", "screen", "software update", "charging", "speaker"),
    ),
    Industry(
        "laptops",
        ("Daxtron", "Helioport", "Quenby Systems", "Arkwell"),
        ("the Daxtron Book 13", "the Arkwell Slim", "the Helioport X", "their gaming laptop"),
        ("keyboard", "trackpad", "fan noise", "battery life", "hinge", "display"),
    ),
    Industry(
        "ev",
        ("Ostrava Motors", "Velantis EV", "Kairo Auto", "Brennic Motors"),
        ("the Kairo S", "the Velantis Model 3X", "the Ostrava crossover", "their new sedan"),
        (
            "range",
            "charging network",
            "driver-assist",
            "infotainment screen",
            "service center",
            "paint",
        ),
    ),
    Industry(
        "coffee",
        ("Beanhaven", "Copper Kettle Coffee", "Moro Roasters", "Daybreak Brew"),
        ("the oat latte", "the seasonal menu", "the cold brew", "their pastries"),
        ("app ordering", "wait times", "staff", "prices", "portions", "cleanliness"),
    ),
    Industry(
        "food",
        ("Grainfield Foods", "Tastewell", "Oakmere Dairy", "Sunpatch Snacks"),
        (
            "the yogurt line",
            "the frozen dumplings",
            "the kids' snack packs",
            "the plant-based burger",
        ),
        ("packaging", "taste", "ingredients", "price", "portion size", "freshness"),
    ),
    Industry(
        "airline",
        ("Skyvane Airlines", "Aerolux", "Northwind Air", "Bluecrest Airways"),
        (
            "the Lisbon route",
            "their premium economy",
            "the red-eye to Denver",
            "the loyalty programme",
        ),
        (
            "baggage handling",
            "crew",
            "legroom",
            "on-time performance",
            "check-in",
            "refund process",
        ),
    ),
    Industry(
        "bank",
        ("Harrowgate Bank", "Meridia Financial", "Coinwell", "Trustmark Savings"),
        ("the mobile app", "the cashback card", "their mortgage offer", "the savings account"),
        ("transfers", "customer service", "fees", "fraud team", "card payments", "login"),
    ),
    Industry(
        "telecom",
        ("Signalis", "Vortel", "Aircom One", "Linkbridge"),
        ("the unlimited plan", "fibre broadband", "the 5G network", "their prepaid SIM"),
        ("coverage", "download speeds", "billing", "roaming", "support line", "router"),
    ),
    Industry(
        "ecommerce",
        ("Shopnest", "Cartwell", "Bazaaro", "Tradeloom"),
        ("the Prime-style membership", "the marketplace", "the flash sale", "same-day delivery"),
        ("returns", "seller ratings", "checkout", "search", "refunds", "customer support"),
    ),
    Industry(
        "delivery",
        ("Swiftparcel", "Dashly", "Postwing", "Roamer Express"),
        ("next-day delivery", "the courier app", "food delivery", "parcel lockers"),
        ("tracking", "drivers", "delivery windows", "lost parcels", "support chat", "fees"),
    ),
    Industry(
        "hotel",
        ("Larchmont Hotels", "Staywell Inns", "Coralbay Resorts", "Nestaway Homes"),
        ("the downtown hotel", "the beach resort", "their airport inn", "the loyalty suites"),
        ("front desk", "breakfast", "room cleanliness", "Wi-Fi", "beds", "noise"),
    ),
    Industry(
        "insurance",
        ("Shieldmark Insurance", "Canopy Mutual", "Everguard", "Plainsure"),
        ("car insurance", "travel cover", "the home policy", "health plans"),
        ("claims", "premiums", "call center", "payouts", "renewal quotes", "paperwork"),
    ),
    Industry(
        "ridehail",
        ("Zoomly", "Hailo Go", "Ridemate", "Cabzy"),
        ("the ride app", "airport rides", "the scooter service", "Ridemate Pool"),
        (
            "drivers",
            "surge pricing",
            "pickup times",
            "in-app support",
            "cancellation fees",
            "safety features",
        ),
    ),
    Industry(
        "games",
        ("Ironleaf Games", "Pixelvault", "Stormcrest Studios", "Quillbyte"),
        ("Starfall Odyssey", "the new battle pass", "Ember Kingdoms", "the expansion pack"),
        ("servers", "matchmaking", "microtransactions", "patch", "story", "anti-cheat"),
    ),
    Industry(
        "fashion",
        ("Threadline", "Northpeak Outdoor", "Velour & Co", "Stridewell"),
        ("the running shoes", "the winter jacket", "the new collection", "their denim"),
        ("sizing", "stitching", "fabric", "returns", "price", "colour"),
    ),
    Industry(
        "pharma",
        ("Calvera Pharma", "Medrion", "Biolinea", "Orthena Therapeutics"),
        ("its diabetes drug", "the flu vaccine", "the cancer therapy", "its generic painkiller"),
        ("trial data", "supply", "pricing", "side effects", "manufacturing", "pipeline"),
    ),
    Industry(
        "software",
        ("Cloudmere", "Taskforge", "Datavine", "Notewise"),
        ("the project tool", "the cloud storage plan", "the CRM", "the note-taking app"),
        ("sync", "pricing tiers", "uptime", "integrations", "support tickets", "UI"),
    ),
    Industry(
        "streaming",
        ("Reelbox", "Tunecast", "Vistaflix", "Soundharbor"),
        ("the ad-free tier", "the family plan", "the new original series", "the music app"),
        (
            "catalogue",
            "subscription price",
            "recommendations",
            "buffering",
            "app",
            "password sharing rules",
        ),
    ),
    Industry(
        "retail",
        ("Fairbasket", "Greenway Market", "Homestead Goods", "Pennyline"),
        ("the own-brand range", "self-checkout", "the loyalty card", "the home section"),
        ("queues", "prices", "stock", "staff", "produce quality", "parking"),
    ),
    Industry(
        "property",
        ("Ashcombe Homes", "Redstone Developments", "Vale Living", "Keystone Estates"),
        (
            "the riverside project",
            "their new apartments",
            "the tower on Main Street",
            "the rental units",
        ),
        (
            "handover",
            "build quality",
            "property management",
            "maintenance",
            "deposit refunds",
            "amenities",
        ),
    ),
)

INDUSTRIES_ZH: tuple[Industry, ...] = (
    Industry(
        "phones",
        ("星曜", "闪芯", "朗讯达", "拓芯科技", "锦屏"),
        ("星曜X9", "新款折叠屏", "闪芯Pro", "锦屏Note", "这款旗舰机"),
        ("续航", "拍照", "屏幕", "系统更新", "充电", "信号"),
    ),
    Industry(
        "appliance",
        ("美澜电器", "沁风", "家和智能", "暖途"),
        ("扫地机器人", "空调", "洗碗机", "空气净化器", "冰箱"),
        ("噪音", "售后", "安装", "耗电", "做工", "说明书"),
    ),
    Industry(
        "ev",
        ("远骋汽车", "蓝途新能源", "极驿", "风驰汽车"),
        ("远骋S7", "蓝途M5", "新款SUV", "这台电车", "极驿GT"),
        ("续航", "车机", "智驾", "充电桩", "4S店服务", "漆面"),
    ),
    Industry(
        "tea",
        ("茶小满", "沐茶", "一杯山", "橘屿茶饮"),
        ("新品奶茶", "芝士莓莓", "招牌柠檬茶", "杨枝甘露", "季节限定"),
        ("甜度", "出杯速度", "店员态度", "价格", "小料", "卫生"),
    ),
    Industry(
        "food",
        ("禾丰食品", "味臻", "鲜牧乳业", "巧厨"),
        ("速冻水饺", "酸奶", "辣条", "预制菜", "儿童零食"),
        ("包装", "口味", "配料表", "价格", "分量", "保质期"),
    ),
    Industry(
        "restaurant",
        ("老灶台", "渝味坊", "鲜锅里", "麦田烘焙"),
        ("火锅", "招牌烤鱼", "面包", "外卖套餐", "新店"),
        ("服务", "排队", "上菜速度", "卫生", "分量", "环境"),
    ),
    Industry(
        "airline",
        ("翔云航空", "东屿航空", "鹏程航空", "海鸥航空"),
        ("飞三亚的航班", "经济舱", "会员计划", "红眼航班", "国际航线"),
        ("行李", "空乘", "准点率", "值机", "退改签", "餐食"),
    ),
    Industry(
        "bank",
        ("汇丰源银行", "恒信银行", "金桥银行", "安合银行"),
        ("手机银行", "信用卡", "理财产品", "房贷", "储蓄账户"),
        ("转账", "客服", "手续费", "额度", "网点服务", "APP"),
    ),
    Industry(
        "telecom",
        ("联讯通信", "天翼互联", "畅联移动", "星网宽带"),
        ("5G套餐", "宽带", "流量包", "副卡", "携号转网"),
        ("信号", "网速", "扣费", "客服", "资费", "营业厅"),
    ),
    Industry(
        "ecommerce",
        ("优品汇", "淘乐购", "拼多鲜", "云选商城"),
        ("大促", "会员", "直播间", "自营店", "百亿补贴"),
        ("退货", "物流", "客服", "价格", "售后", "商品质量"),
    ),
    Industry(
        "delivery",
        ("速达快递", "闪送侠", "顺捷物流", "饿了快送"),
        ("快递", "外卖", "同城配送", "驿站", "次日达"),
        ("配送速度", "快递员", "包装", "丢件", "客服", "运费"),
    ),
    Industry(
        "hotel",
        ("云栖酒店", "澜庭民宿", "锦途酒店", "海岸度假村"),
        ("亲子房", "海景房", "商务酒店", "民宿", "自助早餐"),
        ("前台", "卫生", "隔音", "床品", "早餐", "停车"),
    ),
    Industry(
        "insurance",
        ("安康保险", "平和人寿", "福盾保险", "众信财险"),
        ("车险", "医疗险", "重疾险", "旅游险", "意外险"),
        ("理赔", "保费", "客服", "条款", "续保", "退保"),
    ),
    Industry(
        "ridehail",
        ("快的出行", "嘀嗒约车", "安途出行", "顺风行"),
        ("网约车", "顺风车", "专车", "共享单车", "接机服务"),
        ("司机", "计价", "接驾时间", "安全", "取消费", "客服"),
    ),
    Industry(
        "games",
        ("星穹互娱", "幻境游戏", "青鸾网络", "乐游科技"),
        ("新手游", "新版本", "赛季通行证", "这款二次元游戏", "新皮肤"),
        ("服务器", "抽卡概率", "剧情", "平衡性", "外挂", "福利"),
    ),
    Industry(
        "fashion",
        ("步云鞋业", "暖绒服饰", "锐跑运动", "衣尚"),
        ("跑鞋", "羽绒服", "新款卫衣", "联名款", "冲锋衣"),
        ("尺码", "做工", "面料", "版型", "价格", "掉色"),
    ),
    Industry(
        "pharma",
        ("康瑞医药", "华济制药", "泽生生物", "同和药业"),
        ("降糖药", "疫苗", "创新药", "仿制药", "抗癌新药"),
        ("临床数据", "集采", "产能", "副作用", "研发管线", "价格"),
    ),
    Industry(
        "software",
        ("云帆软件", "智办", "数衡科技", "笔记猫"),
        ("网盘", "办公软件", "会员", "输入法", "云服务"),
        ("同步", "广告", "收费", "稳定性", "客服", "隐私"),
    ),
    Industry(
        "retail",
        ("家乐汇", "鲜丰超市", "百佳惠", "便利蜂巢"),
        ("自有品牌", "会员店", "生鲜", "社区团购", "门店"),
        ("价格", "排队", "生鲜质量", "店员", "退换货", "库存"),
    ),
    Industry(
        "property",
        ("融城地产", "锦华置业", "碧湾物业", "中屿地产"),
        ("新楼盘", "精装房", "学区房项目", "物业服务", "公寓"),
        ("交房", "质量", "物业费", "维修", "绿化", "停车位"),
    ),
)


def fill(template: str, ind: Industry, rng: random.Random, **extra: str) -> str:
    """Fill ``{co}``, ``{prod}``, ``{part}`` and number slots of a template."""
    co, co2 = rng.sample(ind.companies, 2)
    slots = {
        "co": co,
        "co2": co2,
        "prod": rng.choice(ind.products),
        "part": rng.choice(ind.parts),
        "part2": rng.choice(ind.parts),
        "n": str(rng.choice([2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30, 45])),
        "big": f"{rng.choice([1.2, 2, 3.5, 4, 6, 8, 12, 15, 20, 35, 48, 60, 120, 250])}",
        "pct": str(rng.choice([3, 4, 5, 6, 7, 8, 9, 11, 12, 14, 17, 18, 22, 25, 31, 40])),
        "k": f"{rng.choice([1200, 3400, 8000, 12000, 26000, 45000, 90000, 140000, 310000])}",
        "hours": str(rng.choice([2, 3, 4, 5, 6, 9, 12, 14, 20])),
        "days": str(rng.choice([3, 5, 7, 10, 12, 14, 18, 21, 30, 45])),
        "money": rng.choice(
            [
                "$4.2 million",
                "$18 million",
                "€35 million",
                "$120 million",
                "£9 million",
                "$2.1 billion",
                "$640 million",
                "€1.3 billion",
            ]
        ),
        "qtr": rng.choice(["first-quarter", "second-quarter", "third-quarter", "fourth-quarter"]),
        "day": rng.choice(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]),
        "month": rng.choice(["March", "April", "June", "September", "October", "November"]),
        "city": rng.choice(
            [
                "Lisbon",
                "Denver",
                "Osaka",
                "Austin",
                "Leeds",
                "Lyon",
                "Perth",
                "Toronto",
                "Dublin",
                "Rotterdam",
                "Phoenix",
                "Singapore",
            ]
        ),
        "yi": str(rng.choice([1.5, 2, 3.6, 5, 8, 12, 20, 36, 58, 80, 120, 300])),
        "wan": str(rng.choice([2, 3, 5, 8, 12, 20, 36, 50, 80, 150])),
        "zcity": rng.choice(
            [
                "上海",
                "杭州",
                "成都",
                "深圳",
                "武汉",
                "西安",
                "南京",
                "长沙",
                "重庆",
                "广州",
                "苏州",
                "郑州",
                "厦门",
                "青岛",
            ]
        ),
        "zmonth": str(rng.choice(range(1, 13))),
        "zday": str(rng.choice(range(1, 29))),
        "zq": rng.choice(["一季度", "二季度", "三季度", "前三季度", "上半年", "全年"]),
        "yuan": str(rng.choice([39, 68, 99, 129, 199, 299, 499, 1299, 2999, 4999])),
    }
    slots.update(extra)
    return template.format(**slots)
