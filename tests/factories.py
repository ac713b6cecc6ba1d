"""factory_boy factories for the core rows."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from vigil.accounts.models import Department
from vigil.mentions.models import Mention
from vigil.pipeline.stages import search_text_of
from vigil.sources.models import RawItem, Source


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept-{n}")
    name = factory.Sequence(lambda n: f"Department {n}")
    name_zh = factory.Sequence(lambda n: f"部门{n}")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    name = factory.Sequence(lambda n: f"source-{n}")
    kind = "rss"
    config = factory.LazyFunction(lambda: {"url": "http://127.0.0.1:9/feed.xml"})
    channel = "news"
    interval_seconds = 600


class RawItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RawItem

    source = factory.SubFactory(SourceFactory)
    external_id = factory.Sequence(lambda n: f"item-{n}")
    fetched_at = factory.LazyFunction(timezone.now)
    payload = factory.LazyAttribute(
        lambda o: {
            "external_id": o.external_id,
            "url": f"https://news.example.com/{o.external_id}",
            "title": f"Lumina launches product {o.external_id}",
            "text": f"A long enough text about the launch of {o.external_id} by Lumina Home.",
            "published_at": (timezone.now() - dt.timedelta(minutes=5)).isoformat(),
        }
    )


class MentionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mention

    source = factory.SubFactory(SourceFactory)
    channel = "news"
    title = factory.Sequence(lambda n: f"Headline {n}")
    text = factory.Sequence(lambda n: f"Body text of mention number {n} about Lumina.")
    url = factory.Sequence(lambda n: f"https://news.example.com/a/{n}")
    canonical_url = factory.LazyAttribute(lambda o: o.url)
    item_key = factory.Sequence(lambda n: f"{n:040d}")
    site = "news.example.com"
    lang = "en"
    published_at = factory.LazyFunction(timezone.now)
    fetched_at = factory.LazyFunction(timezone.now)
    search_text = factory.LazyAttribute(lambda o: search_text_of(o.title, o.text, "", o.url))
