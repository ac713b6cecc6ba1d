from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import MentionFactory, SourceFactory
from vigil.accounts.services import update_preferences
from vigil.demo.connector import load_scenario
from vigil.demo.services import DEMO_SOURCE_NAME, load_demo
from vigil.sources.models import Source
from vigil.web.services import dashboard_figures, hourly_volume

pytestmark = pytest.mark.django_db


def test_login_page_is_the_front_door(client) -> None:
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/login/")
    assert "Sign in" in response.content.decode()


def test_login_page_names_the_demo_users_once_the_demo_is_loaded(client) -> None:
    assert "responder, approver" not in client.get("/login/").content.decode()
    load_demo(password="demo-pass-123")
    page = client.get("/login/").content.decode()
    assert "sign in as admin, or as analyst, responder, approver, liaison or viewer" in page


def test_signing_in_shows_the_shell_and_the_latest_mentions(client, make_user) -> None:
    make_user("Analyst", username="lin")
    MentionFactory(title="Lumina kettle review")
    response = client.post(
        "/login/", {"username": "lin", "password": "correct-horse-battery-staple"}, follow=True
    )
    page = response.content.decode()
    assert response.status_code == 200
    for area in [
        "Dashboard",
        "Mentions",
        "Topics",
        "Sources",
        "Alerts",
        "Incidents",
        "Statements",
        "Reports",
        "Team",
    ]:
        assert area in page
    assert "Lumina kettle review" in page
    assert "plotly/plotly.min.js" in page and "htmx-2.min.js" in page


