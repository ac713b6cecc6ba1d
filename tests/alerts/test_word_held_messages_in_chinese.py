"""Words a native Chinese speaker found unclear around held messages and growth notices: a
digest's waiting message (「将于 … 随每日汇总发出」, not 「并入汇总至 …」), the firing on the
timeline (「规则触发预警」, not 「系统 触发」), a keyword alert's growth (its matching mentions
grew, 「相关信息增至 4 倍」, not its 声量), and the rule form's episode window (not 事件窗口,
read as a story's window)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from unittest import mock

import pytest
from django.utils import translation

from tests.alerts._support import make_topic, matched_mention
from vigil.alerts.models import Alert, Delivery
from vigil.alerts.services import create_channel, create_rule
from vigil.alerts.services.evaluate import evaluate_new_mentions
from vigil.alerts.services.messages import message_for
from vigil.alerts.timeline import alert_timeline, held_note

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TUESDAY = dt.datetime(2026, 12, 1, 10, 10, tzinfo=SHANGHAI)

#: The new words' Chinese, until the catalogue is rebuilt (`make messages`).
CHINESE = {
    " (goes with the daily digest at {at})": "（将于 {at} 随每日汇总发出）",
    " (goes with the hourly digest at {at})": "（将于 {at} 随每小时汇总发出）",
    "the rule fired the alert": "规则触发预警",
    "matching mentions grew fourfold": "相关信息增至 4 倍",
    "matching mentions grew fourfold: people are told again": "相关信息增至 4 倍，再次通知",
    " (matching mentions now fourfold)": "（相关信息已增至 4 倍）",
    "Episode window (minutes)": "合并为同一预警的时长（分钟）",
}


@pytest.fixture
def chinese():  # noqa: ANN201
    with translation.override("zh-hans"):
        catalog = translation.trans_real.translation("zh-hans")._catalog._catalogs[0]
        with mock.patch.dict(catalog, CHINESE):
            yield


def _keyword_alert(digest: str = "daily") -> tuple[Alert, Delivery]:
    hook = create_channel(
        name="Team", kind="webhook", config={"url": "https://example.com/h"}, language="zh-hans"
    )
    topic = make_topic()
    create_rule(
        name="Burns",
        kind="keyword",
        topic=topic,
        level="IV",
        routing={"channels": [hook.pk], "timezone": "Asia/Shanghai", "digest": digest},
    )
    evaluate_new_mentions([matched_mention(topic, at=TUESDAY) for _ in range(5)], now=TUESDAY)
    alert = Alert.objects.select_related("rule").get()
    return alert, Delivery.objects.select_related("alert__rule").get(channel=hook, reason="fired")


@pytest.mark.parametrize(
    ("digest", "said"),
    [("daily", "随每日汇总发出"), ("hourly", "随每小时汇总发出")],
)
def test_a_message_waiting_for_the_digest_says_when_it_goes(chinese, digest, said) -> None:
    _alert, row = _keyword_alert(digest)
    note = held_note(row)
    assert note.startswith("（将于 ") and note.endswith(f"{said}）")
    assert "并入汇总" not in note


def test_the_timeline_says_the_rule_fired_the_alert(chinese) -> None:
    alert, _row = _keyword_alert()
    fired = next(e for e in alert_timeline(alert) if e.delivery is None)
    assert (fired.who, fired.text) == ("", "规则触发预警")


def test_a_keyword_alerts_growth_is_said_by_its_matching_mentions(chinese) -> None:
    alert, _row = _keyword_alert()
    topic = alert.topic
    later = TUESDAY + dt.timedelta(minutes=5)
    evaluate_new_mentions([matched_mention(topic, at=later) for _ in range(15)], now=later)
    grew = Delivery.objects.select_related("alert__rule", "channel").get(
        reason="grew:1", channel__kind="webhook"
    )
    assert message_for(grew).title.endswith("（相关信息已增至 4 倍）")
    texts = [e.text for e in alert_timeline(alert)]
    # Without a tense: a zh trial read 「已再次通知」 above notices still held.
    assert "相关信息增至 4 倍" in texts and "相关信息增至 4 倍，再次通知" in texts
    assert not any("声量" in text for text in texts)
    told = next(e for e in alert_timeline(alert) if e.text == "相关信息增至 4 倍，再次通知")
    assert told.who == ""  # not 「系统」


def test_the_rule_forms_episode_window_is_not_called_a_story_window(chinese) -> None:
    from vigil.alerts.forms.rules import RuleForm

    field = RuleForm().fields["cooldown_minutes"]
    assert str(field.label) == "合并为同一预警的时长（分钟）"
    assert field.help_text  # what the window does, under the field
