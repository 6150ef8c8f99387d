#!/usr/bin/env bash
# A downstream app's cold build against two commits of this repository,
# alternating (A B, then B A, ...): an app with `authlete = { path }` and default
# features whose `main` calls `idtoken_reissue`, built with `cargo build
# [--release] --timings` in an empty target directory, each commit with its
# own Cargo.lock.
#
#   benches/build/downstream.sh BEFORE [AFTER=HEAD] [ROUNDS=2] [--release]
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
for a in "$@"; do
  if [ "$a" = --release ]; then release=(--release); else args+=("$a"); fi
done
before=${args[0]:?usage: downstream.sh BEFORE [AFTER] [ROUNDS] [--release]}
after=${args[1]:-HEAD}
rounds=${args[2]:-2}
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

a=$(prepare "$before")
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
