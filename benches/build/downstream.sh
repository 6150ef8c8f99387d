#!/usr/bin/env bash
# A downstream app's cold build against two commits of this repository,
# alternating (A B, then B A, ...): an app with `authlete = { path }` and default
# features whose `main` calls `idtoken_reissue`, built with `cargo build
# [--release] --timings` in an empty target directory, each commit with its
# own Cargo.lock.
#
#   benches/build/downstream.sh BEFORE [AFTER=HEAD] [ROUNDS=2] [--release]
#   benches/build/downstream.sh --floor [AFTER=HEAD] [ROUNDS=2] [--release]
#
# With --floor, BEFORE is the floor: an app with AFTER's own dependencies
# (its `[dependencies]` less the optional ones, plus what the default
# features turn on: `tracing`, ring for rustls) and no `authlete`, whose
# `main` makes the same call with reqwest and serde by hand. What the app
# pays above it is what `authlete` itself costs.
#
# Prints one line per build and the medians; the last round's `--timings`
# reports stay in $WORK/app-<commit>/target/cargo-timings/.
set -euo pipefail
shopt -s inherit_errexit
export LC_ALL=C
# Cold means cold: no shared target directory, no compiler cache.
unset CARGO_TARGET_DIR CARGO_BUILD_TARGET_DIR RUSTC_WRAPPER CARGO_BUILD_RUSTC_WRAPPER
repo=$(cd "$(dirname "$0")/../.." && pwd)
release=()
args=()
floor=
for a in "$@"; do
  case "$a" in
    --release) release=(--release) ;;
    --floor) floor=1 ;;
    *) args+=("$a") ;;
  esac
done
if [ -n "$floor" ]; then
  after=${args[0]:-HEAD}
  rounds=${args[1]:-2}
else
  before=${args[0]:?usage: downstream.sh BEFORE|--floor [AFTER] [ROUNDS] [--release]}
  after=${args[1]:-HEAD}
  rounds=${args[2]:-2}
fi
work=${WORK:-${TMPDIR:-/tmp}/authlete-downstream}
mkdir -p "$work"

prepare() {
  local rev=$1 sha
  sha=$(git -C "$repo" rev-parse --short "$rev")
  rm -rf "$work/src-$sha" "$work/app-$sha"
  mkdir -p "$work/src-$sha" "$work/app-$sha/src"
  git -C "$repo" archive "$sha" | tar x -C "$work/src-$sha"
  cp "$work/src-$sha/Cargo.lock" "$work/app-$sha/Cargo.lock"
  cat > "$work/app-$sha/Cargo.toml" <<TOML
[package]
name = "app"
version = "0.1.0"
edition = "2021"

[dependencies]
authlete = { path = "$work/src-$sha" }
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }

[workspace]
TOML
  cat > "$work/app-$sha/src/main.rs" <<'RS'
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let authlete = authlete::Authlete::from_env()?;
    let r = authlete
        .idtoken_reissue()
        .body_map(|b| b.access_token("at").refresh_token("rt"))
        .send()
        .await?;
    println!("{:?}", r.action);
    Ok(())
}
RS
  echo "$sha"
}

# The floor of `after`: its runtime dependencies, no authlete.
prepare_floor() {
  local rev=$1 sha deps tracing
  sha=$(git -C "$repo" rev-parse --short "$rev")
  rm -rf "$work/app-floor-$sha"
  mkdir -p "$work/app-floor-$sha/src"
  git -C "$repo" show "$sha:Cargo.lock" > "$work/app-floor-$sha/Cargo.lock"
  deps=$(git -C "$repo" show "$sha:Cargo.toml" \
    | awk '/^\[/ {on = ($0 == "[dependencies]"); next} on && /=/ && !/optional = true/')
  grep -q '^rustls = .*"std"' <<< "$deps" || { echo "downstream.sh: no rustls dependency to give ring to" >&2; exit 1; }
  grep -q '^tokio = .*features = \[' <<< "$deps" || { echo "downstream.sh: no tokio dependency to give the app's features to" >&2; exit 1; }
  # The features the app adds (tokio's) and the default ones turn on (ring,
  # and `tracing` as the crate has it).
  tracing=$(git -C "$repo" show "$sha:Cargo.toml" | grep -m1 '^tracing = .*optional = true' | sed 's/, optional = true//')
  [ -n "$tracing" ] || { echo "downstream.sh: no optional tracing dependency" >&2; exit 1; }
  deps=$(sed 's/^\(rustls = .*features = \[\)/\1"ring", /; s/^\(tokio = .*features = \[\)/\1"macros", "rt-multi-thread", /' <<< "$deps")
  cat > "$work/app-floor-$sha/Cargo.toml" <<TOML
[package]
name = "app"
version = "0.1.0"
edition = "2021"

[dependencies]
$deps
$tracing

[workspace]
TOML
  cat > "$work/app-floor-$sha/src/main.rs" <<'RS'
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Request<'a> {
    access_token: &'a str,
    refresh_token: &'a str,
}
#[derive(serde::Deserialize, Debug)]
struct Answer {
    action: Option<String>,
}
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let url = std::env::var("AUTHLETE_BASE_URL")?;
    let answer: Answer = reqwest::Client::new()
        .post(format!("{url}/api/1/idtoken/reissue"))
        .json(&Request { access_token: "at", refresh_token: "rt" })
        .send()
        .await?
        .json()
        .await?;
    println!("{:?}", answer.action);
    Ok(())
}
RS
  echo "floor-$sha"
}

if [ -n "$floor" ]; then a=$(prepare_floor "$after"); else a=$(prepare "$before"); fi
b=$(prepare "$after")
# Downloads before the clock starts, for both.
for sha in "$a" "$b"; do (cd "$work/app-$sha" && cargo fetch -q); done
declare -A times
for r in $(seq "$rounds"); do
  order=("$a" "$b")
  [ $((r % 2)) -eq 0 ] && order=("$b" "$a")
  for sha in "${order[@]}"; do
    rm -rf "$work/app-$sha/target"
    start=$(date +%s.%N)
    if ! (cd "$work/app-$sha" && cargo build -q --timings ${release[@]+"${release[@]}"} 2> "$work/build-$sha.err"); then
      cat "$work/build-$sha.err" >&2
      exit 1
    fi
    t=$(echo "$(date +%s.%N) - $start" | bc)
    times[$sha]="${times[$sha]:-} $t"
    printf 'round %d  %s  %.1f s\n' "$r" "$sha" "$t"
  done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
ma=$(echo "${times[$a]}" | median)
mb=$(echo "${times[$b]}" | median)
printf 'median  %s %.1f s   %s %.1f s   ratio %.2f\n' "$a" "$ma" "$b" "$mb" "$(echo "$mb / $ma" | bc -l)"
