"""``Mention``: one normalised piece of public text, whatever source it came from."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vigil.sources.models import Channel


class Mention(models.Model):
    source = models.ForeignKey(
        "sources.Source",
        on_delete=models.PROTECT,
        related_name="mentions",
        verbose_name=_("source"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, db_index=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    text = models.TextField(_("text"), blank=True)
    url = models.URLField(_("URL"), max_length=2000, blank=True)
    canonical_url = models.URLField(_("canonical URL"), max_length=2000, blank=True)
    # sha1 of the canonical URL, so one article is one mention however many sources or
    # fetches bring it; for an item without a URL, sha1 of its source and external id.
    item_key = models.CharField(max_length=40, unique=True)
    content_key = models.CharField(max_length=40, blank=True, db_index=True)
    author = models.CharField(_("author"), max_length=200, blank=True)
    author_handle = models.CharField(_("handle"), max_length=200, blank=True)
    author_followers = models.PositiveBigIntegerField(_("followers"), null=True, blank=True)
    site = models.CharField(_("site"), max_length=255, blank=True, db_index=True)
    lang = models.CharField(_("language"), max_length=12, blank=True, db_index=True)
    published_at = models.DateTimeField(_("published"), db_index=True)
    fetched_at = models.DateTimeField(_("fetched"))
    likes = models.PositiveBigIntegerField(_("likes"), null=True, blank=True)
    shares = models.PositiveBigIntegerField(_("shares"), null=True, blank=True)
    comments = models.PositiveBigIntegerField(_("comments"), null=True, blank=True)
    views = models.PositiveBigIntegerField(_("views"), null=True, blank=True)
    duplicate_count = models.PositiveIntegerField(_("exact duplicates"), default=0)
    # Folded title/text/author/url in the query language's canonical form; indexed for
    # search (SQLite FTS5 trigram, PostgreSQL pg_trgm + a CJK-character tsvector).
    search_text = models.TextField(blank=True, editable=False)
    raw = models.JSONField(_("raw payload"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["source", "-published_at"])]
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")

    def __str__(self) -> str:
        return (self.title or self.text)[:80]

    @property
    def headline(self) -> str:
        """A one-line label: the title, else the start of the text."""
        return self.title or self.text[:140]
