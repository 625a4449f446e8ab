#!/usr/bin/env bash
# Runs the image tarball's root file system with no container engine: extracts its layers, then
# starts the entrypoint under chroot as the image's user (65532), with the image's environment
# and a port of its own, waits for /health/ready, issues a token through the pipeline endpoint,
# reads /metrics, and stops it with SIGTERM. Needs root (chroot, a private /proc mount).
#   smoke-run.sh server/target/latchkey-image.tar
set -euo pipefail
tarball="$(readlink -f "$1")"
[ "$(id -u)" = 0 ] || { echo "smoke-run: needs root, for chroot" >&2; exit 1; }
work="$(mktemp -d)"
pid=
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir "$work/oci" "$work/root"
tar xf "$tarball" -C "$work/oci"
# Jib's layers hold disjoint files, so the order they are unpacked in does not matter.
for blob in "$work"/oci/blobs/sha256/*; do
  if gzip -t "$blob" 2>/dev/null; then
    tar xzf "$blob" -C "$work/root" --warning=no-unknown-keyword
  fi
done
mkdir -p "$work/root/proc"

chroot="$(PATH="$PATH:/usr/sbin:/sbin" command -v chroot)"
key=smoke-admin-key-0123456789abcdefghijklmnopqrstuvwxyz
# The config's Env, Entrypoint and Cmd, which ImageTarballTest pins down.
unshare -m sh -c 'mount -t proc proc "$0/proc" && exec env -i PATH=/opt/java/bin JAVA_HOME=/opt/java \
    LATCHKEY_DATA_DIR=/var/lib/latchkey LATCHKEY_HOST=127.0.0.1 LATCHKEY_PORT=0 LATCHKEY_ADMIN_API_KEY="$1" \
    "$2" --userspec=65532:65532 "$0" java -cp @/app/jib-classpath-file io.latchkey.server.Main serve' \
  "$work/root" "$key" "$chroot" > "$work/stdout" 2> "$work/stderr" &
pid=$!

deadline=$((SECONDS + 120))
port=
until [ -n "$port" ]; do
  port="$(sed -n 's|^Latchkey listening on http://127.0.0.1:\([0-9]*\) .*|\1|p' "$work/stdout")"
  if [ -z "$port" ]; then
    kill -0 "$pid" 2>/dev/null || { echo "smoke-run: the server exited" >&2; cat "$work/stderr" >&2; exit 1; }
    [ "$SECONDS" -lt "$deadline" ] || { echo "smoke-run: not listening after 120 s" >&2; cat "$work/stderr" >&2; exit 1; }
    sleep 0.5
  fi
done
base="http://127.0.0.1:$port"
[ "$(curl -s -m 30 -o /dev/null -w '%{http_code}' "$base/health/ready")" = 200 ]
created="$(curl -s -m 30 -H 'Content-Type: application/json' "$base/pipeline/oauth2" \
  -d '{"partnerId":"Smoke","executionType":"create","apikey":"'"$key"'"}')"
client="$(echo "$created" | sed -n 's/.*"clientId":"\([^"]*\)".*/\1/p')"
secret="$(echo "$created" | sed -n 's/.*"clientSecret":"\([^"]*\)".*/\1/p')"
[ -n "$client" ] && [ -n "$secret" ] || { echo "smoke-run: credential generation failed" >&2; exit 1; }
curl -s -m 30 -H 'Content-Type: application/json' "$base/pipeline/oauth2" \
  -d '{"password":"'"$secret"'","grant_type":"client_credentials","username":"'"$client"'"}' \
  | grep -q '"expires_in":3600000' || { echo "smoke-run: token retrieval failed" >&2; exit 1; }
# The JVM's meters need the runtime's jdk.management module (com.sun.management): without it
# Micrometer silently leaves out process CPU and GC pauses.
curl -s -m 30 "$base/metrics" | grep -q '^process_cpu_usage ' \
  || { echo "smoke-run: /metrics has no process_cpu_usage (is jdk.management in the runtime?)" >&2; exit 1; }
owner="$(stat -c %u "$work/root/var/lib/latchkey/latchkey.db")"
[ "$owner" = 65532 ] || { echo "smoke-run: the store belongs to uid $owner" >&2; exit 1; }

kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=
[ "$status" = 143 ] || { echo "smoke-run: exit status $status after SIGTERM" >&2; cat "$work/stderr" >&2; exit 1; }
echo "smoke-run: the image's root file system served as uid 65532 and stopped cleanly"
