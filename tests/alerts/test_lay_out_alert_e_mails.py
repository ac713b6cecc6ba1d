"""An alert's e-mail is HTML with the level's colour and working links, and its plain-text
part still says everything the plain message said, addresses included.

E-mails were plain text: the title, the deadline, the acknowledge link and the latest mentions
ran together in one grey block, and the level showed only as "[II]" in the subject."""

from __future__ import annotations

import re

import pytest

from tests.alerts._support import (
    SmtpStub,
    mail_html,
    mail_text,
    make_topic,
    matched_mention,
    personal_mail_channel,
)
from vigil.alerts.mail_html import LEVEL_COLOURS, html_body
from vigil.alerts.services import create_channel, create_rule, deliver_due
from vigil.alerts.services.evaluate import evaluate_new_mentions
from vigil.alerts.transports import Message


def test_the_lines_become_blocks_lists_and_links_and_nothing_is_injected() -> None:
    message = Message(
        title="[I] Kettle: <b>Burns</b>",
        body=(
            "Level I · 2 mentions\n"
            "Acknowledge (stops escalation): https://vigil.example/alerts/ack/a.b/\n"
            "Latest mentions:\n"
            "- <script>alert(1)</script>  https://forum.example.com/t/1?a=1&b=2\n"
            "- 水壶烫伤了孩子（见 https://weibo.example/2）。\n"
            "  https://vigil.example/alerts/7/"
        ),
        level="I",
        link_line="Open in Vigil: https://vigil.example/alerts/7/",
    )
    page = html_body(message)
    assert LEVEL_COLOURS["I"][0] in page
    assert "&lt;b&gt;Burns&lt;/b&gt;" in page and "<script>" not in page
    assert '<a href="https://vigil.example/alerts/ack/a.b/"' in page
    # The acknowledge line stands out, and a long link may break rather than run past the
    # card (a trial's signed link overflowed it at 1366 wide).
    ack_block = page[: page.index("alerts/ack/a.b/")].rsplit("<div", 1)[1]
    assert "background:#eef4ff" in ack_block
    assert page.count("word-break:break-all") == page.count("<a href")
    # An address is its own link text (the plain part keeps it), ampersands escaped once.
    assert '<a href="https://forum.example.com/t/1?a=1&amp;b=2"' in page
    # Closing punctuation after an address is not part of it, in either language.
    assert '<a href="https://weibo.example/2"' in page
    assert page.count("<li") == 2 and '<br><a href="https://vigil.example/alerts/7/"' in page
    assert page.rstrip().endswith("</div></div>")


def test_a_missed_target_stands_out_and_only_that_line() -> None:
    overdue = "Overdue: the response target was 2026-11-27 10:00 (Asia/Shanghai)"
    message = Message(
        title="[II] Kettle: Burns",
        body=f"Level II · 2 mentions\n{overdue}\nLatest mentions:\n- Overdue: a mention's title",
        level="II",
        warning_line=overdue,
    )
    page = html_body(message)
    block = page[: page.index(overdue)].rsplit("<div", 1)[1]
    assert "border-left:4px solid #d92d20" in block
    assert page.count("#fef3f2") == 1  # the mention that reads alike is not set apart
    assert "#fef3f2" not in html_body(Message(title="t", body=overdue, level="II"))


def test_a_level_less_message_gets_the_brand_colour() -> None:
    page = html_body(Message(title="Vigil test", body="It works."))
    assert "#1f4fd1" in page and "It works." in page


@pytest.mark.django_db
def test_an_alert_e_mail_carries_html_and_the_same_text(make_user) -> None:
    li = make_user("Responder", "li", email="li@example.com")
    topic = make_topic()
    with SmtpStub() as smtp:
        mail = personal_mail_channel(smtp)
        create_rule(
            name="Burns",
            kind="keyword",
            topic=topic,
            level="II",
            conditions={"query": "烫伤"},
            routing={"channels": [mail.pk], "on_call": [li.pk]},
        )
        evaluate_new_mentions(
            [matched_mention(topic, title="水壶烫伤了孩子", url="https://forum.example.com/t/9")]
        )
        deliver_due()
    (sent,) = smtp.messages
    page, text = mail_html(sent["data"]), mail_text(sent["data"]).replace("\r\n", "\n")
    assert LEVEL_COLOURS["II"][0] in page
    assert page.startswith('<div lang="en"')  # declared, for screen readers and fonts
    ack = re.search(r'<a href="(https?://[^"]+/alerts/ack/[^"]+/)"', page).group(1)
    assert '<a href="https://forum.example.com/t/9"' in page
    # The plain part, line by line as the plain message was, links written out.
    assert f"Acknowledge (stops escalation): {ack}\n" in text
    assert "Latest mentions:\n- 水壶烫伤了孩子 https://forum.example.com/t/9\n" in text
    assert re.search(r"\nOpen in Vigil: https?://\S+/alerts/\d+/$", text.strip())
    assert "<" not in text


@pytest.mark.django_db
def test_a_mailbox_can_stay_on_plain_text() -> None:
    with SmtpStub() as smtp:
        url = f"mailto://127.0.0.1:{smtp.port}/?from=v@example.com&to=pr@example.com"
        plain = create_channel(
            name="Plain", kind="apprise", config={"urls": [url + "&format=text"]}
        )
        topic = make_topic()
        create_rule(name="Burns", kind="keyword", topic=topic, routing={"channels": [plain.pk]})
        evaluate_new_mentions([matched_mention(topic, title="水壶烫伤了孩子")])
        deliver_due()
    (sent,) = smtp.messages
    assert mail_html(sent["data"]) == ""
    assert "水壶烫伤了孩子" in mail_text(sent["data"])


@pytest.mark.django_db
def test_a_channel_of_mail_and_chat_sends_html_to_the_mailbox_only(httpserver) -> None:  # noqa: ANN001
    httpserver.expect_request("/chat", method="POST").respond_with_data("ok")
    with SmtpStub() as smtp:
        both = create_channel(
            name="Both",
            kind="apprise",
            config={
                "urls": [
                    f"mailto://127.0.0.1:{smtp.port}/?from=v@example.com&to=pr@example.com",
                    f"json://127.0.0.1:{httpserver.port}/chat",
                ]
            },
        )
        topic = make_topic()
        create_rule(name="Burns", kind="keyword", topic=topic, routing={"channels": [both.pk]})
        evaluate_new_mentions([matched_mention(topic, title="水壶烫伤了孩子")])
        deliver_due()
    (sent,) = smtp.messages
    assert "<div" in mail_html(sent["data"])
    ((request, _response),) = httpserver.log
    said = request.get_json()["message"]
    assert "水壶烫伤了孩子" in said and "<" not in said
