from __future__ import annotations

from datetime import UTC, datetime, timedelta

from vigil.analysis.impact import (
    MentionSignals,
    author_influence,
    score_group,
    score_mention,
    suggest_level,
)
from vigil.analysis.impact_tiers import AuthorityTable, Tier

T0 = datetime(2025, 5, 1, 8, 0, tzinfo=UTC)


def test_domains_map_to_tiers_with_suffix_match_and_overrides() -> None:
    table = AuthorityTable({"example-trade.com": "industry"})
    assert table.tier_for("https://news.sina.com.cn/c/1.html") is Tier.PORTAL
    assert table.tier_for("http://www.people.com.cn/x") is Tier.CENTRAL
    assert table.tier_for("https://www.reuters.com/a") is Tier.NATIONAL
    assert table.tier_for("https://www.fda.gov/news") is Tier.CENTRAL
    assert table.tier_for("example-trade.com") is Tier.INDUSTRY
    assert table.tier_for("https://someblog.example") is Tier.SELF_MEDIA


def test_platform_tier_depends_on_the_author() -> None:
    table = AuthorityTable()
    assert table.tier_for("https://weibo.com/1/a", followers=300) is Tier.INDIVIDUAL
    assert table.tier_for("https://weibo.com/1/a", followers=2_000_000) is Tier.SELF_MEDIA
    assert table.tier_for("https://x.com/a", followers=20_000, verified=True) is Tier.SELF_MEDIA


def test_influence_grows_with_followers_and_engagement() -> None:
    assert author_influence(100) < author_influence(100_000) < author_influence(10_000_000)
    assert author_influence(1000, engagement=5000) > author_influence(1000)
    assert author_influence(10_000_000, 10**6, True) == 1.0


def test_negative_central_media_outranks_a_small_post() -> None:
    central = score_mention(MentionSignals(T0, "https://www.people.com.cn/a", sentiment=-0.8))
    small = score_mention(
        MentionSignals(T0, "https://weibo.com/u/1", sentiment=-0.9, followers=200)
    )
    assert central.score > 50 > small.score
    assert small.level is None


def test_tone_lifts_the_same_magnitude() -> None:
    base = MentionSignals(T0, "https://www.thepaper.cn/a", sentiment=0.8)
    worse = MentionSignals(T0, "https://www.thepaper.cn/a", sentiment=-0.8)
    assert score_mention(worse).score > score_mention(base).score * 2


def test_levels_follow_thresholds() -> None:
    assert [suggest_level(s) for s in (85, 60, 45, 20, 19.9)] == ["I", "II", "III", "IV", None]


def _burst(n: int, negative: float) -> list[MentionSignals]:
    return [
        MentionSignals(
            T0 + timedelta(minutes=i % 60),
            "https://weibo.com/u/x",
            sentiment=-0.7 if i < negative * n else 0.5,
            followers=5000,
            shares=3,
        )
        for i in range(n)
    ]


def test_story_score_grows_with_volume_velocity_and_negative_share() -> None:
    quiet = score_group(_burst(5, 0.2))
    loud = score_group(_burst(2000, 0.2))
    angry = score_group(_burst(2000, 0.9))
    assert quiet.score < loud.score < angry.score
    with_media = score_group(
        [*_burst(2000, 0.9), MentionSignals(T0, "https://news.cn/a", sentiment=-1)]
    )
    assert with_media.score > angry.score


def test_velocity_against_baseline() -> None:
    mentions = _burst(200, 0.5)
    assert (
        score_group(mentions, baseline_per_hour=1).score
        > score_group(mentions, baseline_per_hour=200).score
    )


def test_explain_names_every_factor_and_the_total() -> None:
    result = score_group(_burst(300, 0.8), subject="topic-day")
    text = "\n".join(result.explain())
    for word in ("mentions", "reach", "busiest hour", "authority", "negative share"):
        assert word in text
    assert f"{result.score:.1f}" in text
    data = result.as_dict()
    assert data["score"] == result.score
    assert len(data["factors"]) == 4  # type: ignore[arg-type]


def test_empty_group_scores_zero() -> None:
    assert score_group([]).score == 0
