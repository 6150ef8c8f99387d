#!/bin/sh
# Render nginx.conf.template into a runnable config, with sed only.
# Usage: nginx-render.sh PORT TMPDIR > "$TMPDIR/nginx.conf"
# Then:  nginx -p "$TMPDIR" -e "$TMPDIR/error.log" -c "$TMPDIR/nginx.conf"
# Stop:  kill -QUIT "$(cat "$TMPDIR/nginx.pid")"
set -eu
port=$1
tmp=$2
here=$(cd "$(dirname "$0")" && pwd)

# A JSON file as the inside of an nginx '...' string, then as a sed
# replacement: nginx unescapes \\ and \' in quoted strings, and would expand
# $name in `return` text, which it cannot escape, so a '$' is refused.
body() {
    if grep -q '\$' "$1"; then
        echo "nginx-render.sh: $1 contains '\$', which nginx would expand" >&2
        exit 1
    fi
    tr -d '\n' < "$1" \
        | sed -e 's/\\/\\\\/g' -e "s/'/\\\\'/g" \
        | sed -e 's/[\\&|]/\\&/g'
}

reissue=$(body "$here/responses/reissue.json")
token=$(body "$here/responses/token.json")

sed -e "s|__PORT__|$port|g" \
    -e "s|__TMPDIR__|$tmp|g" \
    -e "s|__REISSUE_JSON__|$reissue|" \
    -e "s|__TOKEN_JSON__|$token|" \
    "$here/nginx.conf.template"
