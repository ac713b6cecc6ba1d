"""A deep page of the mentions list is the same page, read through the list's index."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import MentionFactory
from vigil.mentions.models import Mention
from vigil.mentions.services import MentionFilter, find_mentions

pytestmark = pytest.mark.django_db


def test_a_deep_page_holds_the_same_mentions_in_the_same_order() -> None:
    moment = timezone.now()
    for i in range(12):
        # Pairs share a time, so the id decides between them.
        MentionFactory(published_at=moment - dt.timedelta(minutes=i // 2))
    MentionFactory(published_at=moment, relevance="noise")
    listed = list(Mention.objects.exclude(relevance="noise").order_by("-published_at", "-id"))

    pages = [find_mentions(MentionFilter(), offset=o, limit=5) for o in (0, 5, 10)]

    assert [[hit.mention for hit in page.hits] for page in pages] == [
        listed[0:5],
        listed[5:10],
        listed[10:12],
    ]
    assert {page.count for page in pages} == {12}
    assert pages[1].hits[0].mention.source.name  # the source came with the page


def test_the_list_order_and_noise_flag_are_indexed_together() -> None:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "mentions_mention")
    assert any(
        c["index"] and c["columns"] == ["published_at", "id", "relevance"]
        for c in constraints.values()
    )
