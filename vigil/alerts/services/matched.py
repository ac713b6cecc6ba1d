"""Which of a keyword rule's words an alert's mentions matched, and in how many of them: the
alert says why it fired ("起火 ×10 · 爆炸 ×4"), not only which mention it quotes."""

from __future__ import annotations

import functools
from collections import Counter

from vigil.alerts.models import Alert, AlertRule
from vigil.alerts.services.evaluate import compiled
from vigil.monitoring.services import document_of

__all__ = ["MATCHED_SAMPLE", "matched_terms", "matched_terms_once"]

#: Mentions read to count the words: an alert of thousands is summed up by its latest ones.
MATCHED_SAMPLE = 500


def matched_terms(alert: Alert) -> list[tuple[str, int]]:
    """(word as written, mentions it is in), most frequent first, for a keyword rule's alert;
    empty for other alerts or a rule without a query."""
    rule = alert.rule
    if rule is None or rule.kind != AlertRule.Kind.KEYWORD:
        return []
    query = compiled(rule.conditions.get("query", ""))
    if query is None:
        return []
    counts: Counter[str] = Counter()
    for mention in alert.mentions.order_by("-published_at", "-id")[:MATCHED_SAMPLE]:
        result = query.match(document_of(mention))
        if result is not None:
            counts.update({term.lower(): 1 for term in result.terms})
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def matched_terms_once(alert: Alert) -> list[tuple[str, int]]:
    """``matched_terms`` read once per state of the alert: a message is composed for each of
    its recipients, and each must say what the alert's page says (a trial's escalation
    e-mail, reading fewer mentions, named fewer words than the page)."""
    rule = alert.rule
    if rule is None or rule.kind != AlertRule.Kind.KEYWORD:
        return []
    key = (alert.pk, alert.mention_count, alert.last_seen.isoformat())
    return list(_terms_of(*key, rule.conditions.get("query", "")))


@functools.lru_cache(maxsize=256)
def _terms_of(
    alert_id: int, _count: int, _last_seen: str, _query: str
) -> tuple[tuple[str, int], ...]:
    alert = Alert.objects.select_related("rule").get(pk=alert_id)
    return tuple(matched_terms(alert))
