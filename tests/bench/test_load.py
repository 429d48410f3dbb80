"""The bench's latency and throughput maths."""

from __future__ import annotations

import math

import pytest

from bench.load import percentile, split, summarise, throughput


def test_percentile_interpolates_like_numpy():
    values = [1.0, 2.0, 3.0, 4.0]
    assert percentile(values, 0) == 1.0
    assert percentile(values, 100) == 4.0
    assert percentile(values, 50) == pytest.approx(2.5)
    assert percentile(values, 95) == pytest.approx(3.85)  # numpy.percentile([1, 2, 3, 4], 95)


def test_percentile_ignores_order_and_handles_one_value():
    assert percentile([30.0, 10.0, 20.0], 50) == 20.0
    assert percentile([7.0], 99) == 7.0


def test_percentile_of_1_to_100():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 99) == pytest.approx(99.01)


def test_percentile_of_nothing_is_nan_and_bad_percent_rejected():
    assert math.isnan(percentile([], 50))
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_throughput():
    assert throughput(200, 4.0) == 50.0
    assert math.isnan(throughput(10, 0.0))


def test_split_shares_messages_evenly():
    assert split(200, 20) == [10] * 20
    assert split(7, 3) == [3, 2, 2]
    assert split(2, 4) == [1, 1, 0, 0]
    assert sum(split(201, 20)) == 201


def test_summarise_in_milliseconds_and_counts_errors():
    result = summarise([0.010, 0.020, 0.030, 0.040], errors=1, wall_seconds=0.5, conversations=2)
    assert result.sent == 5
    assert result.errors == 1
    assert result.conversations == 2
    assert result.p50_ms == pytest.approx(25.0)
    assert result.p99_ms == pytest.approx(39.7)
    assert result.throughput == pytest.approx(8.0)  # answered messages only
