"""The rules page's "Tells" column names the channels a rule sends on ("Webhook: PR bot"),
so a rule that tells only channels does not read as telling nobody; "—" is left for a rule
that reaches no one and nothing (found in the new-user trial). Below it, what holds the rule's
messages back: quiet hours, weekends, a digest."""

from __future__ import annotations

import re

import pytest

from tests.alerts._support import make_topic
from vigil.alerts.models import Channel
from vigil.alerts.services import create_channel, create_rule, update_channel

pytestmark = pytest.mark.django_db

TELLS = '<td class="wide" data-label="Tells">'
TELLS_ZH = '<td class="wide" data-label="通知对象">'


def _tells(page: str, rule_id: int) -> str:
    """The Tells cell of the rule's row, in either language."""
    row = page[page.index(f'id="rule-{rule_id}"') :]
    found = re.search(r'<td class="wide" data-label="(?:Tells|通知对象)">(.*?)</td>', row, re.S)
    assert found is not None
    return found.group(1)


def _webhook(name: str, *, is_default: bool = False, is_active: bool = True) -> Channel:
    config = {"url": f"https://hooks.example.com/{len(name)}"}
    channel = create_channel(name=name, kind="webhook", config=config, is_default=is_default)
    if not is_active:
        update_channel(channel, is_active=False)
    return channel


def _email(name: str, *, to_recipients: bool = False) -> Channel:
    config = {"urls": ["mailto://bot:secret@smtp.example.com"], "to_recipients": to_recipients}
    return create_channel(name=name, kind="apprise", config=config)


def test_a_rule_that_tells_only_channels_names_them(client_for, zh_hans_catalogue) -> None:
    hook, mail = _webhook("PR bot"), _email("pr-team")
    create_rule(
        name="Leaks",
        kind="keyword",
        topic=make_topic(),
        routing={"channels": [hook.pk, mail.pk]},
    )
    viewer = client_for("Viewer")
    page = viewer.get("/alerts/rules/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"{TELLS}Webhook: PR bot, E-mail: pr-team</td>" in page
    page = viewer.get("/alerts/rules/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f"{TELLS_ZH}Webhook：PR bot、邮件：pr-team</td>" in page


def test_people_come_first_then_the_channels_and_the_ladder_stays(
    client_for, make_user, zh_hans_catalogue
) -> None:
    # A personal channel (e-mail to each recipient) is named when the rule tells people.
    hook, mail = _webhook("PR bot"), _email("Staff mail", to_recipients=True)
    wang = make_user("Responder", "wang")
    rule = create_rule(
        name="Burns",
        kind="keyword",
        topic=make_topic(),
        routing={
            "recipients": {"roles": ["Responder"]},
            "on_call": [make_user("Responder", "lin").pk, wang.pk],
            "channels": [mail.pk, hook.pk],
        },
    )
    page = client_for("Viewer").get("/alerts/rules/").content.decode()
    assert _tells(page, rule.pk) == (
        "Responder, lin · Webhook: PR bot, E-mail: Staff mail"
        '<div class="small muted">then → wang</div>'
    )


def test_a_rule_that_reaches_no_one_and_nothing_says_so(client_for) -> None:
    # A personal channel (e-mail to each recipient) reaches nobody when the rule names
    # nobody; a paused shared channel is named, and said to be paused.
    personal = _email("Staff mail", to_recipients=True)
    paused = _webhook("Old bot", is_active=False)
    topic = make_topic()
    nobody = create_rule(name="Nobody", kind="keyword", topic=topic)
    personal_only = create_rule(
        name="Personal only",
        kind="keyword",
        topic=topic,
        routing={"channels": [personal.pk]},
    )
    paused_only = create_rule(
        name="Paused only", kind="keyword", topic=topic, routing={"channels": [paused.pk]}
    )
    page = client_for("Viewer").get("/alerts/rules/").content.decode()
    assert _tells(page, nobody.pk) == "—"
    assert _tells(page, personal_only.pk) == "—"
    assert _tells(page, paused_only.pk) == "Webhook: Old bot (paused)"


def test_a_rule_without_ticked_channels_names_the_active_default_ones(client_for) -> None:
    _webhook("Duty room", is_default=True)
    _webhook("Paused default", is_default=True, is_active=False)
    _webhook("Not default")
    rule = create_rule(
        name="Any",
        kind="keyword",
        topic=make_topic(),
        routing={"recipients": {"roles": ["Analyst"]}},
    )
    page = client_for("Viewer").get("/alerts/rules/").content.decode()
    assert _tells(page, rule.pk) == "Analyst · Webhook: Duty room"


def test_the_rules_list_reads_the_channels_once_for_all_rules(
    client_for, django_assert_max_num_queries
) -> None:
    viewer = client_for("Viewer")
    hook, topic = _webhook("PR bot"), make_topic()
    create_rule(name="A", kind="keyword", topic=topic, routing={"channels": [hook.pk]})
    with django_assert_max_num_queries(40) as few:
        viewer.get("/alerts/rules/")
    for name in "BCDEF":
        create_rule(name=name, kind="keyword", topic=topic, routing={"channels": [hook.pk]})
    with django_assert_max_num_queries(len(few.captured_queries)):
        viewer.get("/alerts/rules/")


def test_a_rule_on_a_whole_plan_says_so_in_the_reader_language(
    client_for, zh_hans_catalogue
) -> None:
    # A Chinese trial's rules page read "明光品牌监测 (plan)": the word was not translated.
    topic = make_topic(plan_name="明光品牌监测")
    rule = create_rule(name="Spikes", kind="spike", plan=topic.plan)
    viewer = client_for("Viewer")
    row = viewer.get("/alerts/rules/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    row = row[row.index(f'id="rule-{rule.pk}"') :]
    assert '<td data-label="Watches">明光品牌监测 (whole plan)</td>' in row
    row = viewer.get("/alerts/rules/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    row = row[row.index(f'id="rule-{rule.pk}"') :]
    assert "明光品牌监测（整个方案）</td>" in row and "(plan)" not in row


def test_the_rules_page_says_what_holds_a_rules_messages_back(client_for) -> None:
    # A trial could not tell which rules keep quiet at night, at weekends or in a digest
    # without opening each one.
    topic = make_topic()
    create_rule(
        name="Night",
        kind="keyword",
        topic=topic,
        level="II",
        routing={
            "quiet_start": "22:00",
            "quiet_end": "07:00",
            "timezone": "Asia/Shanghai",
            "mute_weekends": True,
        },
    )
    create_rule(name="Slow", kind="keyword", topic=topic, level="IV", routing={"digest": "daily"})
    create_rule(name="Plain", kind="keyword", topic=topic, level="III")
    page = client_for("Viewer").get("/alerts/rules/").content.decode()
    rows = {n: r for r in page.split("<tr")[1:] for n in ("Night", "Slow", "Plain") if n in r}
    assert "quiet 22:00-07:00 Asia/Shanghai · weekends held" in rows["Night"]
    assert "daily digest" in rows["Slow"] and 'class="small muted holds"' not in rows["Plain"]
