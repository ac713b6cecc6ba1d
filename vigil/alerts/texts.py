"""What Vigil writes about an alert, said in the reader's language.

A rule's alert stores its title (and, for a spike or a negative share, its explanation) once,
written in the installation's language when it fires, and beside it a code and parameters
(``"spike", {"topic": "Kettle"}``). Screens, the API and personal messages say it again in
their reader's language from those. What people wrote is kept as they wrote it: a flag's or
a report's title, and a summary that quotes a mention; so are alerts stored before codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from vigil.alerts.detectors.signal import TINY_P, expected_text, odds_rounded, ratio_text
from vigil.web.templatetags.punctuation import list_separator, sentence_gap

__all__ = [
    "ACK_LINK_NOTE",
    "list_separator",
    "news_prefix",
    "with_news",
    "say_note",
    "say_summary",
    "say_title",
    "spike_params",
]

#: A note the system writes on an acknowledgement, stored in English and said in the
#: reader's language (a zh trial read "张兰 已确认 — from the message's link").
ACK_LINK_NOTE = "from the message's link"
_NOTES: dict[str, Promise] = {ACK_LINK_NOTE: gettext_lazy("from the message's link")}


def say_note(note: str) -> str:
    """An audit note in the active language when the system wrote it; else as written."""
    return str(_NOTES.get(note, note))


_TITLES: dict[str, Promise] = {
    "keyword_any": gettext_lazy("{topic}: new mention"),
    # With the rule's name, which alerts stored before it lack: two rules on any mention of
    # one topic (one for the press office, one for legal) fired the same title (a trial).
    "keyword_any_rule": gettext_lazy("{topic}: new mention ({rule})"),
    # ``what`` is the rule's name (keyword) or the author or site (authority).
    "keyword": gettext_lazy("{topic}: {what}"),
    "authority": gettext_lazy("{topic}: {what}"),
    "story_growth": gettext_lazy("Fast-growing story on {topic}"),
    "negative_share": gettext_lazy("Negative share {share} on {topic}"),
    "spike": gettext_lazy("Volume spike: {topic}"),
    # A negative-only spike rule's ("spike" with ``negative_only``): two rules on one topic,
    # one on all mentions and one on negative ones, would otherwise fire the same title.
    "spike_negative": gettext_lazy("Spike in negative mentions: {topic}"),
}


def say_title(code: str, params: Mapping[str, Any] | None, stored: str = "") -> str:
    """The title in the active language; ``stored`` when there is no code to say it from.

    A story's headline, when the alert is about one, follows after a dot, as it was written.
    """
    values = dict(params or {})
    # Alerts stored before negative-only titles have no ``negative_only`` and read as before.
    variant = "spike_negative" if code == "spike" and values.get("negative_only") else code
    if code == "keyword_any" and values.get("rule"):
        variant = "keyword_any_rule"
    template = _TITLES.get(variant)
    if template is None:
        return stored
    if code == "negative_share":
        values["share"] = f"{float(values.get('share') or 0):.0f}%"
    try:
        text = str(template).format(**values)
    except (KeyError, IndexError, ValueError):
        return stored
    story = values.get("story")
    return f"{text} · {story}" if story else text


def level_numeral(level: str) -> str:
    """A warning level's numeral as the reader writes it: "II" in English, "Ⅱ" in Chinese
    (the screens' 「Ⅱ级 · 橙色」; messages said 「II 级」 beside them, a zh trial)."""
    return str(_NUMERALS.get(level, level))


_NUMERALS: dict[str, Promise] = {
    "I": pgettext_lazy("warning level numeral", "I"),
    "II": pgettext_lazy("warning level numeral", "II"),
    "III": pgettext_lazy("warning level numeral", "III"),
    "IV": pgettext_lazy("warning level numeral", "IV"),
}


def news_prefix(news: str) -> str:
    """What a message or bell notice puts before the title, in the active language, for
    ``news`` = "escalated", "raised", "grew" (a spike's, in a rule's preview) or "assigned"
    (an alert that has just fired needs none). Words, not emoji: plain-text channels and
    fonts without emoji show them as boxes.
    """
    if news == "escalated":
        return _("Escalated, unacknowledged: ")
    if news == "raised":
        return _("Level raised: ")
    if news == "grew":  # a spike's: its topic's volume, not a 事件 (a zh trial)
        return _("Volume grew fourfold: ")
    if news == "assigned":  # else it reads as the alert firing again (a trial's bell and mail)
        return _("Assigned: ")
    return ""


def with_news(news: str, title: str, *, by_count: bool = False) -> str:
    """The title of a message or bell notice with its ``news`` (see ``news_prefix``).

    Growth follows the title in brackets: before a spike's 「声量激增：…」 its prefix read
    「声量增至 4 倍：声量激增：…」, two colons and 声量 twice (a zh trial). ``by_count``: the
    alert grew by its count of matching mentions, not by volume (a keyword rule's: a zh
    reader took 「声量增至 4 倍」 to mean the topic's whole volume)."""
    if news == "grew" and by_count:
        return title + _(" (matching mentions now fourfold)")
    if news == "grew":
        return title + _(" (volume now fourfold)")
    return news_prefix(news) + title


def say_summary(code: str, params: Mapping[str, Any] | None, stored: str = "") -> str:
    """The explanation Vigil wrote (a spike's, a negative share's) in the active language;
    ``stored`` when the summary quotes a mention, or has no code."""
    values = dict(params or {})
    try:
        if code == "spike":
            return _spike(values)
        if code == "negative_share":
            said = _(
                "{negative} of {analysed} analysed mentions in the last {minutes} min are "
                "negative (threshold {threshold}%)."
            ).format(
                negative=values["negative"],
                analysed=values["analysed"],
                minutes=values["minutes"],
                threshold=f"{float(values['threshold']):g}",
            )
            judged = int(values.get("judged") or 0)
            if judged:  # the window's share on its face was higher: say why the figure differs
                said += sentence_gap() + ngettext(
                    "Not counted: {n} negative mention already judged in an earlier alert.",
                    "Not counted: {n} negative mentions already judged in earlier alerts.",
                    judged,
                ).format(n=judged)
            return said
    except (KeyError, TypeError, ValueError):
        return stored
    return stored


def spike_params(
    observed: float,
    expected: float,
    p_value: float,
    window_seconds: int,
    negative_only: bool = False,
    weekly: bool = True,
) -> dict:
    """What a spike's explanation needs, as stored with its alert."""
    params = {
        "observed": observed,
        "expected": expected,
        "p_value": p_value,
        "window_seconds": window_seconds,
    }
    if negative_only:  # the counts are of negative mentions, not of all the topic's
        params["negative_only"] = True
    if not weekly:  # the usual for the hour only: no week of history learnt yet
        params["weekly"] = False
    return params


#: Whole sentences for translators, keyed by (negative mentions only, weekly rhythm learnt);
#: before a week of history, the usual is the hour's only. {chance} is one of _CHANCES.
_SPIKE_TEXTS: dict[tuple[bool, bool], Promise] = {
    (False, True): gettext_lazy(
        "{observed} mentions in {span}, expected about {expected} ({ratio}× the usual for "
        "this hour and weekday); {chance}"
    ),
    (True, True): gettext_lazy(
        "{observed} negative mentions in {span}, expected about {expected} ({ratio}× "
        "the usual for this hour and weekday); {chance}"
    ),
    (False, False): gettext_lazy(
        "{observed} mentions in {span}, expected about {expected} ({ratio}× the usual for "
        "this hour); {chance}"
    ),
    (True, False): gettext_lazy(
        "{observed} negative mentions in {span}, expected about {expected} ({ratio}× "
        "the usual for this hour); {chance}"
    ),
}


def chance_words(p_value: float) -> str:
    """How unlikely, in words a PR team forwards: "about 1 in 33,000 under normal variation",
    or "practically impossible …" past 1e-12 (no model is exact enough to say 1e-300, and a
    trial's team would not forward "below 1e-12")."""
    if p_value < TINY_P:
        return _("practically impossible under normal variation")
    return _("about 1 in {n} under normal variation").format(n=_big_number(odds_rounded(p_value)))


def _big_number(n: int) -> str:
    """33,000 in English; 3.3 万 and 4500 亿 in Chinese, as Chinese readers count."""
    if not (translation.get_language() or "").startswith("zh") or n < 10_000:
        return f"{n:,}"
    for unit, size in (("亿", 10**8), ("万", 10**4)):
        if n >= size:
            return f"{n / size:.4g} {unit}"
    return f"{n:,}"


def span_words(seconds: int) -> str:
    """ "15 min", "3 h", "5 h 50 min" (not "5.83333 h")."""
    minutes = int(seconds) // 60
    if minutes < 60:
        return _("{n} min").format(n=minutes)
    hours, rest = divmod(minutes, 60)
    if not rest:
        return _("{n} h").format(n=hours)
    return _("{h} h {m} min").format(h=hours, m=rest)


def _spike(values: dict[str, Any]) -> str:
    """What was seen against what was usual."""
    observed, expected = float(values["observed"]), float(values["expected"])
    weekly = values.get("weekly", True) is not False  # alerts stored before: as they read
    text = str(_SPIKE_TEXTS[bool(values.get("negative_only")), weekly])
    return text.format(
        # Windows past five minutes count a burst bucket only partly (89.0914): say whole ones.
        observed=f"{observed:.0f}",
        span=span_words(int(values["window_seconds"])),
        expected=expected_text(expected),
        ratio=ratio_text(observed / max(expected, 1e-9)),
        chance=chance_words(float(values["p_value"])),
    )
