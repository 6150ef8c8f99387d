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
print(f"{'client':<20}{'version':<12}{'conc':>5}{'calls/s':>10}{'CPU us/call':>13}{'allocs/call':>12}{'errors':>8}")
for r in rows:
    cpu, allocs = r.get("cpu_us_per_call"), r.get("allocations_per_call")
    print(f"{r['client']:<20}{r.get('version', ''):<12}{r['concurrency']:>5}{r['calls_per_sec']:>10.0f}"
          f"{(f'{cpu:.1f}' if cpu is not None else '-'):>13}{(f'{allocs:.1f}' if allocs is not None else '-'):>12}"
          f"{r.get('errors', '-'):>8}")
print()


def paired(a, b, c):
    """Median and range of a/b over the rounds, round by round (the clients
    alternate within a round, so drift between rounds cancels)."""
    # In the order the rounds ran (`groups` is sorted).
    xs = [r for r in raw_rows if (r["client"], r["concurrency"]) == (a, c)]
    ys = [r for r in raw_rows if (r["client"], r["concurrency"]) == (b, c)]
    out = {}
    for key in ("calls_per_sec", "cpu_us_per_call"):
        ratios = sorted(x[key] / y[key] for x, y in zip(xs, ys))
        if ratios:
            out[key] = (ratios[len(ratios) // 2], ratios[0], ratios[-1])
    return out


def show(label, r):
    calls, cpu = r["calls_per_sec"], r["cpu_us_per_call"]
    print(f"  {label}: calls/s {calls[0]:.3f} ({calls[1]:.3f}-{calls[2]:.3f}), "
          f"CPU/call {cpu[0]:.3f} ({cpu[1]:.3f}-{cpu[2]:.3f})")


for c in (1, 64):
    ours, raw, wrk = by.get(("authlete-rust", c)), by.get(("raw-reqwest", c)), by.get(("wrk", c))
    if not (ours and raw):
        continue
    print(f"concurrency {c}: ratios round by round, median (range) over {ours['rounds']} rounds"
          + (f"; crate/wrk calls/s {ours['calls_per_sec'] / wrk['calls_per_sec']:.3f}" if wrk else ""))
    show("crate / raw reqwest", paired("authlete-rust", "raw-reqwest", c))
    if ("raw-reqwest-timeout", c) in by:
        show("raw reqwest with the crate's attempt timeout / raw reqwest", paired("raw-reqwest-timeout", "raw-reqwest", c))
        show("crate / raw reqwest with that timeout", paired("authlete-rust", "raw-reqwest-timeout", c))
    peers = [by[(p, c)] for p in ("typescript-sdk", "python-sdk") if (p, c) in by]
    if peers:
        best_rate = max(peers, key=lambda p: p["calls_per_sec"])
        best_cpu = min(peers, key=lambda p: p["cpu_us_per_call"])
        print(f"  vs best peer: {ours['calls_per_sec'] / best_rate['calls_per_sec']:.1f}x calls/s ({best_rate['client']}), "
              f"{best_cpu['cpu_us_per_call'] / ours['cpu_us_per_call']:.1f}x less CPU/call ({best_cpu['client']})")

for c in (1, 64):
    bearer = by.get(("authlete-rust-bearer", c))
    if not bearer:
        continue
    print(f"concurrency {c}: DPoP-bound against bearer tokens, the crate both times, median (range) over {bearer['rounds']} rounds")
    for key in ("es256", "eddsa"):
        name = f"authlete-rust-dpop-{key}"
        if (name, c) not in by:
            continue
        show(f"DPoP {key.upper()} / bearer", paired(name, "authlete-rust-bearer", c))
        extra = by[(name, c)]["cpu_us_per_call"] - bearer["cpu_us_per_call"]
        allocs = by[(name, c)]["allocations_per_call"] - bearer["allocations_per_call"]
        print(f"    CPU per call added by the proof (median rounds): {extra:.1f} us, {allocs:.0f} allocations")
