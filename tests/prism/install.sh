#!/usr/bin/env bash
# Installs the pinned Stoplight Prism (package-lock.json) for tests/conformance.rs.
# Node.js and npm come from Debian's packages when the machine has none.
set -euo pipefail
cd "$(dirname "$0")"
# One install at a time: tests run in parallel, and two `npm ci` (or
# apt-get) in the same place at once fail. The lock is this script itself,
# so there is no file to clean up, and it is released if we die.
exec 9<"$(basename "$0")"
flock 9
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && apt-get install -y -qq nodejs npm) >&2
  else
    echo "Node.js and npm are needed for the Prism conformance test (apt-get install nodejs npm)" >&2
    exit 1
  fi
fi
if [ ! -x node_modules/.bin/prism ]; then
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
echo "$PWD/node_modules/.bin/prism"
