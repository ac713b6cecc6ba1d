"""``vigil demo load``: a fictional company, its departments, a user per role, a replay source."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from vigil.accounts.models import Department
from vigil.accounts.roles import ANALYST, APPROVER, LIAISON, RESPONDER, VIEWER
from vigil.accounts.services import create_user
from vigil.demo.connector import SCENARIO_DIR, DemoConfig, load_scenario, scenario_minutes
from vigil.sources.models import Source

DEMO_SOURCE_NAME = "Demo scenario"

#: Scenario minutes released at load: days 1-3 and day 4 up to 09:00, so the week's routine
#: is already there and the product-safety story (first post day 4 09:42) starts within a
#: minute of the replay, not after ten minutes of nothing.
DEMO_HISTORY_MINUTES = 3 * 24 * 60 + 9 * 60

# username, role, department code, first name, last name
#: (username, role, department, given name, family name): a Chinese company's people, named
#: as its screens name them (林伟, family name first); "Lin"/"Wei" stood in the wrong fields
#: of the admin's user page (名字 Lin, 姓氏 Wei, a zh re-trial).
DEMO_USERS = [
    ("analyst", ANALYST, "pr", "伟", "林"),
    ("responder", RESPONDER, "pr", "静", "陈"),
    ("approver", APPROVER, "exec", "明", "周"),
    ("liaison", LIAISON, "cs", "芳", "王"),
    ("viewer", VIEWER, "mkt", "磊", "赵"),
]


@dataclass
class DemoLoadReport:
    company: str
    departments: int = 0
    users: dict[str, str] = field(default_factory=dict)  # username -> password (printed once)
    source_created: bool = False
    topics: int = 0
    rules: int = 0
    already_loaded: bool = False


def load_company(path: Path | None = None) -> dict[str, Any]:
    return json.loads((path or SCENARIO_DIR / "company.json").read_text(encoding="utf-8"))


def _load_topics(company: dict[str, Any], department: Department | None) -> int:
    """The demo monitoring plan: the company's brand, products, people, competitors."""
    from vigil.monitoring.models import MonitoringPlan
    from vigil.monitoring.services import create_plan, create_topic

    name = f"{company['company']['name_en']} · {company['company']['name_zh']}"
    if MonitoringPlan.objects.filter(name=name).exists():
        return 0
    plan = create_plan(
        name=name,
        department=department,
        scope="Brand, products, executives and competitors across news, social, forums and "
        "blogs · 品牌、产品、高管与竞品的全网舆情",
    )
    for topic in company["topics"]:
        create_topic(
            plan,
            name=f"{topic['name_en']} · {topic['name_zh']}",
            kind=topic["kind"],
            query=topic["query"],
            exclude_query=topic.get("exclude") or "",
            retro_days=0,
        )
    return len(company["topics"])


def _load_site_tiers(company: dict[str, Any]) -> None:
    """The fictional sites' authority tiers, so impact scores mean something in the demo."""
    from vigil.analysis.models import SiteAuthority

    for site in company.get("sites", []):
        SiteAuthority.objects.get_or_create(
            domain=site["domain"], defaults={"tier": site["tier"], "name": site.get("name_en", "")}
        )


def _load_alert_rules() -> int:
    """Warnings a PR team would set up first: safety words, spikes, negative share, big accounts."""
    from vigil.alerts.services.config import create_rule
    from vigil.monitoring.models import Topic

    brand = Topic.objects.filter(kind="brand").first()
    safety = Topic.objects.filter(kind="custom", name__startswith="Product safety").first()
    if brand is None:
        return 0
    responders = {"recipients": {"roles": ["Responder", "Analyst"]}, "timezone": "Asia/Shanghai"}
    rules = [
        {
            "name": "Injury and recall words · 伤害与召回敏感词",
            "kind": "keyword",
            "topic": safety or brand,
            "level": "II",
            # Level I once a post about it scores 60: in the kettle story, the backlash
            # against the company's first, clumsy reply (day 5), not the first complaint.
            "raise_at_impact": 60,
            "conditions": {
                "query": "烫伤 OR 起火 OR 爆炸 OR 漏电 OR 召回 OR scald* OR fire OR recall*"
            },
        },
        {
            "name": "Unusual brand volume · 品牌声量异常",
            "kind": "spike",
            "topic": brand,
            "level": "II",
            "conditions": {"sensitivity": "medium"},
        },
        {
            "name": "Brand turning negative · 品牌口碑转负",
            "kind": "negative_share",
            "topic": brand,
            "level": "III",
            "conditions": {"threshold_percent": 60, "window_minutes": 120, "min_mentions": 15},
        },
        {
            "name": "Million-follower accounts and national media · 百万粉大V与全国媒体",
            "kind": "authority",
            "topic": brand,
            "level": "III",
            "conditions": {"min_followers": 1_000_000, "tiers": ["central", "national"]},
        },
        {
            "name": "A story catching fire · 事件迅速发酵",
            "kind": "story_growth",
            # On the safety topic: the replay runs days in minutes, so at brand level the
            # everyday conversations (the same sentences passed around) also "catch fire".
            "topic": safety or brand,
            "level": "II",
            "conditions": {"min_per_hour": 15},
        },
    ]
    for rule in rules:
        create_rule(routing=responders, **rule)
    return len(rules)


