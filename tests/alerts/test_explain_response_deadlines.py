"""A deadline moved by quiet hours or a weekend says why, on the alert's page and in its
messages; one kept after the rule's holds changed says it was kept.

A zh trial's level-IV alert fired on Saturday 07:37 read 响应期限 2026-12-01 08:00, a level-III
one 周一 20:00, and neither said why."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import translation

from tests.alerts._support import make_topic, matched_mention
from vigil.alerts.models import Alert, Delivery
from vigil.alerts.services import create_rule, update_rule
from vigil.alerts.services.evaluate import evaluate_new_mentions
from vigil.alerts.services.lifecycle import response_status
from vigil.alerts.services.messages import message_for

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
SATURDAY_0737 = dt.datetime(2026, 11, 28, 7, 37, tzinfo=SHANGHAI)

#: The new words' Chinese, until the catalogue is rebuilt (`make messages`).
CHINESE = {
    "the clock started at the end of the weekend hold": "周末暂缓结束后起算",
    "{deadline} — {why}": "{deadline}（{why}）",
}


def _alert(make_user, level: str = "IV", at: dt.datetime = SATURDAY_0737, language: str = "en"):  # noqa: ANN001, ANN201
    wang = make_user("Responder", "wang", language=language, timezone_name="Asia/Shanghai")
    topic = make_topic()
    create_rule(
        name="Burns",
        kind="keyword",
        topic=topic,
        level=level,
        routing={
            "recipients": {"users": [wang.pk]},
            "timezone": "Asia/Shanghai",
            "quiet_start": "22:00",
            "quiet_end": "08:00",
            "mute_weekends": True,
        },
    )
    evaluate_new_mentions([matched_mention(topic, at=at)], now=at)
    return Alert.objects.select_related("rule").get(), wang


def test_a_deadline_after_the_weekend_says_why_on_the_page_and_in_the_message(
    make_user, client
) -> None:
    alert, wang = _alert(make_user)
    # The weekend, then quiet hours until Monday 08:00, then level IV's 24 hours.
    assert alert.respond_by == dt.datetime(2026, 12, 1, 8, 0, tzinfo=SHANGHAI)
    why = "the clock started at the end of the weekend hold"
    assert response_status(alert).deadline_note == why
    bell = Delivery.objects.get(alert=alert, recipient=wang)
    assert f"Respond by 2026-12-01 08:00 (Asia/Shanghai) — {why}" in message_for(bell).body
    client.force_login(wang)
    page = client.get(reverse("alerts:detail", args=[alert.pk])).content.decode()
    assert f"({why})" in page


def test_a_level_three_deadline_on_monday_evening_says_why(make_user) -> None:
    alert, _wang = _alert(make_user, level="III")
    assert alert.respond_by == dt.datetime(2026, 11, 30, 20, 0, tzinfo=SHANGHAI)
    assert response_status(alert).deadline_note.endswith("end of the weekend hold")


def test_the_deadline_line_reads_naturally_in_chinese(make_user) -> None:
    alert, wang = _alert(make_user, language="zh-hans")
    with translation.override("zh-hans"):
        catalog = translation.trans_real.translation("zh-hans")._catalog._catalogs[0]
    with mock.patch.dict(catalog, CHINESE):
        body = message_for(Delivery.objects.get(alert=alert, recipient=wang)).body
    assert "请于 2026-12-01 08:00（Asia/Shanghai）前响应（周末暂缓结束后起算）" in body


def test_a_deadline_kept_after_the_holds_changed_says_so(make_user) -> None:
    alert, _wang = _alert(make_user)
    given = alert.respond_by
    rule = alert.rule
    update_rule(rule, routing={**rule.routing, "mute_weekends": False}, now=SATURDAY_0737)
    alert.refresh_from_db()
    assert alert.respond_by == given  # an alert keeps the deadline it was given
    note = response_status(alert).deadline_note
    assert note == (
        "the clock started at the end of the weekend hold; kept as given: the rule's quiet "
        "hours or weekend rule changed since"
    )


def test_a_deadline_counted_from_the_firing_says_nothing_more(make_user) -> None:
    tuesday_noon = dt.datetime(2026, 12, 1, 12, 0, tzinfo=SHANGHAI)
    alert, _wang = _alert(make_user, at=tuesday_noon)
    assert alert.respond_by == tuesday_noon + dt.timedelta(hours=24)
    assert response_status(alert).deadline_note == ""
