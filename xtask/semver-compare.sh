#!/usr/bin/env bash
# Checks `cargo xtask spec-diff`'s breaking/additive verdict against
# cargo-semver-checks, for the crate generated from OLD and from NEW:
#
#   xtask/semver-compare.sh OLD.yaml NEW.yaml
#
# Builds the crate's rustdoc JSON twice (AUTHLETE_OPENAPI_SPEC=OLD, then NEW;
# default features), runs cargo-semver-checks on the pair, and prints both
# verdicts and the lints semver-checks raised. Needs cargo-semver-checks
# (`cargo install cargo-semver-checks --locked`); rustdoc JSON is unstable, so
# RUSTC_BOOTSTRAP=1 is set for those two builds only.
set -euo pipefail
cd "$(dirname "$0")/.."
old=$(realpath "$1")
new=$(realpath "$2")
out=target/semver-compare
mkdir -p "$out"

rustdoc_json() { # spec, name
  AUTHLETE_OPENAPI_SPEC="$1" RUSTC_BOOTSTRAP=1 \
    cargo rustdoc --quiet --lib --target-dir target/semver-build -- -Z unstable-options --output-format json 2>/dev/null
  cp target/semver-build/doc/authlete.json "$out/$2.json"
}
rustdoc_json "$old" old
rustdoc_json "$new" new

ours=$(cargo xtask spec-diff "$old" "$new" --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["breaking"], d["additive"])')
set +e
cargo semver-checks check-release --manifest-path Cargo.toml \
  --baseline-rustdoc "$out/old.json" --current-rustdoc "$out/new.json" > "$out/report.txt" 2>&1
status=$?
set -e
lints=$(grep -oE '^--- failure [a-z_]+' "$out/report.txt" | awk '{print $3}' | tr -d ':' | sort | uniq -c | tr '\n' ';' || true)
read -r breaking additive <<<"$ours"
ours_verdict=$([ "$breaking" -gt 0 ] && echo breaking || echo "non-breaking")
theirs_verdict=$([ "$status" -ne 0 ] && echo breaking || echo "non-breaking")
echo "$(basename "$old") -> $(basename "$new"): spec-diff $ours_verdict ($breaking breaking, $additive additive);" \
  "cargo-semver-checks $theirs_verdict [$lints]; $([ "$ours_verdict" = "$theirs_verdict" ] && echo agree || echo DISAGREE)"
