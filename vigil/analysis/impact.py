"""Impact score of a mention, a story or a topic-day, and the warning level it suggests.

    impact = 100 × magnitude × tone

*magnitude* (0–1) is a weighted sum of normalised factors — for one mention: source
authority, estimated reach, author influence; for a story or topic-day: volume, reach,
velocity and authority. *tone* (0.35–1) grows with the negative share (or negativity of
one mention), so a huge but friendly story stays a low-level notice while the same
story turning negative climbs to level I. Every factor is kept with its value, weight
and points so the UI can answer "why this score" (:meth:`ImpactScore.explain`).
Logarithmic scales throughout: the 10,000th mention matters less than the 10th.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from vigil.analysis.impact_tiers import TIER_REACH, TIER_WEIGHT, AuthorityTable, Tier

__all__ = [
    "LEVELS",
    "Factor",
    "ImpactScore",
    "MentionSignals",
    "author_influence",
    "estimate_reach",
    "score_group",
    "score_mention",
    "suggest_level",
]

# (level, minimum score, meaning): I is the most severe, as in Chinese emergency plans.
LEVELS: tuple[tuple[str, float, str], ...] = (
    ("I", 80.0, "特别重大 / critical"),
    ("II", 60.0, "重大 / major"),
    ("III", 40.0, "较大 / significant"),
    ("IV", 20.0, "一般 / general"),
)
MENTION_WEIGHTS = {"authority": 0.40, "reach": 0.40, "influence": 0.20}
GROUP_WEIGHTS = {"volume": 0.25, "reach": 0.25, "velocity": 0.25, "authority": 0.25}
_TONE_FLOOR = 0.35
_DEFAULT_TABLE = AuthorityTable()


@dataclass(frozen=True, slots=True)
class MentionSignals:
    """What impact needs to know about one mention (all optional but the time)."""

    published_at: datetime
    url: str = ""
    sentiment: float | None = None  # −1 (negative) … 1 (positive)
    followers: int | None = None
    verified: bool = False
    likes: int = 0
    shares: int = 0
    comments: int = 0
    views: int | None = None
    tier: Tier | None = None  # set to override the authority table

    @property
    def engagement(self) -> int:
        return self.likes + 2 * self.comments + 3 * self.shares


@dataclass(frozen=True, slots=True)
class Factor:
    """One term of the formula: raw value, normalised 0–1, weight, points contributed."""

    key: str
    label: str
    value: float
    normalised: float
    weight: float
    points: float


@dataclass(frozen=True, slots=True)
class ImpactScore:
    score: float
    level: str | None
    factors: tuple[Factor, ...]
    tone: Factor
    subject: str = "mention"
    notes: tuple[str, ...] = field(default_factory=tuple)

    def explain(self) -> list[str]:
        """Human-readable "why this score", one line per factor, biggest first."""
        level = f"suggested warning level {self.level}" if self.level else "below warning level IV"
        lines = [f"Impact {self.score:.1f}/100 for this {self.subject} — {level}."]
        lines.append("Magnitude (weighted sum of factors, 0–1):")
        for f in sorted(self.factors, key=lambda f: -f.points):
            lines.append(
                f"  • {f.label}: {_fmt(f.value)} → {f.normalised:.2f} × weight {f.weight:.2f} "
                f"= {f.points:.3f}"
            )
        magnitude = sum(f.points for f in self.factors)
        lines.append(
            f"Tone: {self.tone.label} {_fmt(self.tone.value)} → multiplier {self.tone.normalised:.2f}"
        )
        lines.append(
            f"Score = 100 × {magnitude:.3f} × {self.tone.normalised:.2f} = {self.score:.1f}"
        )
        lines.extend(self.notes)
        return lines

    def as_dict(self) -> dict[str, object]:
        return {
            "score": self.score,
            "level": self.level,
            "subject": self.subject,
            "factors": [_factor_dict(f) for f in self.factors],
            "tone": _factor_dict(self.tone),
            "explanation": self.explain(),
        }


def _factor_dict(f: Factor) -> dict[str, object]:
    return {
        "key": f.key,
        "label": f.label,
        "value": f.value,
        "normalised": f.normalised,
        "weight": f.weight,
        "points": f.points,
    }


def _fmt(value: float) -> str:
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:.2f}"


def _log_scale(value: float, full: float) -> float:
    """0 at 0, 1 at ``full`` and beyond, logarithmic in between."""
    if value <= 0:
        return 0.0
    return min(1.0, math.log10(1 + value) / math.log10(1 + full))


def _mention_reach(reach: int) -> float:
    """0 up to 100 people (a post nobody saw), 1 at 10 million, logarithmic between."""
    return max(0.0, min(1.0, (math.log10(1 + reach) - 2) / 5))


def suggest_level(score: float, levels: Sequence[tuple[str, float, str]] = LEVELS) -> str | None:
    """The warning level (I most severe … IV) a score suggests, or None below IV."""
    for name, minimum, _ in levels:
        if score >= minimum:
            return name
    return None


def author_influence(followers: int | None, engagement: int = 0, verified: bool = False) -> float:
    """0–1: followers (10 M → 1) count most, engagement (100 k → 1) next, +0.1 if verified."""
    f = _log_scale(followers or 0, 10_000_000)
    e = _log_scale(engagement, 100_000)
    return round(min(1.0, 0.65 * f + 0.35 * e + (0.1 if verified else 0.0)), 4)


def estimate_reach(signals: MentionSignals, tier: Tier) -> int:
    """People likely to have seen the mention: views if known; else ~10% of followers
    plus ~100 per share; else the tier's typical audience."""
    if signals.views is not None:
        return signals.views
    if signals.followers is not None:
        return int(signals.followers * 0.1 + signals.shares * 100)
    return TIER_REACH[tier] + signals.shares * 100