def demo_is_loaded() -> bool:
    return Source.objects.filter(name=DEMO_SOURCE_NAME).exists()


#: Department code → the demo user who heads it: a rule whose ladder ends with the heads of
#: its departments then reaches someone who may acknowledge (a trial's demo had no head, so
#: saving such a rule warned, and the last step told nobody).
DEMO_HEADS = {"pr": "responder"}


def _set_demo_heads(departments: dict[str, Department]) -> None:
    for code, username in DEMO_HEADS.items():
        department = departments.get(code)
        head = get_user_model().objects.filter(username=username).first()
        if department is not None and department.head_id is None and head is not None:
            department.head = head
            department.save(update_fields=["head"])


@transaction.atomic
def load_demo(password: str | None = None, speed: int | None = None) -> DemoLoadReport:
    """Create the demo workspace; safe to run twice (existing parts are kept)."""
    company = load_company()
    report = DemoLoadReport(
        company=f"{company['company']['name_en']} / {company['company']['name_zh']}"
    )
    departments: dict[str, Department] = {}
    for dept in company["departments"]:
        obj, created = Department.objects.get_or_create(
            code=dept["code"], defaults={"name": dept["name_en"], "name_zh": dept["name_zh"]}
        )
        departments[dept["code"]] = obj
        report.departments += int(created)
    user_model = get_user_model()
    for username, role, dept_code, first, last in DEMO_USERS:
        if user_model.objects.filter(username=username).exists():
            continue
        chosen = password or secrets.token_urlsafe(9)
        create_user(
            username,
            chosen,
            role=role,
            email=f"{username}@{company['company']['domain']}",
            first_name=first,
            last_name=last,
            department=departments.get(dept_code) or next(iter(departments.values()), None),
        )  # no time zone: the deployment's, like the administrator's, so someone trying
        # every role sees an alert at the same time on each (it was Asia/Shanghai)
        report.users[username] = chosen
    _set_demo_heads(departments)
    if demo_is_loaded():
        report.already_loaded = True
        return report
    report.topics = _load_topics(company, departments.get("pr"))
    _load_site_tiers(company)
    report.rules = _load_alert_rules()
    now = timezone.now()
    Source.objects.create(
        name=DEMO_SOURCE_NAME,
        kind="demo",
        channel="news",
        interval_seconds=10,
        config={
            "scenario": str(SCENARIO_DIR / "mentions.jsonl"),
            "started_at": now.isoformat(),
            "history_minutes": DEMO_HISTORY_MINUTES,
            "speed": speed or settings.DEMO_SPEED,
        },
        next_run_at=now,
    )
    report.source_created = True
    return report


@dataclass(frozen=True)
class ReplayProgress:
    """Where the demo replay is, in the scenario's own week, for the dashboard's guide."""

    day: int  # 1-7
    clock: str  # "HH:MM" within the day
    released: int
    total: int
    speed: int
    real_minutes_left: int

    @property
    def finished(self) -> bool:
        return self.released >= self.total


def replay_progress(now: dt.datetime | None = None) -> ReplayProgress | None:
    """The demo source's scenario clock, or None when the demo is not loaded."""
    source = Source.objects.filter(name=DEMO_SOURCE_NAME, kind="demo").first()
    if source is None:
        return None
    try:
        config = DemoConfig.model_validate(source.config)
        scenario = load_scenario(config.scenario)
    except (ValueError, OSError):  # an edited config or a moved file: no guide, no error page
        return None
    if not scenario:
        return None
    end = scenario[-1]["offset_minutes"]
    minutes = min(scenario_minutes(config, now or timezone.now()), end)
    return ReplayProgress(
        day=min(int(minutes // (24 * 60)) + 1, 7),
        clock=f"{int(minutes % (24 * 60)) // 60:02d}:{int(minutes % 60):02d}",
        released=sum(1 for line in scenario if line["offset_minutes"] <= minutes),
        total=len(scenario),
        speed=config.speed,
        real_minutes_left=max(0, round((end - minutes) / config.speed)),
    )
