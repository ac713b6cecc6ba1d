"""`vigil demo load`: a fictional company, a user per role, and a replay that brings mentions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from vigil.accounts.models import Department
from vigil.accounts.roles import ROLE_NAMES
from vigil.cli import main
from vigil.demo.connector import load_scenario
from vigil.demo.services import DEMO_HISTORY_MINUTES, DEMO_SOURCE_NAME, load_demo
from vigil.mentions.models import Mention
from vigil.monitoring.models import Match, Topic
from vigil.pipeline.services import process_pending
from vigil.sources.models import Source
from vigil.sources.services import collect_sources

pytestmark = pytest.mark.django_db


def test_demo_creates_company_users_and_source() -> None:
    report = load_demo(password="demo-pass-123")
    assert "Lumina" in report.company and "明光" in report.company
    assert Department.objects.count() == 6
    assert set(report.users) == {"analyst", "responder", "approver", "liaison", "viewer"}
    roles = {
        u.username: u.groups.get().name for u in User.objects.filter(username__in=report.users)
    }
    assert set(roles.values()) | {"Administrator"} == set(ROLE_NAMES)
    assert Source.objects.get(name=DEMO_SOURCE_NAME).kind == "demo"
    assert report.topics == 12 and Topic.objects.filter(is_active=True).count() == 12
    assert report.rules == 5
    # A ladder ending with the heads of the PR department reaches someone who may act.
    assert Department.objects.get(code="pr").head == User.objects.get(username="responder")


def test_demo_rule_names_say_what_they_watch_not_their_kind_again() -> None:
    """The inbox shows "kind · rule name"; names like "Negative share · 负面占比" under the kind
    "Negative share" read as a stutter and tell the reader nothing more."""
    from vigil.alerts.models import AlertRule

    load_demo(password="demo-pass-123")
    rules = list(AlertRule.objects.all())
    assert len(rules) == 5
    for rule in rules:
        english = rule.name.split(" · ")[0].lower()
        kind = str(rule.get_kind_display()).lower()
        assert english not in kind and kind not in english, rule.name
        assert " · " in rule.name  # both languages: the demo company works in both


def test_demo_users_read_times_in_the_same_zone_as_the_administrator(settings) -> None:
    settings.TIME_ZONE = "Europe/Paris"
    load_demo(password="demo-pass-123")
    zones = {u.profile.timezone for u in User.objects.filter(username__in=["analyst", "viewer"])}
    assert zones == {"Europe/Paris"}


def test_loading_twice_changes_nothing() -> None:
    load_demo(password="demo-pass-123")
    again = load_demo(password="demo-pass-123")
    assert again.already_loaded and again.users == {}
    assert Source.objects.filter(name=DEMO_SOURCE_NAME).count() == 1


def test_replay_releases_history_now_and_the_rest_over_time() -> None:
    load_demo(password="demo-pass-123", speed=60)
    source = Source.objects.get(name=DEMO_SOURCE_NAME)
    scenario = load_scenario(source.config["scenario"])
    history = [line for line in scenario if line["offset_minutes"] <= DEMO_HISTORY_MINUTES]

    [report] = collect_sources([source])
    assert report.error == "" and report.new == len(history)
    process_pending()
    assert Mention.objects.count() == len(history)
    # The demo topics match the replayed mentions live.
    brand = Topic.objects.get(kind="brand")
    assert Match.objects.filter(topic=brand).count() > len(history) // 2
    assert Mention.objects.filter(lang="zh").exists() and Mention.objects.filter(lang="en").exists()

    # Two real hours later, at 60× speed, 120 scenario hours have played: everything.
    source.refresh_from_db()
    source.config["started_at"] = (
        dt.datetime.fromisoformat(source.config["started_at"]) - dt.timedelta(hours=2)
    ).isoformat()
    source.save(update_fields=["config"])
    [later] = collect_sources([source])
    assert later.new == len(scenario) - len(history)
    process_pending()
    newest = Mention.objects.order_by("-published_at").first()
    assert newest is not None and newest.published_at <= dt.datetime.now(dt.UTC)


def test_the_crisis_starts_at_once_and_reaches_the_statement_within_twenty_minutes(
    settings,
) -> None:
    """Someone trying Vigil gives it about twenty minutes: the routine week is history
    already, the product-safety story's first post arrives within a minute, and at the
    default speed the official statement (day 6 17:00) arrives before twenty minutes."""
    load_demo(password="demo-pass-123")
    source = Source.objects.get(name=DEMO_SOURCE_NAME)
    assert source.config["speed"] == settings.DEMO_SPEED
    scenario = load_scenario(source.config["scenario"])
    history = source.config["history_minutes"]
    story = [line["offset_minutes"] for line in scenario if line["story"] == "kettle-scald"]
    assert all(offset > history for offset in story)  # the crisis is seen arriving live
    assert history >= 3 * 24 * 60  # days 1-3 are there to compare with
    speed = source.config["speed"]
    assert (story[0] - history) / speed <= 1  # real minutes to the first post
    statement = next(
        line["offset_minutes"]
        for line in scenario
        if line["site"] == "lumina-home.example" and line["story"] == "kettle-scald"
    )
    assert (statement - history) / speed <= 20


def test_the_safety_alert_climbs_to_level_one_with_the_backlash_not_before() -> None:
    """Warned at level II on the first complaint; level I once the company's clumsy first
    reply (day 5 12:15) turns the story, as a PR team would grade it."""
    from vigil.alerts.models import Alert

    load_demo(password="demo-pass-123", speed=60)
    source = Source.objects.get(name=DEMO_SOURCE_NAME)

    def replay_until(offset_minutes: int) -> Alert:
        source.refresh_from_db()
        real = (offset_minutes - source.config["history_minutes"]) / 60
        source.config["started_at"] = (
            dt.datetime.now(dt.UTC) - dt.timedelta(minutes=real)
        ).isoformat()
        source.save(update_fields=["config"])
        collect_sources([source])
        process_pending()
        return Alert.objects.get(rule__kind="keyword")

    day = 24 * 60
    assert replay_until(4 * day + 12 * 60).level == "II"  # day 5 noon: regional news, no reply yet
    assert replay_until(5 * day).level == "I"  # day 5 ends: the backlash


def test_demo_load_command_prints_passwords_once(capsys) -> None:
    assert main(["demo", "load"]) == 0
    out = capsys.readouterr().out
    assert "analyst" in out and "passwords shown once" in out


def test_the_kettle_story_is_one_story_with_one_alert_per_rule_that_grows() -> None:
    """The product-safety story is told in Chinese and English over three days. It used to
    split into a hundred stories, two of which the story-growth rule warned about; now it is
    one story with one alert per rule, updated as the story grows."""
    from vigil.alerts.models import Alert
    from vigil.analysis.models import Story

    load_demo(password="demo-pass-123", speed=60)
    source = Source.objects.get(name=DEMO_SOURCE_NAME)
    kettle = {
        line["id"]
        for line in load_scenario(source.config["scenario"])
        if line["story"] == "kettle-scald"
    }

    def replay_until(offset_minutes: int) -> None:
        source.refresh_from_db()
        real = (offset_minutes - source.config["history_minutes"]) / 60
        source.config["started_at"] = (
            dt.datetime.now(dt.UTC) - dt.timedelta(minutes=real)
        ).isoformat()
        source.save(update_fields=["config"])
        collect_sources([source])
        process_pending()

    def kettle_story_alerts() -> list[Alert]:
        """Story-growth alerts about a story made mostly of the kettle story's mentions."""
        found = []
        for alert in Alert.objects.filter(rule__kind="story_growth"):
            members = Mention.objects.filter(story_id=alert.story_id)
            if 2 * members.filter(raw__scenario_id__in=kettle).count() > members.count():
                found.append(alert)
        return found

    day = 24 * 60
    replay_until(4 * day + 22 * 60)  # day 4 22:00, the busiest hour
    [first] = kettle_story_alerts()
    replay_until(7 * day)  # the whole week

    [alert] = kettle_story_alerts()
    assert alert.pk == first.pk and alert.mention_count > first.mention_count
    for kind in ("keyword", "negative_share", "authority"):  # one per topic and episode
        assert Alert.objects.filter(rule__kind=kind).count() == 1, kind
    members = Mention.objects.filter(story=Story.objects.get(pk=alert.story_id))
    assert members.filter(raw__scenario_id__in=kettle).count() >= 0.7 * len(kettle)
    assert not members.exclude(raw__scenario_id__in=kettle).exists()
    assert set(members.values_list("lang", flat=True)) == {"zh", "en"}