def _tone(negativity: float, label: str) -> Factor:
    multiplier = _TONE_FLOOR + (1 - _TONE_FLOOR) * max(0.0, min(1.0, negativity))
    return Factor("tone", label, round(negativity, 4), round(multiplier, 4), 1.0, 0.0)


def _factor(
    key: str, label: str, value: float, normalised: float, weights: dict[str, float]
) -> Factor:
    w = weights[key]
    return Factor(key, label, round(value, 4), round(normalised, 4), w, round(w * normalised, 4))


def _finish(factors: list[Factor], tone: Factor, subject: str, notes: list[str]) -> ImpactScore:
    score = round(100 * sum(f.points for f in factors) * tone.normalised, 1)
    return ImpactScore(score, suggest_level(score), tuple(factors), tone, subject, tuple(notes))


def score_mention(signals: MentionSignals, table: AuthorityTable = _DEFAULT_TABLE) -> ImpactScore:
    """Impact of one mention (0–100)."""
    tier = signals.tier or table.tier_for(
        signals.url, followers=signals.followers, verified=signals.verified
    )
    reach = estimate_reach(signals, tier)
    influence = author_influence(signals.followers, signals.engagement, signals.verified)
    factors = [
        _factor(
            "authority",
            f"source authority ({tier.value})",
            TIER_WEIGHT[tier],
            TIER_WEIGHT[tier],
            MENTION_WEIGHTS,
        ),
        _factor("reach", "estimated reach (people)", reach, _mention_reach(reach), MENTION_WEIGHTS),
        _factor("influence", "author influence", influence, influence, MENTION_WEIGHTS),
    ]
    negativity = 0.5 if signals.sentiment is None else (1 - signals.sentiment) / 2
    notes = [] if signals.sentiment is not None else ["Sentiment unknown: tone taken as neutral."]
    return _finish(factors, _tone(negativity, "negativity"), "mention", notes)


def score_group(
    mentions: Sequence[MentionSignals],
    *,
    subject: str = "story",
    baseline_per_hour: float | None = None,
    table: AuthorityTable = _DEFAULT_TABLE,
) -> ImpactScore:
    """Impact of a story or a topic-day from its mentions.

    Volume: mentions (10,000 → 1). Reach: summed estimated reach (100 M → 1). Velocity:
    the busiest hour, against ``baseline_per_hour`` (the topic's normal rate: 16× → 1)
    when given, else absolute (1,000 per hour → 1). Authority: 0.7 × the best source's
    tier weight + 0.3 × the mean of the five best. Tone: share of negative mentions
    (sentiment < −0.05) among those with a sentiment.
    """
    if not mentions:
        return _finish([], _tone(0.0, "negative share"), subject, ["No mentions."])
    tiers = [
        m.tier or table.tier_for(m.url, followers=m.followers, verified=m.verified)
        for m in mentions
    ]
    reach = sum(estimate_reach(m, t) for m, t in zip(mentions, tiers, strict=True))
    hours: dict[datetime, int] = {}
    for m in mentions:
        hour = m.published_at.replace(minute=0, second=0, microsecond=0)
        hours[hour] = hours.get(hour, 0) + 1
    peak = max(hours.values())
    notes: list[str] = []
    if baseline_per_hour:
        ratio = peak / baseline_per_hour
        velocity = min(1.0, math.log2(1 + ratio) / math.log2(17))
        velocity_label = f"busiest hour vs normal ({baseline_per_hour:g}/h), ratio"
        velocity_value = ratio
    else:
        velocity = _log_scale(peak, 1000)
        velocity_label = "mentions in the busiest hour"
        velocity_value = peak
    weights = sorted((TIER_WEIGHT[t] for t in tiers), reverse=True)
    authority = 0.7 * weights[0] + 0.3 * sum(weights[:5]) / len(weights[:5])
    best = min(tiers, key=lambda t: list(Tier).index(t))
    best_count = sum(1 for t in tiers if t == best)
    factors = [
        _factor(
            "volume", "mentions", len(mentions), _log_scale(len(mentions), 10_000), GROUP_WEIGHTS
        ),
        _factor(
            "reach",
            "estimated reach (people)",
            reach,
            _log_scale(reach, 100_000_000),
            GROUP_WEIGHTS,
        ),
        _factor("velocity", velocity_label, velocity_value, velocity, GROUP_WEIGHTS),
        _factor(
            "authority",
            f"source authority (best: {best.value} ×{best_count})",
            authority,
            authority,
            GROUP_WEIGHTS,
        ),
    ]
    rated = [m.sentiment for m in mentions if m.sentiment is not None]
    if rated:
        negative_share = sum(1 for s in rated if s < -0.05) / len(rated)
    else:
        negative_share = 0.5
        notes.append("No sentiment known: tone taken as half negative.")
    span = max(m.published_at for m in mentions) - min(m.published_at for m in mentions)
    if span > timedelta(days=2) and subject == "topic-day":
        notes.append("Mentions span more than a day: check the period passed in.")
    return _finish(factors, _tone(negative_share, "negative share"), subject, notes)
