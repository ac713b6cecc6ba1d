"""Filters that show stored analysis codes in the reader's language (see ``analysis.labels``)."""

from __future__ import annotations

from django import template

from vigil.analysis import labels

register = template.Library()

register.filter("sentiment_label", labels.sentiment_label)
register.filter("emotion_label", labels.emotion_label)
register.filter("entity_kind_label", labels.entity_kind_label)
register.filter("model_path_label", labels.model_path_label)
register.filter("tier_label", labels.tier_label)
register.filter("language_label", labels.language_label)
register.filter("impact_factor_label", labels.impact_factor_label)
register.filter("delay_label", labels.delay_label)
