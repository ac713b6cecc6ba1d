"""Which of a keyword rule's words an alert's mentions matched, and in how many of them: the
alert says why it fired ("起火 ×10 · 爆炸 ×4"), not only which mention it quotes."""

from __future__ import annotations

from collections import Counter

from vigil.alerts.models import Alert, AlertRule
from vigil.alerts.services.evaluate import compiled
from vigil.monitoring.services import document_of

__all__ = ["MATCHED_SAMPLE", "matched_terms"]

#: Mentions read to count the words: an alert of thousands is summed up by its latest ones.
MATCHED_SAMPLE = 500


def matched_terms(alert: Alert, sample: int = MATCHED_SAMPLE) -> list[tuple[str, int]]:
    """(word as written, mentions it is in), most frequent first, for a keyword rule's alert;
    empty for other alerts or a rule without a query. ``sample``: the latest mentions read."""
    rule = alert.rule
    if rule is None or rule.kind != AlertRule.Kind.KEYWORD:
        return []
    query = compiled(rule.conditions.get("query", ""))
    if query is None:
        return []
    counts: Counter[str] = Counter()
    for mention in alert.mentions.order_by("-published_at", "-id")[:sample]:
        result = query.match(document_of(mention))
        if result is not None:
            counts.update({term.lower(): 1 for term in result.terms})
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
