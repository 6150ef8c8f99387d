#!/usr/bin/env bash
# Every load figure of BENCHMARKS.md in one run, on this machine:
#   nginx (Debian) on 127.0.0.1 answering with canned Authlete JSON,
#   wrk (the server's limit), the crate and raw reqwest + serde
#   (benches/load.rs; then the crate with DPoP-bound tokens against bearer),
#   Authlete's TypeScript and Python SDKs (peers/),
#   each at concurrency 1 and 64. nginx is stopped at the end.
#
#   benches/load/run.sh            # DURATION=5 MAX_CALLS=500000 PORT=18080 ROUNDS=7 DPOP_ROUNDS=3
#
# Results: one JSON line per measurement in target/load-results.jsonl, and
# a table on stdout. Every loop is bounded by DURATION and MAX_CALLS, and
# only 127.0.0.1 is ever called.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=benches/load
DURATION=${DURATION:-5}
MAX_CALLS=${MAX_CALLS:-500000}
PORT=${PORT:-18080}
# Rounds of the crate and raw reqwest, alternating: their ratios are taken
# round by round, which cancels the machine's drift between rounds.
ROUNDS=${ROUNDS:-7}
DPOP_ROUNDS=${DPOP_ROUNDS:-3}
url="http://127.0.0.1:$PORT"
out=target/load-results.jsonl
mkdir -p target
: > "$out"

need() { # command, Debian package
  command -v "$1" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }
}
need nginx nginx-light
need wrk wrk
need node nodejs
need npm npm

. "$here/nginx-start.sh"

echo "== wrk (the server's limit)" >&2
cat > "$tmp/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"accessToken":"at","refreshToken":"rt"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench-token"
LUA
for c in 1 64; do
  rps=$(wrk -t1 -c"$c" -d"${DURATION}s" -s "$tmp/post.lua" "$url/api/715948317/idtoken/reissue" \
        | awk '/Requests\/sec/ {print $2}')
  printf '{"client":"wrk","version":"%s","concurrency":%s,"calls_per_sec":%s}\n' \
    "$(wrk -v 2>&1 | head -n1 | awk '{print $2}')" "$c" "$rps" >> "$out"
done

echo "== the crate and raw reqwest" >&2
cargo bench --bench load -- --url "$url" --duration "$DURATION" --max-calls "$MAX_CALLS" --concurrency 1,64 --rounds "$ROUNDS" \
  | grep '^{' >> "$out"

echo "== the crate with DPoP-bound tokens (a proof per call) against bearer" >&2
cargo bench --features dpop --bench load -- --dpop --url "$url" --duration "$DURATION" --max-calls "$MAX_CALLS" \
  --concurrency 1,64 --rounds "$DPOP_ROUNDS" | grep '^{' >> "$out"

echo "== Authlete's TypeScript SDK" >&2
(cd "$here/peers/ts" && [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error) >&2
for c in 1 64; do
  node "$here/peers/ts/bench.mjs" --url "$url" --concurrency "$c" --duration "$DURATION" --max-calls "$MAX_CALLS" >> "$out"
done

echo "== Authlete's Python SDK" >&2
py="$here/peers/py/.venv/bin/python"
[ -x "$py" ] || { python3 -m venv "$here/peers/py/.venv" && "$here/peers/py/.venv/bin/pip" install -q -r "$here/peers/py/requirements.txt"; } >&2
for c in 1 64; do
  "$py" "$here/peers/py/bench.py" --url "$url" --concurrency "$c" --duration "$DURATION" --max-calls "$MAX_CALLS" >> "$out"
done

python3 "$here/report.py" "$out"