def test_recent_list_is_served_for_polling(client_for) -> None:
    fresh = MentionFactory(title="Fresh post")
    response = client_for("Viewer").get("/dashboard/recent/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Fresh post" in response.content.decode()
    # The title opens the mention in Vigil; the original is a small link beside it.
    assert f'<a href="/mentions/{fresh.pk}/">Fresh post</a>' in response.content.decode()


def test_chinese_interface(client_for) -> None:
    viewer = client_for("Viewer")
    viewer.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    page = viewer.get("/").content.decode()
    assert "仪表盘" in page and "舆情" in page


def test_times_are_shown_in_the_users_time_zone(client_for) -> None:
    viewer = client_for("Viewer")
    update_preferences(viewer.user, timezone_name="Asia/Shanghai", language="en")
    MentionFactory(title="Timed", published_at=dt.datetime(2026, 11, 1, 0, 30, tzinfo=dt.UTC))
    page = viewer.get("/mentions/").content.decode()
    assert "2026-11-01 08:30" in page


def test_figures_and_hourly_volume_count_by_channel() -> None:
    now = timezone.now()
    source = SourceFactory()
    MentionFactory(source=source, channel="news", published_at=now - dt.timedelta(minutes=10))
    MentionFactory(source=source, channel="social", published_at=now - dt.timedelta(minutes=20))
    MentionFactory(source=source, channel="social", published_at=now - dt.timedelta(hours=30))
    figures = dashboard_figures(now)
    assert (figures.mentions_total, figures.mentions_24h, figures.mentions_1h) == (3, 2, 2)
    volume = hourly_volume(hours=48, now=now)
    assert sum(volume["series"]["social"]) == 2 and sum(volume["series"]["news"]) == 1
    assert len(volume["hours"]) == 48


def test_hourly_volume_is_labelled_in_the_readers_time_zone(client_for) -> None:
    """The chart draws its dates as written: hours must be wall-clock hours of the reader's
    zone, as the list beside it is, not UTC ones."""
    now = dt.datetime(2026, 11, 26, 16, 30, tzinfo=dt.UTC)
    MentionFactory(published_at=now - dt.timedelta(minutes=10))
    with timezone.override("Asia/Shanghai"):
        volume = hourly_volume(hours=24, now=now)
    assert volume["hours"][-1] == "2026-11-27T00:00:00"  # the 16:00 UTC hour, in Shanghai
    assert volume["series"]["news"][-1] == 1
    viewer = client_for("Viewer")
    update_preferences(viewer.user, timezone_name="Asia/Shanghai", language="en")
    hours = viewer.get("/dashboard/volume.json").json()["hours"]
    assert all("+" not in h for h in hours)
    latest = timezone.localtime(timezone.now(), timezone=dt.timezone(dt.timedelta(hours=8)))
    assert hours[-1] == latest.strftime("%Y-%m-%dT%H:00:00")


def test_demo_dashboard_says_what_is_replayed_and_where_to_start(client_for) -> None:
    """A first-time visitor sees that the company is fictional, where the replay is in
    the scenario's week, and three links to start from."""
    load_demo(password="demo-pass-123", speed=1)  # the clock holds still for a real minute
    page = client_for("Viewer").get("/").content.decode()
    assert "Demo workspace: Lumina Home Technologies" in page
    assert "the newest bars of the chart" in page  # why the last hour looks so busy
    assert "day 4 of 7, 09:00" in page  # just loaded: the routine days are history
    assert "0 mentions so far" not in page and f"of {len(_scenario())} mentions" in page
    for url in ("/alerts/", "/analysis/", "/mentions/"):
        assert f'href="{url}"' in page


def test_demo_clock_moves_with_the_polled_list(client_for) -> None:
    load_demo(password="demo-pass-123", speed=1)  # 1x: the clock holds still for a minute
    _rewind_demo(minutes=150)  # two and a half hours at 1x: day 4 09:00 + 2.5 h = 11:30
    body = client_for("Viewer").get("/dashboard/recent/", HTTP_HX_REQUEST="true").content
    assert 'id="demo-clock" hx-swap-oob="true"' in body.decode()
    assert "day 4 of 7, 11:30" in body.decode()


def test_demo_guide_says_when_the_week_is_over(client_for) -> None:
    load_demo(password="demo-pass-123", speed=60)
    _rewind_demo(minutes=24 * 60)
    page = client_for("Viewer").get("/").content.decode()
    assert "The week has been replayed in full" in page and "day 7 of 7" not in page


def test_no_demo_guide_without_the_demo(client_for) -> None:
    assert "Demo workspace" not in client_for("Viewer").get("/").content.decode()


def test_demo_guide_in_chinese(client_for, zh_hans_catalogue) -> None:
    load_demo(password="demo-pass-123", speed=1)  # at 180x the clock moves every 1/3 s
    page = client_for("Viewer").get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "演示工作区" in page and "第 4 天（共 7 天）09:00" in page and "从这里开始" in page
    assert "许多个场景小时" in page


def _scenario() -> list[dict]:
    return load_scenario(Source.objects.get(name=DEMO_SOURCE_NAME).config["scenario"])


def _rewind_demo(minutes: int) -> None:
    source = Source.objects.get(name=DEMO_SOURCE_NAME)
    started = dt.datetime.fromisoformat(source.config["started_at"])
    source.config["started_at"] = (started - dt.timedelta(minutes=minutes)).isoformat()
    source.save(update_fields=["config"])


def test_the_dashboard_counts_open_and_overdue_alerts_and_failing_channels(client_for) -> None:
    # A trial's channel failed for an hour and alerts waited past their targets; the dashboard
    # said nothing of either.
    import html

    from tests.alerts._support import burns_alert
    from vigil.alerts.models import Channel
    from vigil.alerts.services import create_channel

    late = burns_alert()
    late.respond_by = timezone.now() - dt.timedelta(minutes=5)
    late.save(update_fields=["respond_by"])
    hook = create_channel(name="Hook", kind="webhook", config={"url": "https://x.example/"})
    Channel.objects.filter(pk=hook.pk).update(consecutive_failures=3)
    figures = dashboard_figures()
    assert (figures.alerts_open, figures.alerts_overdue, figures.channels_failing) == (1, 1, 1)
    page = html.unescape(client_for("Responder").get("/").content.decode())
    tile = page[page.index('id="tile-alerts"') :]
    tile = tile[: tile.index("</a>")]
    assert "open alerts · 1 overdue" in tile
    # The tile opens the inbox on its overdue alerts (a trial found no such filter).
    assert 'href="/alerts/?state=overdue"' in tile
    responder = client_for("Responder")
    from tests.alerts._support import make_topic, matched_mention
    from vigil.alerts.models import Alert
    from vigil.alerts.services import create_rule
    from vigil.alerts.services.evaluate import evaluate_new_mentions

    fridge = make_topic("Fridge", "fridge")
    create_rule(name="Fridge", kind="keyword", topic=fridge)
    evaluate_new_mentions([matched_mention(fridge, text="fridge")])
    on_time = Alert.objects.get(topic=fridge)
    inbox = responder.get("/alerts/", {"state": "overdue"}).content.decode()
    assert f'id="alert-{late.pk}"' in inbox and f'id="alert-{on_time.pk}"' not in inbox
    api = responder.get("/api/alerts", {"state": "overdue"}).json()
    assert [a["id"] for a in api["items"]] == [late.pk] and api["items"][0]["overdue"] is True
    # The failing channel has its own tile, to the channels page (a trial clicked "1 channel
    # failing" and landed in the inbox).
    channels = page[page.index('id="tile-channels"') :]
    assert 'href="/alerts/channels/"' in channels[:80] and "channel failing" in channels
    # A Viewer may read alerts, so the tile is theirs too.
    assert 'id="tile-alerts"' in client_for("Viewer").get("/").content.decode()


def test_the_live_dot_tells_administrators_when_background_work_stopped(client_for) -> None:
    # A trial stopped Redis: the dot kept pulsing green while nothing was processed or sent.
    from vigil.pipeline import heartbeats
    from vigil.pipeline.models import Heartbeat

    admin, analyst = client_for("Administrator"), client_for("Analyst")
    never = admin.get("/dashboard/recent/").content.decode()
    assert 'id="background-stalled"' in never and "No scheduled run recorded yet" in never
    assert 'id="background-stalled"' not in analyst.get("/dashboard/recent/").content.decode()

    heartbeats.beat(heartbeats.SCHEDULER)
    assert 'id="background-stalled"' not in admin.get("/").content.decode()
    Heartbeat.objects.update(at=timezone.now() - dt.timedelta(minutes=7))
    stale = admin.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="background-stalled"' in stale and "live-dot-stalled" in stale
    said = admin.get("/dashboard/recent/").content.decode()
    assert "No scheduled run for 7 minutes: are the workers, the scheduler" in said
