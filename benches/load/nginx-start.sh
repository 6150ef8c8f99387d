# Sourced by run.sh and callgrind.sh: starts nginx (Debian) on
# 127.0.0.1:$PORT with the canned Authlete answers (nginx-render.sh) in a
# fresh directory `$tmp`, stops it and removes `$tmp` on exit, and waits
# until it answers at "$url".
tmp=$(mktemp -d)
"$here/nginx-render.sh" "$PORT" "$tmp" > "$tmp/nginx.conf"
nginx -p "$tmp" -e "$tmp/error.log" -c "$tmp/nginx.conf"
trap 'kill -QUIT "$(cat "$tmp/nginx.pid")" 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 50); do curl -sf -o /dev/null -X POST "$url/api/1/idtoken/reissue" && break; sleep 0.1; done
