"""A liaison's report by hand: the form says each level's response target, names every bad link
under Links, and offers "none in particular" for the topic (found in a trial: only the first of
three bad links was named, above the form, and the topic read "---------")."""

from __future__ import annotations

import html

import pytest

from vigil.alerts.models import Alert

pytestmark = pytest.mark.django_db


def test_the_report_form_names_every_bad_link_under_links(client_for) -> None:
    liaison = client_for("Department liaison")
    form = liaison.get("/alerts/report/").content.decode()
    assert '<option value="I">I · red · respond within 2 h</option>' in form
    assert "— none in particular —" in form and "---------" not in form
    links = "https://weibo.example/1\nwww.example.com/a\njavascript:alert(1)\nhttps://"
    page = liaison.post(
        "/alerts/report/", {"title": "门店投诉", "text": "顾客闹事", "links": links, "level": "II"}
    ).content.decode()
    said = html.unescape(page)
    assert "not web links: “www.example.com/a”、“javascript:alert(1)”、“https://”" in said
    links_row = said[said.index('id="id_links"') :]
    assert links_row.index("not web links") < links_row.index("</div>")  # at the field
    assert not Alert.objects.exists()
