"""The spike detector's long windows (2-3 h and 5-6 h): whole hours, and a band learnt once an
hour from a prior set a day after the topic's first mention, so it does not depend on where the
stored history starts."""

from __future__ import annotations

import json
import random
from datetime import datetime

import pytest

from tests.alerts.test_detect_spikes import NAB, START, STEP, _poisson, mention_stream, run
from vigil.alerts.detectors import SpikeDetector, read_series, replay


def test_long_windows_are_the_open_hour_plus_whole_hours_before_it() -> None:
    rng = random.Random(6)
    counts = [float(rng.randrange(0, 30)) for _ in range(600)]
    detector = SpikeDetector(burst_cap=0.0)  # no capping: windows are plain sums
    for i, count in enumerate(counts):
        detector.observe(START + i * STEP, count)
        if i < 100 or (i + 1) % 12 == 0:
            continue  # (after an hour closes, the ring already counts as a whole block)
        sums = detector._window_sums(count)  # what the bucket that just closed was judged on
        observed, _expected, _q, length = sums[detector.config.scales.index(72)]
        assert 61 <= length <= 72 and length % 12 == (i + 1) % 12
        assert observed == pytest.approx(sum(counts[i + 1 - length : i + 1]))


def test_long_windows_learn_their_band_once_an_hour() -> None:
    """A story building for hours must not widen its own band within hours (slow learning)."""
    detector = SpikeDetector()
    counts = mention_stream(10, seed=8)
    run(counts[: 9 * 288], detector)
    before = detector.to_state()["disp_num"][-1]
    for i in range(11):  # within one hour block: the 6-hour window learns nothing yet
        detector.observe(START + (9 * 288 + i) * STEP, 500.0)
    assert detector.to_state()["disp_num"][-1] == before


def test_the_long_windows_band_does_not_depend_on_the_first_bucket() -> None:
    """Their prior was once weighted by the first bucket's count: 0 against 200 changed the
    6-hour band 90-fold after two weeks. It is now set when warm-up ends, from the day."""
    counts = mention_stream(14, seed=3)
    bands = []
    for first in (0.0, 200.0):
        detector = SpikeDetector()
        run([first, *counts[1:]], detector)
        bands.append([detector._dispersion(j) for j in (3, 4)])
    for quiet_start, busy_start in zip(*bands, strict=True):
        assert quiet_start == pytest.approx(busy_start, rel=0.1)


def test_a_quiet_topics_long_windows_keep_their_prior() -> None:
    """An hour of a quiet topic is mostly Poisson noise and says little about over-dispersion,
    so it moves the long windows' band little; a busy topic's hours move it more."""
    rng = random.Random(5)
    busy = []
    for b in range(21 * 288):
        if b % 36 == 0:
            drift = rng.choice([0.5, 1.0, 2.0])  # the volume moves for hours at a time
        busy.append(float(_poisson(rng, 30 * drift)))
    quiet = [float(sum(rng.random() < 0.02 for _ in range(int(c)))) for c in busy]
    learnt = {}
    for name, counts in (("busy", busy), ("quiet", quiet)):
        detector = SpikeDetector()
        run(counts, detector)
        learnt[name] = detector._dispersion(4)
    assert learnt["quiet"] == pytest.approx(0.1, rel=0.1)
    assert learnt["busy"] > 1.5 * learnt["quiet"]


def test_a_topic_silent_all_day_gets_its_long_prior_at_its_first_mention() -> None:
    detector = SpikeDetector()
    run([0.0] * 2 * 288, detector)
    assert detector.to_state()["disp_den"][-1] == 0.0
    run(mention_stream(3, seed=9), detector, offset=2 * 288)
    assert detector.to_state()["disp_den"][-1] > 0.0
    assert detector._dispersion(4) == pytest.approx(0.1, rel=0.2)


@pytest.mark.skipif(not (NAB / "realTweets").is_dir(), reason="NAB data not present")
def test_a_slow_story_is_caught_whichever_bucket_the_history_starts_on() -> None:
    """CRM's story of 2015-03-26 builds for hours (about 2x over 6 hours). It was caught only
    when the file started on a busy bucket; it must not matter where stored history starts."""
    series = read_series(NAB / "realTweets" / "Twitter_volume_CRM.csv")
    story = (datetime(2015, 3, 25, 21, 2, 53), datetime(2015, 3, 27, 17, 12, 53))
    for start in (0, 72, 3 * 288):  # as filed, 6 hours later (a quiet night), 3 days later
        times, values = series.timestamps[start:], series.values[start:]
        fired = [times[i] for i, _ in replay(times, values)]
        assert any(story[0] <= t <= story[1] for t in fired), start


def test_a_state_saved_before_the_long_windows_prior_still_resumes() -> None:
    counts = mention_stream(10, seed=10, burst_at=9 * 288 + 30)
    cut = 5 * 288 + 7
    detector = SpikeDetector()
    run(counts[:cut], detector)
    state = json.loads(json.dumps(detector.to_state()))
    del state["config"]["long_prior_dispersion"], state["config"]["long_prior_hours"]
    del state["first_mention"]
    resumed = run(counts[cut:], SpikeDetector.from_state(state), offset=cut)
    assert resumed == run(counts[cut:], detector, offset=cut)
    assert resumed
