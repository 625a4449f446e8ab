#!/usr/bin/env bash
# Makes an UpgradeTest fixture: the data dir that the release at COMMIT writes for a fixed set of
# calls, copied into server/src/test/resources/upgrade/schema-<its schema version>/ (README.md
# beside this file). Run from anywhere in the repository; needs git, a JDK 17+, curl, and Maven
# for a commit older than the Maven wrapper.
#
#   server/src/test/resources/upgrade/make-fixture.sh COMMIT [OUTPUT_DIR]
#
# COMMIT is built from a clean export (git archive) in a temporary directory: the work tree and
# the local Maven repository are left as they are (package only, nothing installed).
set -euo pipefail
commit=${1:?usage: make-fixture.sh COMMIT [OUTPUT_DIR]}
root=$(git rev-parse --show-toplevel)
here="$root/server/src/test/resources/upgrade"
sha=$(git -C "$root" rev-parse --short "$commit^{commit}")
schema=$(git -C "$root" ls-tree --name-only "$sha" store-jdbc/src/main/resources/db/migration/ \
  | sed -n 's|.*/V\([0-9]*\)__.*|\1|p' | sort -n | tail -1)
out=${2:-"$here/schema-$schema"}
admin_key=lk_upgrade-fixture-admin-key-0123456789abcdef

work=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "building $sha (schema $schema)" >&2
mkdir "$work/src" "$work/data"
git -C "$root" archive "$sha" | tar -x -C "$work/src"
maven=mvn
[ -x "$work/src/mvnw" ] && maven=./mvnw # older commits have no wrapper
(cd "$work/src" && "$maven" -B -ntp -q -DskipTests package -pl server -am)

java -jar "$work/src/server/target/latchkey.jar" serve --data-dir "$work/data" --host 127.0.0.1 --port 0 \
  --admin-api-key "$admin_key" >"$work/stdout" 2>"$work/stderr" &
pid=$!
port=
for _ in $(seq 1 600); do
  port=$(sed -n 's|^Latchkey listening on http://127\.0\.0\.1:\([0-9]*\) .*|\1|p' "$work/stdout")
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/stderr" >&2; exit 1; }
  sleep 0.1
done
[ -n "$port" ] || { echo "the server did not start" >&2; exit 1; }
base="http://127.0.0.1:$port"

# One JSON string field of a response body (the server writes compact JSON).
field() { sed -n "s|.*\"$1\":\"\([^\"]*\)\".*|\1|p"; }
admin() { curl -sS --fail-with-body -H "X-API-Key: $admin_key" -H 'Content-Type: application/json' "$@"; }

client=$(admin -X POST "$base/admin/clients" \
  -d '{"partnerId":"UpgradePartner","name":"before the upgrade","scopes":["orders:read"]}')
client_id=$(field clientId <<<"$client")
client_secret=$(field clientSecret <<<"$client")
refresh=$(curl -sS --fail-with-body -u "$client_id:$client_secret" -d grant_type=client_credentials \
  "$base/oauth2/token" | field refresh_token)
curl -sS --fail-with-body -o /dev/null -u "$client_id:$client_secret" -d grant_type=refresh_token \
  --data-urlencode "refresh_token=$refresh" "$base/oauth2/token"
ops_key=$(admin -X POST "$base/admin/api-keys" -d '{"name":"ops"}' | field apiKey)
deleted_id=$(admin -X POST "$base/admin/clients" -d '{"partnerId":"Deleted"}' | field clientId)
admin -o /dev/null -X DELETE "$base/admin/clients/$deleted_id"

kill -TERM "$pid"
wait "$pid" || true # 143: stopped by SIGTERM, after its shutdown hook closed the store
pid=
if [ -s "$work/data/latchkey.db-wal" ]; then
  echo "the store's write-ahead log was not emptied at stop" >&2
  exit 1
fi

mkdir -p "$out"
cp "$work/data/latchkey.db" "$out/store.sqlite"
cp "$work/data/master.key" "$out/master-key.txt"
cat >"$out/fixture.properties" <<EOF
# Written by make-fixture.sh from commit $sha (schema $schema); these protect nothing but this fixture.
commit=$sha
schema=$schema
adminApiKey=$admin_key
client.id=$client_id
client.secret=$client_secret
opsApiKey=$ops_key
deletedClient.id=$deleted_id
EOF
echo "wrote $out" >&2
