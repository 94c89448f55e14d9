"""The benchmarks read wrk's output in one place (``bench.common.WrkOutput``): figures as wrk prints them, and a run
that failed or printed no such figure raises instead of giving a number."""

from __future__ import annotations

import pytest

from bench.common import WrkOutput

# wrk 4.1 with --latency, as the benchmarks run it; the thread statistics also hold a latency and percentages
PRINTED = """Running 5s test @ http://127.0.0.1:8000/api/v1/packages/x
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.52ms  402.11us   9.87ms   85.12%
    Req/Sec    10.53k   512.33    11.20k    78.00%
  Latency Distribution
     50%  {p50}
     75%    1.66ms
     90%    1.92ms
     99%  {p99}
  52391 requests in 5.00s, 7.65MB read
Requests/sec:  10477.93
Transfer/sec:      1.53MB
"""


@pytest.mark.parametrize(("p50", "p99", "expected"), [("481.00us", "2.89ms", (0.481, 2.89)), ("1.48ms", "1.20s", (1.48, 1200.0))])
def test_figures_are_read_as_wrk_prints_them(p50: str, p99: str, expected: tuple[float, float]) -> None:
    out = WrkOutput(PRINTED.format(p50=p50, p99=p99))
    assert out.requests == 52391
    assert out.rps == pytest.approx(10477.93)
    assert (out.latency_ms(50), out.latency_ms(99)) == pytest.approx(expected)


def test_a_run_with_failed_requests_raises() -> None:
    printed = PRINTED.format(p50="1.48ms", p99="2.89ms").replace("Requests/sec", "  Non-2xx or 3xx responses: 12\nRequests/sec")
    with pytest.raises(RuntimeError, match="12 failed requests"):
        WrkOutput(printed)


def test_a_figure_wrk_did_not_print_raises_instead_of_a_number() -> None:
    out = WrkOutput(PRINTED.format(p50="1.48ms", p99="2.89ms").split("  Latency Distribution")[0])  # run without --latency
    with pytest.raises(RuntimeError, match="wrk printed no"):
        out.latency_ms(99)
    with pytest.raises(RuntimeError, match="wrk printed no"):
        float(WrkOutput("").rps)  # the property raises before any number is made
