"""Table of target/load-results.jsonl with the ratios BENCHMARKS.md reports."""
import json
import sys

raw_rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
# Clients measured in several rounds: keep the round with the median calls/s.
groups = {}
for r in raw_rows:
    groups.setdefault((r["client"], r["concurrency"]), []).append(r)
rows = []
for key, rs in groups.items():
    rs.sort(key=lambda r: r["calls_per_sec"])
    m = dict(rs[len(rs) // 2])
    m["rounds"] = len(rs)
    rows.append(m)
by = {(r["client"], r["concurrency"]): r for r in rows}
print(f"{'client':<20}{'version':<12}{'conc':>5}{'calls/s':>10}{'CPU us/call':>13}{'errors':>8}")
for r in rows:
    cpu = r.get("cpu_us_per_call")
    print(f"{r['client']:<20}{r.get('version', ''):<12}{r['concurrency']:>5}{r['calls_per_sec']:>10.0f}"
          f"{(f'{cpu:.1f}' if cpu is not None else '-'):>13}{r.get('errors', '-'):>8}")
print()
for c in (1, 64):
    ours, raw, wrk = by.get(("authlete-rust", c)), by.get(("raw-reqwest", c)), by.get(("wrk", c))
    if not (ours and raw):
        continue
    print(f"concurrency {c}: crate/raw calls/s {ours['calls_per_sec'] / raw['calls_per_sec']:.3f}, "
          f"CPU/call {ours['cpu_us_per_call'] / raw['cpu_us_per_call']:.3f}"
          + (f", crate/wrk {ours['calls_per_sec'] / wrk['calls_per_sec']:.3f}" if wrk else ""))
    timed = by.get(("raw-reqwest-timeout", c))
    if timed:
        print(f"  raw reqwest with the crate's attempt timeout / raw reqwest: calls/s "
              f"{timed['calls_per_sec'] / raw['calls_per_sec']:.3f}, CPU/call {timed['cpu_us_per_call'] / raw['cpu_us_per_call']:.3f}; "
              f"crate / it: calls/s {ours['calls_per_sec'] / timed['calls_per_sec']:.3f}, "
              f"CPU/call {ours['cpu_us_per_call'] / timed['cpu_us_per_call']:.3f}")
    peers = [by[(p, c)] for p in ("typescript-sdk", "python-sdk") if (p, c) in by]
    if peers:
        best_rate = max(peers, key=lambda p: p["calls_per_sec"])
        best_cpu = min(peers, key=lambda p: p["cpu_us_per_call"])
        print(f"  vs best peer: {ours['calls_per_sec'] / best_rate['calls_per_sec']:.1f}x calls/s ({best_rate['client']}), "
              f"{best_cpu['cpu_us_per_call'] / ours['cpu_us_per_call']:.1f}x less CPU/call ({best_cpu['client']})")
