"""The streaming spike detector: fires on real bursts, stays quiet on rhythm, never looks ahead."""

from __future__ import annotations

import json
import math
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from vigil.alerts.detectors import (
    SpikeDetector,
    SpikeSignal,
    infer_bucket_seconds,
    read_series,
    replay,
)
from vigil.alerts.detectors.tails import gamma_log_sf, negbin_log_sf

# ../shared/data beside the checkout (as on developer machines and in CI).
NAB = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "nab"
START = datetime(2024, 3, 4)  # a Monday
STEP = timedelta(minutes=5)


def mention_stream(days: int, seed: int = 1, burst_at: int | None = None) -> list[float]:
    """Over-dispersed counts with a strong daily rhythm and quieter weekends."""
    rng = random.Random(seed)
    counts = []
    for b in range(days * 288):
        hour = (b % 288) / 12
        weekend = 0.5 if (b // 288) % 7 >= 5 else 1.0
        mean = 20 * weekend * (1.2 + math.sin((hour - 9) / 24 * 2 * math.pi))
        mean *= rng.gammavariate(8.0, 1 / 8.0)
        if burst_at is not None and burst_at <= b < burst_at + 12:
            mean *= 8
        counts.append(float(_poisson(rng, mean)))
    return counts


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def run(counts: list[float], detector: SpikeDetector | None = None, offset: int = 0) -> list[int]:
    detector = detector or SpikeDetector()
    fired = []
    for i, count in enumerate(counts):
        if detector.observe(START + (offset + i) * STEP, count) is not None:
            fired.append(offset + i)
    return fired


def test_sustained_burst_fires_promptly_with_a_readable_signal() -> None:
    burst = 10 * 288 + 150
    counts = mention_stream(14, burst_at=burst)
    detector = SpikeDetector()
    signals = [
        (i, s)
        for i, c in enumerate(counts)
        if (s := detector.observe(START + i * STEP, c)) is not None
    ]
    hits = [(i, s) for i, s in signals if burst <= i < burst + 12]
    assert hits, "the eightfold burst was missed"
    first_index, first = hits[0]
    assert first_index <= burst + 3
    assert first.observed > first.expected * 2
    assert 0.0 < first.severity <= 1.0
    assert 0.0 < first.p_value < 1e-3
    assert "mentions in" in first.explanation and "expected ~" in first.explanation
    # Odds in words, as the app says them ("about 1 in 9,600 …"), not "~1e-04".
    assert first.explanation.endswith("under normal variation") and "e-" not in first.explanation


def test_odds_are_said_in_words_to_two_figures() -> None:
    from vigil.alerts.detectors.signal import odds_text

    assert odds_text(3e-5) == "about 1 in 33,000 under normal variation"
    assert odds_text(0.04) == "about 1 in 25 under normal variation"
    assert odds_text(1e-300) == "practically impossible under normal variation"


def test_a_lone_five_minute_blip_needs_far_stronger_evidence_than_a_sustained_rise() -> None:
    blip = 10 * 288 + 150
    counts = mention_stream(14, seed=1)
    counts[blip] *= 5  # one bucket at 5x (a bot, one retweet storm), then back to normal
    assert [i for i in run(counts) if blip <= i < blip + 12] == []
    evenly = SpikeDetector(lone_bucket_share=1.0)  # the one-bucket window at a full share
    assert [i for i in run(counts, evenly) if blip <= i < blip + 12] == [blip]
    counts[blip] *= 3  # 15x: far beyond anything the topic's history explains
    assert [i for i in run(counts) if blip <= i < blip + 12] == [blip]


def test_only_count_series_hold_a_lone_bucket_to_the_stricter_share() -> None:
    config = SpikeDetector().config
    counts, sensors = config.log_p_thresholds(counts=True), config.log_p_thresholds(counts=False)
    assert config.scales[0] == 1
    assert counts[0] - counts[1] == pytest.approx(math.log(1e-3))
    assert len(set(sensors)) == 1
    budget = sum(math.exp(v) for v in counts)  # the weekly alarm budget is unchanged
    assert budget == pytest.approx(sum(math.exp(v) for v in sensors))


def test_daily_and_weekly_rhythm_alone_rarely_alerts() -> None:
    counts = mention_stream(28, seed=3)
    alerts = run(counts)
    weeks_after_warmup = 27 / 7
    assert len(alerts) / weeks_after_warmup <= 3.0


def _weekday_factors(counts: list[float]) -> list[float]:
    detector = SpikeDetector()
    run(counts, detector)
    return list(detector._s.dow)


def test_a_topic_without_a_weekly_rhythm_learns_none() -> None:
    """Learnt bucket by bucket against the 12-hour level, the weekday factors drifted into a
    ramp (0.55 on Monday to 1.54 on Sunday) on a stream with no weekly rhythm at all."""
    rng = random.Random(4)
    counts = []
    for b in range(21 * 288):
        hour = (b % 288) / 12
        counts.append(float(_poisson(rng, 4 * (1.2 + math.sin((hour - 9) / 24 * 2 * math.pi)))))
    factors = _weekday_factors(counts)
    assert max(factors) / min(factors) < 1.2, factors


def test_quieter_weekends_are_learnt_from_whole_days() -> None:
    factors = _weekday_factors(mention_stream(28, seed=6))  # weekends at half the volume
    weekday = sum(factors[:5]) / 5
    weekend = sum(factors[5:]) / 2
    assert 0.4 < weekend / weekday < 0.65, factors
    assert all(abs(f / weekday - 1) < 0.15 for f in factors[:5]), factors


def test_the_first_week_learns_no_weekly_rhythm() -> None:
    """Seven complete days are needed before any weekday can be compared with the week."""
    assert _weekday_factors(mention_stream(6, seed=6)) == [1.0] * 7


def test_a_spike_before_a_week_of_history_is_not_said_against_the_weekday() -> None:
    # A trial's alert after three days claimed "the usual for this hour and weekday", though
    # no weekday factor is learnt before seven whole days.
    def first_burst(day: int) -> SpikeSignal:
        burst = day * 288 + 150
        counts = mention_stream(day + 1, burst_at=burst)
        detector = SpikeDetector()
        for i, count in enumerate(counts):
            signal = detector.observe(START + i * STEP, count)
            if signal is not None and i >= burst:
                return signal
        raise AssertionError("the eightfold burst was missed")

    young, grown = first_burst(3), first_burst(10)
    assert not young.weekly and grown.weekly
    assert "the usual for 12:00)" in young.explanation
    assert "the usual for Thu 12:00)" in grown.explanation


def test_sensitivity_orders_the_number_of_alerts() -> None:
    counts = mention_stream(21, seed=5)
    for day in (8, 12, 16, 19):
        for b in range(day * 288 + 100, day * 288 + 106):
            counts[b] *= 3
    low = run(counts, SpikeDetector("low"))
    high = run(counts, SpikeDetector("high"))
    assert len(low) <= len(high)
    assert len(high) >= 1


def test_minimum_volume_keeps_a_quiet_topic_quiet() -> None:
    rng = random.Random(9)
    counts = [float(rng.random() < 0.02) for _ in range(10 * 288)]
    counts[8 * 288] = 4.0  # 4 mentions where ~0 are usual: below the medium floor of 5
    assert run(counts) == []
    counts[9 * 288] = 25.0
    assert run(counts) == [9 * 288]


def test_cooldown_holds_repeat_alerts_unless_the_burst_escalates() -> None:
    counts = [10.0] * (4 * 288)
    base = 3 * 288
    counts[base] = counts[base + 2] = 80.0
    fired = run(counts)
    assert fired == [base]
    counts[base + 4] = 400.0
    assert run(counts) == [base, base + 4]
    counts[base + 12 * 12] = 80.0  # the same story twelve hours later: still one alert a day
    assert run(counts) == [base, base + 4]


def test_a_story_that_grows_fourfold_re_fires_even_when_a_long_window_explains_it() -> None:
    # Two per 5 minutes, then eight for five hours (fired early), then forty for 15 minutes:
    # five times the rate that fired. The re-fire check read only the most significant
    # window's rate, by then the 3- or 6-hour window's, diluted by the hours at eight.
    refired = 0
    for seed in range(5):
        rng = random.Random(seed)
        counts = [float(_poisson(rng, 2)) for _ in range(14 * 288)]
        rise = len(counts)
        counts += [float(_poisson(rng, 8)) for _ in range(60)]
        counts += [float(_poisson(rng, 40)) for _ in range(3)]
        fired = run(counts)
        assert any(rise <= b < rise + 60 for b in fired)
        refired += any(b >= rise + 60 for b in fired)
    assert refired == 5


def test_resuming_from_saved_state_gives_the_same_future_alerts() -> None:
    counts = mention_stream(16, seed=11, burst_at=13 * 288 + 40)
    cut = 9 * 288 + 77
    uninterrupted = run(counts)
    first = SpikeDetector()
    before = run(counts[:cut], first)
    saved = json.loads(json.dumps(first.to_state()))
    after = run(counts[cut:], SpikeDetector.from_state(saved), offset=cut)
    assert before + after == uninterrupted
    assert after, "the resumed detector should still catch the later burst"


def test_state_is_compact() -> None:
    detector = SpikeDetector()
    run(mention_stream(3, seed=2), detector)
    assert len(json.dumps(detector.to_state())) < 4096


def test_a_state_saved_before_long_windows_still_resumes() -> None:
    counts = mention_stream(12, seed=12, burst_at=10 * 288 + 30)
    cut = 8 * 288 + 5
    old_style = SpikeDetector(scales=(1, 3, 12))
    run(counts[:cut], old_style)
    state = json.loads(json.dumps(old_style.to_state()))
    state["v"] = 1
    for key in ("blocks", "block_pos", "block_n"):
        del state[key]
    del state["config"]["block_buckets"]
    resumed = run(counts[cut:], SpikeDetector.from_state(state), offset=cut)
    assert resumed == run(counts[cut:], old_style, offset=cut)
    assert resumed


def test_missing_buckets_in_a_count_stream_are_zeros() -> None:
    gappy = SpikeDetector()
    filled = SpikeDetector()
    counts = mention_stream(4, seed=4)
    for i, c in enumerate(counts):
        counts[i] = 0.0 if 500 <= i < 520 else c
    counts[0] = 0.0
    for i, c in enumerate(counts):
        filled.observe(START + i * STEP, c)
        if not (500 <= i < 520):
            gappy.observe(START + i * STEP, c)
    assert gappy.to_state() == filled.to_state()


def test_duplicate_and_late_buckets_are_ignored() -> None:
    detector = SpikeDetector()
    detector.observe(START, 3)
    detector.observe(START + STEP, 4)
    state = detector.to_state()
    assert detector.observe(START + STEP, 999) is None
    assert detector.observe(START, 999) is None
    assert detector.to_state() == state


def test_bad_settings_are_rejected() -> None:
    with pytest.raises(ValueError):
        SpikeDetector(sensitivity="extreme")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        SpikeDetector(bucket_seconds=0)


def test_bucket_size_comes_from_the_first_intervals_only() -> None:
    times = [START + i * timedelta(minutes=10) for i in range(60)]
    times += [times[-1] + i * timedelta(minutes=1) for i in range(1, 500)]
    assert infer_bucket_seconds(times) == 600
    assert infer_bucket_seconds(times[:5]) == 600


@pytest.mark.skipif(not (NAB / "realTweets").is_dir(), reason="NAB data not present")
def test_a_file_cut_short_fires_the_same_alerts_up_to_the_cut() -> None:
    series = read_series(NAB / "realTweets" / "Twitter_volume_CVS.csv")
    full = [i for i, _ in replay(series.timestamps, series.values)]
    assert full
    for cut in (800, len(series.values) // 2, full[-1] + 1):
        part = [i for i, _ in replay(series.timestamps[:cut], series.values[:cut])]
        assert part == [i for i in full if i < cut]


def test_non_count_series_use_the_continuous_tail() -> None:
    rng = random.Random(2)
    values = [50 + rng.gauss(0, 1.5) for _ in range(3 * 288)]
    values[2 * 288 + 10] = 90.0
    fired = run(values)
    assert fired == [2 * 288 + 10]


@pytest.mark.parametrize(
    ("x", "mean", "dispersion", "expected"),
    [
        (5, 2.0, 1e-6, math.log(0.052653017343711)),  # Poisson(2) P(X>=5)
        (1, 0.5, 1.0, math.log(1 - 1 / 1.5)),  # geometric: P(X>=1) = mu/(1+mu)
        (0, 3.0, 0.5, 0.0),
    ],
)
def test_negative_binomial_tail(x: float, mean: float, dispersion: float, expected: float) -> None:
    assert negbin_log_sf(x, mean, dispersion) == pytest.approx(expected, rel=1e-4)


def test_gamma_tail_matches_the_exponential_case() -> None:
    # dispersion 1 makes the gamma an exponential with the given mean.
    assert gamma_log_sf(6.0, 2.0, 1.0) == pytest.approx(-3.0, rel=1e-9)
    assert gamma_log_sf(-1.0, 2.0, 1.0) == 0.0


def test_a_state_with_settings_this_version_does_not_know_still_resumes() -> None:
    detector = SpikeDetector()
    start = datetime(2026, 3, 2)
    for i in range(600):
        detector.observe(start + timedelta(minutes=5 * i), 10 + i % 3)
    state = detector.to_state()
    state["config"]["a_setting_from_a_newer_build"] = 1
    resumed = SpikeDetector.from_state(json.loads(json.dumps(state)))
    assert resumed.to_state()["level"] == state["level"]


def test_the_weekly_rhythm_follows_the_audience_clock_not_utc() -> None:
    # Weekends at 40 % of weekdays for a Beijing audience. With days counted in UTC, Monday
    # 00:00-08:00 Beijing is still "Sunday" and ordinary Monday traffic fired every week.
    rng = random.Random(1)
    start = datetime(2026, 1, 4, 16, tzinfo=UTC)  # Monday 00:00 in Beijing
    counts = []
    for i in range(5 * 7 * 288):
        local = start + timedelta(hours=8, minutes=5 * i)
        counts.append(_poisson(rng, 4 if local.weekday() >= 5 else 10))

    def monday_alarms(offset: int, **options: float) -> int:
        detector = SpikeDetector(utc_offset_seconds=offset, **options)
        fired = 0
        for i, count in enumerate(counts):
            signal = detector.observe(start + timedelta(minutes=5 * i), count)
            fired += bool(signal and i >= 14 * 288)
        return fired

    # The failure this guards against, with one daily shape for every day (the weekend's own
    # shape now also learns that UTC "Sunday" evenings are busy, and hides it).
    assert monday_alarms(0, weekend_prior_days=0) >= 2
    assert monday_alarms(8 * 3600) == 0


def _weekend_stream(weeks: int, seed: int, weekend_differs: bool) -> list[float]:
    """Weekdays peak at 15:00; weekends (at 60 % of the volume) are flatter and peak at 19:00."""
    rng = random.Random(seed)
    counts = []
    for b in range(weeks * 7 * 288):
        hour = (b % 288) / 12
        weekday = 0.35 + 1.2 * (0.5 - 0.5 * math.cos((hour - 3) / 24 * 2 * math.pi))
        if (b // 288) % 7 >= 5:
            flat = 0.75 + 0.55 * (0.5 - 0.5 * math.cos((hour - 7) / 24 * 2 * math.pi))
            mean = 6 * (flat if weekend_differs else weekday)
        else:
            mean = 10 * weekday
        counts.append(float(_poisson(rng, mean * rng.gammavariate(10.0, 0.1))))
    return counts


def test_weekends_learn_their_own_daily_shape() -> None:
    """With one shape for every day, weekend nights (busier than on weekdays) were expected
    too low and weekend afternoons too high, and the misfit widened every day's band."""
    detector = SpikeDetector()
    run(_weekend_stream(5, seed=1, weekend_differs=True), detector)
    correction = detector._s.hod_we
    assert correction[3] > 1.4 and correction[15] < 0.9, list(correction)  # truth: 2.3, 0.7
    same = SpikeDetector()
    run(_weekend_stream(5, seed=1, weekend_differs=False), same)
    assert all(0.85 < c < 1.15 for c in same._s.hod_we), list(same._s.hod_we)


def test_the_weekend_shape_is_used_from_the_seventh_whole_day() -> None:
    """Like the day-of-week factors: before that a young topic is judged exactly as with one
    daily shape (and its alerts say "the usual for 14:00", not "Sat 14:00")."""
    counts = _weekend_stream(2, seed=2, weekend_differs=True)
    with_shape, without = SpikeDetector(), SpikeDetector(weekend_prior_days=0)
    first_week = 6 * 288  # the stream starts on a Monday: day 7 is the second Monday
    assert run(counts[:first_week], with_shape) == run(counts[:first_week], without)
    assert with_shape._s.recent_mu == without._s.recent_mu
    assert with_shape._s.hod_we != without._s.hod_we  # learnt, not yet used


def test_a_state_saved_before_the_weekend_shape_still_resumes() -> None:
    counts = _weekend_stream(3, seed=3, weekend_differs=True)
    cut = 10 * 288 + 7
    detector = SpikeDetector()
    run(counts[:cut], detector)
    state = json.loads(json.dumps(detector.to_state()))
    for key in ("hod_we", "weekend_n"):
        del state[key]
    del state["config"]["weekend_prior_days"], state["config"]["weekend_half_life"]
    resumed = SpikeDetector.from_state(state)
    assert list(resumed._s.hod_we) == [1.0] * 24 and resumed._s.weekend_n == 0
    run(counts[cut:], resumed, offset=cut)  # learns its weekend shape from now on
    assert resumed._s.hod_we[3] > 1.1
