#!/usr/bin/env bash
# Instructions per call of the crate and of raw reqwest (benches/load.rs),
# counted by callgrind: deterministic, so it decides what the wall clock of
# run.sh cannot on a noisy machine. For each client and concurrency, one run
# of 500 calls and one of 2 500 (each after the bench's 200 warm-up calls);
# the difference divided by 2 000 is the cost of one call.
#
#   benches/load/callgrind.sh                 # this tree
#   REQWEST_PATCH=benches/load/reqwest-response-url.patch benches/load/callgrind.sh
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

instructions() { # client, concurrency, calls
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" --bench --url "$url" --only "$1" \
    --concurrency "$2" --rounds 1 --duration 600 --max-calls "$3" 2>&1 >/dev/null \
    | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
printf '%-34s %11s %14s %14s %10s\n' build concurrency crate "raw reqwest" "crate/raw"
for c in 1 64; do
  per=()
  for client in authlete-rust raw-reqwest; do
    small=$(instructions "$client" "$c" 500)
    large=$(instructions "$client" "$c" 2500)
    per+=($(( (large - small) / 2000 )))
  done
  printf '%-34s %11s %14s %14s %10s\n' "$label" "$c" "${per[0]}" "${per[1]}" \
    "$(awk -v a="${per[0]}" -v b="${per[1]}" 'BEGIN { printf "%.3f", a / b }')"
done
