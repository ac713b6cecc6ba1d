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

    # --- analysis (filled by the analyse stage; see vigil/analysis) ---------------------
    sentiment = models.CharField(_("sentiment"), max_length=8, blank=True, db_index=True)
    sentiment_score = models.FloatField(_("sentiment score"), null=True, blank=True)
    sentiment_confidence = models.FloatField(_("confidence"), null=True, blank=True)
    sentiment_path = models.CharField(max_length=8, blank=True)  # fast | accurate
    emotion = models.CharField(_("emotion"), max_length=10, blank=True)
    emotions = models.JSONField(default=dict, blank=True)
    entities = models.JSONField(default=list, blank=True)
    reprint_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reprints",
        verbose_name=_("reprint of"),
    )
    reprint_group = models.BigIntegerField(null=True, blank=True, db_index=True)
    story = models.ForeignKey(
        "analysis.Story",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentions",
        verbose_name=_("story"),
    )
    authority_tier = models.CharField(_("authority"), max_length=12, blank=True)
    reach = models.BigIntegerField(_("estimated reach"), null=True, blank=True)
    impact = models.FloatField(_("impact"), null=True, blank=True, db_index=True)
    impact_explained = models.JSONField(default=dict, blank=True)
    analysed_at = models.DateTimeField(null=True, blank=True)
    # --- analysts' corrections override what the models said --------------------------
    sentiment_corrected = models.CharField(_("corrected sentiment"), max_length=8, blank=True)
    emotion_corrected = models.CharField(_("corrected emotion"), max_length=10, blank=True)
    relevance = models.CharField(_("relevance"), max_length=8, blank=True)  # "" | relevant | noise

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["source", "-published_at"]),
            # A story's mentions in the last hour (stories screens) is one index range.
            models.Index(fields=["story", "published_at"], name="mention_story_published"),
            # The list's order with the noise flag: counting the list and skipping to a
            # deep page read this index only, not the rows.
            models.Index(
                fields=["-published_at", "-id", "relevance"], name="mention_newest_relevance"
            ),
        ]
        permissions = [("flag_mention", "Can flag a mention as a warning")]
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")

    def __str__(self) -> str:
        return (self.title or self.text)[:80]

    @property
    def effective_sentiment(self) -> str:
        """The analyst's correction when there is one, else the model's label."""
        return self.sentiment_corrected or self.sentiment

    @property
    def effective_emotion(self) -> str:
        return self.emotion_corrected or self.emotion

    @property
    def is_noise(self) -> bool:
        return self.relevance == "noise"

    @property
    def headline(self) -> str:
        """A one-line label: the title, else the start of the text."""
        return self.title or self.text[:140]
