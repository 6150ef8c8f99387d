#!/usr/bin/env bash
# Instructions per call of the crate, of raw reqwest and of raw reqwest on a
# client with the crate's attempt timeout (benches/load.rs), counted by
# callgrind: deterministic, so it decides what the wall clock of
# run.sh cannot on a noisy machine. For each client and concurrency, one run
# of 500 calls and one of 2 500 (each after the bench's 200 warm-up calls);
# the difference divided by 2 000 is the cost of one call.
#
#   benches/load/callgrind.sh                 # this tree
#   REQWEST_PATCH=benches/load/reqwest-response-url.patch benches/load/callgrind.sh
#   CACHE_SIM=1 benches/load/callgrind.sh     # and first-level cache misses per call
#
# With REQWEST_PATCH, the bench is built (in target/reqwest-patched/) against
# a copy of the locked reqwest with that patch applied, through cargo's
# `--config patch`: what both clients would get from that change to reqwest.
# nginx (Debian) answers on 127.0.0.1 only, as in run.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=benches/load
PORT=${PORT:-18081}
url="http://127.0.0.1:$PORT"

command -v valgrind >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq valgrind >/dev/null; }
command -v nginx >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null; }

cargo_args=()
label=tree
if [[ -n "${REQWEST_PATCH:-}" ]]; then
  version=$(cargo pkgid "reqwest@$(sed -n 's/^reqwest = { version = "\([0-9.]*\)".*/\1/p' Cargo.toml)" | sed 's/.*@//')
  src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"reqwest-$version" | head -n1)
  patched=target/reqwest-patched/reqwest
  rm -rf "$patched" && mkdir -p "$(dirname "$patched")" && cp -r "$src" "$patched"
  patch -s -d "$patched" -p1 < "$REQWEST_PATCH"
  export CARGO_TARGET_DIR=target/reqwest-patched/target
  # A patch rewrites reqwest's entry in Cargo.lock: the tree's own is put back.
  cp Cargo.lock target/reqwest-patched/Cargo.lock.orig
  restore_lock() { cp target/reqwest-patched/Cargo.lock.orig Cargo.lock; }
  cargo_args=(--config "patch.crates-io.reqwest.path=\"$patched\"")
  label="reqwest+$(basename "$REQWEST_PATCH" .patch)"
fi
build_log=$(mktemp)
if ! cargo "${cargo_args[@]}" bench --bench load --no-run --message-format=json > "$build_log.json" 2> "$build_log"; then
  cat "$build_log" >&2
  [[ -n "${REQWEST_PATCH:-}" ]] && restore_lock
  exit 1
fi
[[ -n "${REQWEST_PATCH:-}" ]] && restore_lock
bin=$(sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' "$build_log.json" | tail -n1)
rm -f "$build_log" "$build_log.json"

. "$here/nginx-start.sh"

# With CACHE_SIM=1, callgrind also simulates the caches, and a second table
# gives the first-level misses per call (instruction reads, data reads, data
# writes), the same way.
cache_sim=()
[[ "${CACHE_SIM:-}" == 1 ]] && cache_sim=(--cache-sim=yes)

events() { # client, concurrency, calls: callgrind's totals (Ir, then I1mr D1mr D1mw with the cache simulation)
  valgrind --tool=callgrind "${cache_sim[@]}" --callgrind-out-file=/dev/null "$bin" --bench --url "$url" --only "$1" \
    --concurrency "$2" --rounds 1 --duration 600 --max-calls "$3" 2>&1 >/dev/null \
    | sed -n 's/.*Collected : \([0-9 ]*\).*/\1/p' \
    | awk '{ if (NF >= 6) print $1, $4, $5, $6; else print $1 }'
}
clients=(authlete-rust raw-reqwest raw-reqwest-timeout)
printf '%-34s %11s %10s %12s %14s %10s %14s\n' build concurrency crate "raw reqwest" "raw + timeout" "crate/raw" "crate/(raw+t)"
misses=()
for c in 1 64; do
  per=()
  for client in "${clients[@]}"; do
    read -r -a small <<< "$(events "$client" "$c" 500)"
    read -r -a large <<< "$(events "$client" "$c" 2500)"
    per+=($(( (large[0] - small[0]) / 2000 )))
    if ((${#cache_sim[@]})); then
      misses+=("$(printf '%-22s %11s %12s %12s %12s' "$client" "$c" \
        $(( (large[1] - small[1]) / 2000 )) $(( (large[2] - small[2]) / 2000 )) $(( (large[3] - small[3]) / 2000 )))")
    fi
  done
  printf '%-34s %11s %10s %12s %14s %10s %14s\n' "$label" "$c" "${per[0]}" "${per[1]}" "${per[2]}" \
    "$(awk -v a="${per[0]}" -v b="${per[1]}" 'BEGIN { printf "%.3f", a / b }')" \
    "$(awk -v a="${per[0]}" -v b="${per[2]}" 'BEGIN { printf "%.3f", a / b }')"
done
if ((${#cache_sim[@]})); then
  printf '\n%-22s %11s %12s %12s %12s\n' client concurrency "I1 misses" "D1 read" "D1 write"
  printf '%s\n' "${misses[@]}"
fi
