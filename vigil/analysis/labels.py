"""Display names of the analysis codes stored on mentions (sentiment, emotion, authority tier,
entity kind, language), so every screen says them the same way in the reader's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from vigil.analysis.models import SiteAuthority

__all__ = [
    "delay_label",
    "emotion_label",
    "entity_kind_label",
    "impact_factor_label",
    "language_choices",
    "language_label",
    "model_path_label",
    "sentiment_label",
    "tier_label",
]

SENTIMENT_LABELS: dict[str, Promise] = {
    "positive": _("positive"),
    "neutral": _("neutral"),
    "negative": _("negative"),
    "unknown": _("unknown"),
}
EMOTION_LABELS: dict[str, Promise] = {
    "anger": pgettext_lazy("emotion", "anger"),
    "fear": pgettext_lazy("emotion", "fear"),
    "sadness": pgettext_lazy("emotion", "sadness"),
    "joy": pgettext_lazy("emotion", "joy"),
    "surprise": pgettext_lazy("emotion", "surprise"),
    "disgust": pgettext_lazy("emotion", "disgust"),
    "none": pgettext_lazy("emotion", "none"),
}
ENTITY_KIND_LABELS: dict[str, Promise] = {
    "person": pgettext_lazy("entity kind", "person"),
    "organisation": pgettext_lazy("entity kind", "organisation"),
    "place": pgettext_lazy("entity kind", "place"),
}
MODEL_PATH_LABELS: dict[str, Promise] = {
    "fast": pgettext_lazy("sentiment model", "fast"),
    "accurate": pgettext_lazy("sentiment model", "accurate"),
}
# Every language the language identifier may answer (analysis.langid.SUPPORTED_LANGUAGES).
LANGUAGE_LABELS: dict[str, Promise] = {
    "zh": pgettext_lazy("language name", "Chinese"),
    "en": pgettext_lazy("language name", "English"),
    "ja": pgettext_lazy("language name", "Japanese"),
    "ko": pgettext_lazy("language name", "Korean"),
    "fr": pgettext_lazy("language name", "French"),
    "de": pgettext_lazy("language name", "German"),
    "es": pgettext_lazy("language name", "Spanish"),
    "pt": pgettext_lazy("language name", "Portuguese"),
    "it": pgettext_lazy("language name", "Italian"),
    "nl": pgettext_lazy("language name", "Dutch"),
    "ru": pgettext_lazy("language name", "Russian"),
    "ar": pgettext_lazy("language name", "Arabic"),
    "vi": pgettext_lazy("language name", "Vietnamese"),
    "th": pgettext_lazy("language name", "Thai"),
    "id": pgettext_lazy("language name", "Indonesian"),
    "ms": pgettext_lazy("language name", "Malay"),
    "tr": pgettext_lazy("language name", "Turkish"),
    "und": pgettext_lazy("language name", "undetermined"),
}


def _label(labels: dict[str, Promise], code: str) -> str:
    """The label of ``code``; an unknown code is shown as stored rather than hidden."""
    return str(labels.get(code, code))


def sentiment_label(code: str) -> str:
    return _label(SENTIMENT_LABELS, code)


def emotion_label(code: str) -> str:
    return _label(EMOTION_LABELS, code)


def entity_kind_label(code: str) -> str:
    return _label(ENTITY_KIND_LABELS, code)


def model_path_label(code: str) -> str:
    return _label(MODEL_PATH_LABELS, code)


IMPACT_FACTOR_LABELS: dict[str, Promise] = {
    "authority": pgettext_lazy("impact factor", "authority of the source"),
    "reach": pgettext_lazy("impact factor", "estimated reach (people)"),
    "influence": pgettext_lazy("impact factor", "author influence"),
    "volume": pgettext_lazy("impact factor", "mentions"),
    "velocity": pgettext_lazy("impact factor", "velocity (busiest hour)"),
    "tone": pgettext_lazy("impact factor", "negativity"),
}


def impact_factor_label(code: str) -> str:
    return _label(IMPACT_FACTOR_LABELS, code)


def tier_label(code: str) -> str:
    return _label(dict(SiteAuthority.Tier.choices), code)


def language_label(code: str) -> str:
    """``zh-Hans`` and ``zh`` alike are Chinese: the base code picks the name."""
    if not code:
        return ""
    return _label(LANGUAGE_LABELS, code.split("-")[0].lower())


def language_choices(codes: list[str]) -> list[tuple[str, Promise | str]]:
    """(code, lazy name) pairs for a form's choices; lazy so they follow the request."""
    return [(code, LANGUAGE_LABELS.get(code, code)) for code in codes]


def delay_label(delay: dt.timedelta | None) -> str:
    """How long after the original a reprint came, in the reader's words ("2 d 10 h")."""
    if delay is None:
        return "—"
    minutes = max(0, int(delay.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return gettext("%(d)s d %(h)s h") % {"d": days, "h": hours}
    if hours:
        return gettext("%(h)s h %(m)s min") % {"h": hours, "m": minutes}
    return gettext("%(m)s min") % {"m": minutes}


RELEVANCE_LABELS: dict[str, Promise] = {
    "relevant": _("about us"),
    "noise": _("noise"),
}


def _sayer(labels: dict[str, Promise]) -> Callable[[Any, Any], str | None]:
    def say(value: Any, _mention: Any) -> str | None:
        return str(labels[value]) if isinstance(value, str) and value in labels else None

    return say


#: How the audit log says an analyst's corrections (a zh trial read "— → neutral").
CORRECTION_SAYERS = {
    "sentiment_corrected": _sayer(SENTIMENT_LABELS),
    "emotion_corrected": _sayer(EMOTION_LABELS),
    "relevance": _sayer(RELEVANCE_LABELS),
}
