#!/usr/bin/env bash
# Latchkey and its peers side by side, in one run: the same wrk scenarios against Latchkey,
# Keycloak and Spring Authorization Server, one server at a time, with the bare Vert.x ceiling of
# bench/run.sh measured just before each measurement (same load on a shared machine).
#
#   bench/peers.sh                                   # every server, 10 s warm-up + 10 s per row, 64 connections
#   bench/peers.sh --duration 8 --warmup 5           # shorter
#   bench/peers.sh --only latchkey,sas_noop --scenarios token,introspect
#
# Servers (--only): latchkey (server/target/latchkey.jar on a fresh embedded SQLite store, the JVM
# options of server/jvm-options.sh, as bench/run.sh starts it); keycloak (the
# org.keycloak:keycloak-quarkus-dist zip from Maven Central, fetched once with Maven into
# ~/.cache/latchkey-bench-peers and unpacked under bench/peers/target, `kc.sh start-dev`: its
# dev-file H2 store, fresh for the run, its launcher's JVM options; on a JDK 21 or later, which it
# needs); sas_bcrypt and sas_noop (bench/peers/spring-as, Spring Authorization Server as Spring
# Boot configures it, the client's secret stored by the default DelegatingPasswordEncoder as
# {bcrypt}, then as {noop}, the fastest; JVM defaults).
#
# Each server gets one confidential client, made the way that server makes them: Latchkey's admin
# API; Keycloak's admin REST API (a realm "bench" whose refresh tokens rotate like Latchkey's,
# revokeRefreshToken on with no reuse; a client with the client_credentials grant
# (serviceAccountsEnabled), refresh tokens on for it (client_credentials.use_refresh_token), and an
# audience mapper naming itself, since Keycloak introspects a token only for a client in its
# audience); Spring Authorization Server's RegisteredClientRepository (properties).
#
# Scenarios (--scenarios), all with the client authenticated by HTTP Basic and form bodies, the
# requests every server accepts (bench/wrk/*.lua with the server's paths):
#   introspect  RFC 7662 introspection of a pool of --access-tokens access tokens (introspect.lua),
#               measured first, while the server holds only those tokens and its warm-ups'
#   token       the client_credentials grant (token_basic.lua)
#   refresh     the refresh_token grant, each refresh token used once (token_refresh.lua, pools
#               sized from the warm-up's rate); Spring Authorization Server issues no refresh
#               token with client_credentials, so it has no refresh row
# Every row is warmed up first (the same scenario for --warmup seconds). Start to ready is timed
# from launch on a fresh store (Keycloak: after its one-time build on the first run of an unpacked
# version, done untimed); peak RSS is the server JVM's VmHWM after its rows.
# Everything listens on 127.0.0.1 only; every process it starts is stopped on exit.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="$root/bench"
wrk_dir="$bench/wrk"
peers_dir="$bench/peers"
server_jar="$root/server/target/latchkey.jar"
ceiling_jar="$bench/ceiling/target/latchkey-bench-ceiling.jar"
sas_dir="$peers_dir/spring-as"
sas_jar="$sas_dir/target/latchkey-bench-spring-as.jar"
bench_name=peers

ALL_SERVERS="latchkey keycloak sas_bcrypt sas_noop"
ALL_SCENARIOS="introspect token refresh"

usage() {
  cat <<EOF
usage: bench/peers.sh [options]
  --duration S          seconds measured per row (default 10)
  --warmup S            seconds of warm-up before each row, the same scenario (default 10)
  --connections "A B"   wrk connection counts (default 64)
  --threads N           wrk threads (default 2)
  --only a,b            only these servers ($ALL_SERVERS); the ceiling always runs
  --scenarios a,b       only these scenarios ($ALL_SCENARIOS)
  --access-tokens N     access tokens introspected round-robin (default 1000)
  --refresh-pool-max N  most refresh tokens generated for one row (default 200000)
  --keycloak-version V  org.keycloak:keycloak-quarkus-dist version (default 26.7.3)
  --keycloak-jdk DIR    the JDK Keycloak runs on (21 or later; default: the newest found)
  --jdk DIR             the JDK of Latchkey, the ceiling and Spring Authorization Server
  --java-opts "..."     JVM options for Latchkey and the ceiling, after the launcher's defaults
                        (server/jvm-options.sh; default: \$LATCHKEY_JAVA_OPTS); the peers keep their own
  --cache DIR           where the Keycloak zip is kept (default ~/.cache/latchkey-bench-peers)
  --results DIR         where to write peers.md (default bench/results)
  --keep                keep the temporary dir and the logs
EOF
}

duration=10
warmup=10
connections="64"
threads=2
only=""
scenario_list=""
access_tokens=1000
refresh_pool_max=200000
keycloak_version="26.7.3"
keycloak_jdk=""
jdk=""
java_opts="${LATCHKEY_JAVA_OPTS:-}"
cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/latchkey-bench-peers"
results_dir="$bench/results"
keep=0

while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --only) only="${2//,/ }"; shift 2 ;;
    --scenarios) scenario_list="${2//,/ }"; shift 2 ;;
    --access-tokens) access_tokens="$2"; shift 2 ;;
    --refresh-pool-max) refresh_pool_max="$2"; shift 2 ;;
    --keycloak-version) keycloak_version="$2"; shift 2 ;;
    --keycloak-jdk) keycloak_jdk="$2"; shift 2 ;;
    --jdk) jdk="$2"; shift 2 ;;
    --java-opts) java_opts="$2"; shift 2 ;;
    --cache) cache_dir="$2"; shift 2 ;;
    --results) results_dir="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "peers: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

for n in "$duration" "$warmup" "$threads" "$access_tokens" "$refresh_pool_max"; do
  case "$n" in ''|*[!0-9]*) echo "peers: '$n' is not a whole number" >&2; exit 2 ;; esac
done
[ "$duration" -ge 1 ] && [ "$access_tokens" -ge 1 ] && [ "$threads" -ge 1 ] \
  || { echo "peers: --duration, --threads and --access-tokens must be at least 1" >&2; exit 2; }
for c in $connections; do
  case "$c" in ''|*[!0-9]*) echo "peers: connection count '$c' is not a whole number" >&2; exit 2 ;; esac
  [ "$c" -ge "$threads" ] || { echo "peers: $c connections is fewer than $threads threads" >&2; exit 2; }
done
case "$keycloak_version" in ''|*[!0-9A-Za-z.-]*) echo "peers: '$keycloak_version' is not a version" >&2; exit 2 ;; esac
servers=""
for s in ${only:-$ALL_SERVERS}; do
  case " $ALL_SERVERS " in *" $s "*) servers="$servers $s" ;;
    *) echo "peers: unknown server '$s' (known: $ALL_SERVERS)" >&2; exit 2 ;; esac
done
scenarios=""
for s in ${scenario_list:-$ALL_SCENARIOS}; do
  case " $ALL_SCENARIOS " in *" $s "*) scenarios="$scenarios $s" ;;
    *) echo "peers: unknown scenario '$s' (known: $ALL_SCENARIOS)" >&2; exit 2 ;; esac
done
[ -n "$servers" ] && [ -n "$scenarios" ] || { echo "peers: nothing to measure" >&2; exit 2; }

# No tracing of any server by the caller's environment.
for variable in $(compgen -e); do
  case "$variable" in OTEL_*) unset "$variable" ;; esac
done

# log, die, now_ms, load1, stop_process, free_port, wait_ready, peak_rss_mb, run_wrk, generate_pool,
# refresh_rate, ensure_wrk, stale
# shellcheck source=lib.sh
. "$bench/lib.sh"

# ---------------------------------------------------------------------------------------------
# Tools: Java (Latchkey's and Keycloak's), wrk, Maven, the jars, Keycloak.

java_major_of() { # the major version of JDK home $1, from its release file
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null || true
}

if [ -n "$jdk" ]; then
  java="$jdk/bin/java"
elif [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  java="$JAVA_HOME/bin/java"
else
  java="$(command -v java || true)"
fi
[ -n "$java" ] && [ -x "$java" ] || die "no java found (give --jdk DIR or set JAVA_HOME)"
java_version="$("$java" -version 2>&1 | head -n 1)"

for tool in curl awk sed base64 unzip; do
  command -v "$tool" >/dev/null || die "$tool is needed"
done
ensure_wrk
wrk_version="$(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2 || true)"

if [ -x "$root/mvnw" ]; then mvn=("$root/mvnw"); else mvn=(mvn); fi
mvn+=(-B -ntp -q)

if stale "$server_jar" || stale "$ceiling_jar"; then
  log "building Latchkey and the ceiling"
  (cd "$root" && "${mvn[@]}" -pl server,bench/ceiling -am package -DskipTests) >&2
fi
[ -f "$server_jar" ] && [ -f "$ceiling_jar" ] || die "the build left no jar"

case " $servers " in *" sas_"*)
  if [ ! -f "$sas_jar" ] || [ -n "$(find "$sas_dir/pom.xml" "$sas_dir/src" -type f -newer "$sas_jar" -print -quit)" ]; then
    log "building bench/peers/spring-as"
    "${mvn[@]}" -f "$sas_dir/pom.xml" package -DskipTests >&2
  fi
  [ -f "$sas_jar" ] || die "building bench/peers/spring-as left no jar"
  sas_boot="$(unzip -p "$sas_jar" META-INF/MANIFEST.MF | sed -n 's/^Spring-Boot-Version: //p' | tr -d '\r')"
  sas_version="$(unzip -l "$sas_jar" | sed -n 's#.*BOOT-INF/lib/spring-security-oauth2-authorization-server-\(.*\)\.jar$#\1#p' | head -n 1)"
  ;;
esac

kc_home="$peers_dir/target/keycloak-$keycloak_version"
case " $servers " in *" keycloak "*)
  if [ -z "$keycloak_jdk" ]; then
    # Keycloak 26 needs Java 21 or later: Latchkey's JDK when it is one, else the newest installed.
    if [ "$(java_major_of "$(dirname "$(dirname "$(readlink -f "$java")")")")" -ge 21 ] 2>/dev/null; then
      keycloak_jdk="$(dirname "$(dirname "$(readlink -f "$java")")")"
    else
      for home in /usr/lib/jvm/*; do
        major="$(java_major_of "$home")"
        [ -n "$major" ] && [ "$major" -ge 21 ] && [ -x "$home/bin/java" ] || continue
        if [ -z "$keycloak_jdk" ] || [ "$major" -gt "$(java_major_of "$keycloak_jdk")" ]; then keycloak_jdk="$home"; fi
      done
    fi
  fi
  [ -n "$keycloak_jdk" ] && [ -x "$keycloak_jdk/bin/java" ] \
    || die "Keycloak needs a JDK 21 or later; give --keycloak-jdk DIR (or --only without keycloak)"
  keycloak_java_version="$("$keycloak_jdk/bin/java" -version 2>&1 | head -n 1)"
  zip="$cache_dir/keycloak-quarkus-dist-$keycloak_version.zip"
  if [ ! -f "$zip" ]; then
    log "fetching org.keycloak:keycloak-quarkus-dist:$keycloak_version (zip) into $cache_dir"
    mkdir -p "$cache_dir"
    (cd "$root" && "${mvn[@]}" -N dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$keycloak_version:zip" \
      -DoutputDirectory="$cache_dir") >&2
    [ -f "$zip" ] || die "fetching Keycloak $keycloak_version failed"
  fi
  if [ ! -x "$kc_home/bin/kc.sh" ]; then
    mkdir -p "$peers_dir/target"
    rm -rf "$kc_home"
    unzip -q "$zip" -d "$peers_dir/target"
    [ -x "$kc_home/bin/kc.sh" ] || die "the Keycloak zip held no keycloak-$keycloak_version/bin/kc.sh"
  fi
  ;;
esac

# The launcher's JVM options for Latchkey and the ceiling, and Latchkey's class-data archive.
# shellcheck source=../server/jvm-options.sh
. "$root/server/jvm-options.sh"
java_opts="$(LATCHKEY_JAVA_OPTS="$java_opts" latchkey_java_opts)"
# shellcheck disable=SC2086 # java_opts are words on purpose
archive_opts="$(latchkey_archive_opts "$java" "$server_jar" $java_opts)"

# ---------------------------------------------------------------------------------------------
# Processes.

work="$(mktemp -d "${TMPDIR:-/tmp}/latchkey-peers.XXXXXX")"
server_pid=""   # what was launched (Keycloak: kc.sh)
server_java=""  # its JVM (Keycloak's kc.sh runs java as its child)
ceiling_pid=""
wrk_pid=""

cleanup() {
  local status=$?
  stop_process "$wrk_pid"
  stop_process "$server_java"
  stop_process "$server_pid"
  stop_process "$ceiling_pid"
  if [ "$keep" = 1 ] || [ "$status" != 0 ]; then
    log "logs kept in $work"
  else
    rm -rf "$work"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The JVM of launched process $1: itself, or its child java (kc.sh starts java in the background,
# or execs it after a build).
java_of() {
  local pid="$1" child
  for child in $(cat "/proc/$pid/task/$pid/children" 2>/dev/null); do
    [ "$(cat "/proc/$child/comm" 2>/dev/null)" = java ] && { echo "$child"; return 0; }
  done
  echo "$pid"
}
cpu_ms() { # CPU used so far by process $1, all threads
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f", ($14 + $15) * 1000 / hz }' "/proc/$1/stat" 2>/dev/null || echo "?"
}
# Waits for url to answer 200 after a launch at $2; sets ready_ms, ready_cpu_ms and server_java.
await_server() {
  local url="$1" started="$2" limit="$3" log_file="$4"
  if ! ready_ms=$(wait_ready "$url" "$started" "$limit" "$server_pid"); then
    tail -n 30 "$log_file" >&2 || true
    die "$current did not become ready within $limit s"
  fi
  server_java="$(java_of "$server_pid")"
  ready_cpu_ms="$(cpu_ms "$server_java")"
}
stop_server() {
  stop_process "$server_java"
  stop_process "$server_pid"
  server_java=""
  server_pid=""
}

secret_of() { printf 'bench-%s' "$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')"; }

# Each start_<server> launches it on a free port of 127.0.0.1, waits until it is ready, makes its
# client and sets: url, token_path, introspect_path, client_id, client_secret, refresh (1 when the
# client_credentials answer carries a refresh token), peer_note.

start_latchkey() {
  local port started admin_key answer
  port="$(free_port)"; url="http://127.0.0.1:$port"
  admin_key="lk_bench-throwaway-admin-key-$(date +%s)"
  started=$(now_ms)
  # shellcheck disable=SC2086 # java_opts are words on purpose
  LATCHKEY_HOST=127.0.0.1 LATCHKEY_PORT="$port" LATCHKEY_DATA_DIR="$work/latchkey-data" \
    LATCHKEY_ADMIN_API_KEY="$admin_key" "$java" $archive_opts $java_opts -jar "$server_jar" serve \
    >"$work/latchkey.log" 2>&1 &
  server_pid=$!
  await_server "$url/health/ready" "$started" 120 "$work/latchkey.log"
  answer="$(curl -s --max-time 10 -H "X-API-Key: $admin_key" -H 'Content-Type: application/json' \
    -d '{"partnerId":"bench","name":"bench peers client"}' "$url/admin/clients")"
  client_id="$(printf '%s' "$answer" | sed -n 's/.*"clientId":"\([^"]*\)".*/\1/p')"
  client_secret="$(printf '%s' "$answer" | sed -n 's/.*"clientSecret":"\([^"]*\)".*/\1/p')"
  [ -n "$client_id" ] && [ -n "$client_secret" ] || die "creating a Latchkey client failed"
  token_path=/oauth2/token
  introspect_path=/oauth2/introspect
  peer_note="Latchkey $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'), $java_version, embedded SQLite (WAL, synchronous=FULL), JVM options: $java_opts"
}

start_keycloak() {
  local port started admin_password admin_token answer realm_json client_json
  port="$(free_port)"; url="http://127.0.0.1:$port"
  admin_password="$(secret_of)"
  if [ ! -f "$kc_home/.bench-built" ]; then
    # start-dev builds (augments) the distribution on its first run, a minute or more: once,
    # untimed, so that the timed start is what every later start costs.
    log "Keycloak $keycloak_version: its one-time build (start-dev's first run, untimed)"
    started=$(now_ms)
    JAVA_HOME="$keycloak_jdk" KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD="$admin_password" \
      "$kc_home/bin/kc.sh" start-dev --http-host=127.0.0.1 --http-port="$port" >"$work/keycloak-build.log" 2>&1 &
    server_pid=$!
    await_server "$url/realms/master" "$started" 600 "$work/keycloak-build.log"
    stop_server
    touch "$kc_home/.bench-built"
  fi
  rm -rf "$kc_home/data" # a fresh dev-file store
  started=$(now_ms)
  JAVA_HOME="$keycloak_jdk" KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD="$admin_password" \
    "$kc_home/bin/kc.sh" start-dev --http-host=127.0.0.1 --http-port="$port" >"$work/keycloak.log" 2>&1 &
  server_pid=$!
  await_server "$url/realms/master" "$started" 300 "$work/keycloak.log"
  grep -q 'Updating the configuration' "$work/keycloak.log" && log "Keycloak rebuilt itself during the timed start"

  admin_token="$(curl -s --max-time 30 -d grant_type=password -d client_id=admin-cli -d username=admin \
    --data-urlencode "password=$admin_password" "$url/realms/master/protocol/openid-connect/token" \
    | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')"
  [ -n "$admin_token" ] || die "Keycloak's admin login failed"
  kc_admin() { # method, path, JSON body: the HTTP status
    curl -s --max-time 30 -o "$work/keycloak-admin.out" -w '%{http_code}' -X "$1" \
      -H "Authorization: Bearer $admin_token" -H 'Content-Type: application/json' -d "$3" "$url/admin$2"
  }
  # Refresh tokens rotate, as Latchkey's do: a refresh token works once.
  realm_json='{"realm":"bench","enabled":true,"revokeRefreshToken":true,"refreshTokenMaxReuse":0}'
  [ "$(kc_admin POST /realms "$realm_json")" = 201 ] || { cat "$work/keycloak-admin.out" >&2; die "creating Keycloak's realm failed"; }
  client_id=bench
  client_secret="$(secret_of)"
  client_json="$(cat <<EOF
{"clientId":"$client_id","enabled":true,"protocol":"openid-connect","publicClient":false,
 "clientAuthenticatorType":"client-secret","secret":"$client_secret",
 "serviceAccountsEnabled":true,"standardFlowEnabled":false,"directAccessGrantsEnabled":false,
 "attributes":{"client_credentials.use_refresh_token":"true","use.refresh.tokens":"true"},
 "protocolMappers":[{"name":"bench-audience","protocol":"openid-connect","protocolMapper":"oidc-audience-mapper",
   "config":{"included.client.audience":"$client_id","access.token.claim":"true","introspection.token.claim":"true","id.token.claim":"false"}}]}
EOF
)"
  [ "$(kc_admin POST /realms/bench/clients "$client_json")" = 201 ] || { cat "$work/keycloak-admin.out" >&2; die "creating Keycloak's client failed"; }
  token_path=/realms/bench/protocol/openid-connect/token
  introspect_path=/realms/bench/protocol/openid-connect/token/introspect
  peer_note="Keycloak $keycloak_version, start-dev (dev-file H2 store), $keycloak_java_version, its launcher's JVM options (-Xms64m -Xmx512m, G1)"
}

start_sas() {
  local encoding="$1" port started
  port="$(free_port)"; url="http://127.0.0.1:$port"
  client_id=bench
  client_secret="$(secret_of)"
  started=$(now_ms)
  BENCH_PORT="$port" BENCH_CLIENT_ID="$client_id" BENCH_CLIENT_SECRET="$client_secret" BENCH_SECRET_ENCODING="$encoding" \
    "$java" -jar "$sas_jar" >"$work/sas-$encoding.log" 2>&1 &
  server_pid=$!
  await_server "$url/.well-known/oauth-authorization-server" "$started" 120 "$work/sas-$encoding.log"
  token_path=/oauth2/token
  introspect_path=/oauth2/introspect
  peer_note="Spring Authorization Server ${sas_version:-?} on Spring Boot ${sas_boot:-?}, secret {$encoding}, in-memory authorizations, $java_version, JVM defaults"
}

# ---------------------------------------------------------------------------------------------
# Measure.

log "uptime at start: $(uptime)"

export BENCH_WRK_DIR="$wrk_dir" BENCH_WRK_THREADS="$threads"

# The ceiling (bench/ceiling), as bench/run.sh runs it, answering as many bytes as Latchkey's token
# response with its refresh token (about 1 KB); it stays up for the whole run.
ceiling_body_bytes=1024
ceiling_port="$(free_port)"
ceiling_url="http://127.0.0.1:$ceiling_port"
ceiling_started=$(now_ms)
# shellcheck disable=SC2086
"$java" $java_opts -jar "$ceiling_jar" --host 127.0.0.1 --port "$ceiling_port" \
  --body-bytes "$ceiling_body_bytes" --servers "$(nproc)" >"$work/ceiling.log" 2>&1 &
ceiling_pid=$!
wait_ready "$ceiling_url/health/ready" "$ceiling_started" 60 "$ceiling_pid" >/dev/null \
  || { tail -n 30 "$work/ceiling.log" >&2; die "the ceiling server did not start"; }

# server, scenario, connections, req/s, p50 ms, p99 ms, errors, dry, load1, ceiling req/s just before
rows="$work/rows.tsv"
: >"$rows"
# server, start ms, CPU ms at ready, peak RSS MB, token response bytes, note
servers_tsv="$work/servers.tsv"
: >"$servers_tsv"

measure_only() { # server, scenario, script, url, connections, ceiling req/s to pair with
  local load
  load="$(load1)"
  run_wrk "$3" "$4" "$5" "$duration" "$work/wrk-$1-$2-$5.out"
  echo "$wrk_result" | awk -v server="$1" -v s="$2" -v c="$5" -v load="$load" -v pair="$6" '{
      rps = $1 / ($2 / 1e6)
      printf "%s\t%s\t%s\t%.0f\t%.2f\t%.2f\t%d\t%d\t%s\t%.0f\n", server, s, c, rps, $3 / 1000, $4 / 1000, $5, $6, load, pair == "" ? rps : pair
    }' >>"$rows"
  tail -n 1 "$rows" | awk -F'\t' '{ printf "  %-10s %-10s c=%-4s %7s req/s  p99 %8s ms  errors %s  load %s%s\n", $1, $2, $3, $4, $6, $7, $9, $1 == "ceiling" ? "" : sprintf("  (%.0f %% of the ceiling before it)", 100 * $4 / $10) }' >&2
}

ceiling_warm=""
measure_ceiling() { # connections; sets ceiling_rps
  if [ "$warmup" -gt 0 ] && [ "$ceiling_warm" != "$1" ]; then
    run_wrk ceiling.lua "$ceiling_url" "$1" "$warmup" "$work/wrk-ceiling-$1.warmup.out"
    ceiling_warm="$1"
  fi
  measure_only ceiling ceiling "ceiling.lua" "$ceiling_url" "$1" ""
  ceiling_rps="$(tail -n 1 "$rows" | cut -f4)"
}

measure() { # server, scenario, script, connections: its warm-up, the ceiling, its measurement
  if [ "$warmup" -gt 0 ]; then
    run_wrk "$3" "$url" "$4" "$warmup" "$work/wrk-$1-$2-$4.warmup.out"
  fi
  measure_ceiling "$4"
  measure_only "$1" "$2" "$3" "$url" "$4" "$ceiling_rps"
}

# Every refresh presents a fresh token: the warm-up's pool is sized from the client_credentials
# rate (the refresh rate is unknown yet), the measurement's from twice the rate the warm-up
# reached; a measurement whose pool ran dry is taken once more with a larger one.
measure_refresh() { # server, connections, client_credentials req/s (or empty)
  local server="$1" conns="$2" pool="$work/$1-refresh-pool" rate size attempt
  rate="${3:-2000}"
  [ "$rate" -ge 100 ] 2>/dev/null || rate=100
  if [ "$warmup" -gt 0 ]; then
    size=$(( warmup * rate * 3 / 2 + conns * 4 ))
    [ "$size" -le "$refresh_pool_max" ] || size="$refresh_pool_max"
    generate_pool "$pool" "$size" "$url"
    BENCH_POOL="$pool.refresh" run_wrk token_refresh.lua "$url" "$conns" "$warmup" "$work/wrk-$server-refresh-$conns.warmup.out"
    rate=$(( $(refresh_rate) * 2 ))
  fi
  [ "$rate" -gt 0 ] || rate=2000
  for attempt in 1 2; do
    size=$(( rate * duration + conns * 4 ))
    [ "$size" -le "$refresh_pool_max" ] || size="$refresh_pool_max"
    generate_pool "$pool" "$size" "$url"
    log "$server refresh pool: $pool_got tokens"
    if [ "$attempt" = 2 ]; then
      sed -i '$d' "$rows" # the dry attempt's row and its ceiling's
      sed -i '$d' "$rows"
    fi
    measure_ceiling "$conns"
    BENCH_POOL="$pool.refresh" measure_only "$server" refresh token_refresh.lua "$url" "$conns" "$ceiling_rps"
    [ "$(echo "$wrk_result" | cut -d' ' -f6)" -gt 0 ] || break
    [ "$attempt" = 1 ] && log "the $server refresh pool ran dry; measuring again with a larger one"
    rate=$(( $(refresh_rate) * 3 / 2 + 1 ))
  done
}

for current in $servers; do
  log "$current: starting (load $(load1))"
  case "$current" in
    latchkey) start_latchkey ;;
    keycloak) start_keycloak ;;
    sas_bcrypt) start_sas bcrypt ;;
    sas_noop) start_sas noop ;;
  esac
  log "$current ready on $url in $ready_ms ms ($ready_cpu_ms ms of CPU), pid $server_java"
  basic="$(printf '%s:%s' "$client_id" "$client_secret" | base64 -w0)"
  printf '%s\t%s\t%s\n' "$client_id" "$client_secret" "$basic" >"$work/$current-clients.tsv"
  export BENCH_CLIENTS="$work/$current-clients.tsv" BENCH_TOKEN_PATH="$token_path" \
    BENCH_INTROSPECT_PATH="$introspect_path" BENCH_INTROSPECT_BASIC="$basic" BENCH_REFRESH_BASIC="$basic"

  # One answer of each kind, checked before anything is measured.
  answer="$(curl -s --max-time 30 -u "$client_id:$client_secret" -d grant_type=client_credentials "$url$token_path")"
  token_bytes="$(printf '%s' "$answer" | wc -c)"
  access="$(printf '%s' "$answer" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')"
  [ -n "$access" ] || die "$current answered no access token: $answer"
  refresh=0
  printf '%s' "$answer" | grep -q '"refresh_token":"' && refresh=1
  curl -s --max-time 30 -u "$client_id:$client_secret" -d "token=$access" "$url$introspect_path" \
    | grep -q '"active":true' || die "$current did not introspect its own token as active"
  log "$current: a token response is $token_bytes bytes$([ "$refresh" = 1 ] && echo ', with a refresh token')"

  generate_pool "$work/$current-access" "$access_tokens" "$url"
  [ "$pool_got" -ge 1 ] || die "could not generate access tokens on $current"
  export BENCH_ACCESS_TOKENS="$work/$current-access.access"

  for conns in $connections; do
    token_rps=""
    for scenario in $scenarios; do
      case "$scenario" in
        introspect) measure "$current" introspect introspect.lua "$conns" ;;
        token)
          measure "$current" token token_basic.lua "$conns"
          token_rps="$(tail -n 1 "$rows" | cut -f4)" ;;
        refresh)
          if [ "$refresh" = 1 ]; then
            measure_refresh "$current" "$conns" "$token_rps"
          else
            log "$current issues no refresh token with client_credentials: no refresh row"
          fi ;;
      esac
    done
  done
  rss="$(peak_rss_mb "$server_java")"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$current" "$ready_ms" "$ready_cpu_ms" "$rss" "$token_bytes" "$peer_note" >>"$servers_tsv"
  stop_server
done
ceiling_rss="$(peak_rss_mb "$ceiling_pid")"
stop_process "$ceiling_pid"
ceiling_pid=""

# ---------------------------------------------------------------------------------------------
# Report. vs Latchkey: the row's ratio to the ceiling measured just before it, over Latchkey's
# ratio for the same scenario and connections (rows minutes apart on a shared machine compare by
# the load they saw; req/s shows the raw figures).

label() {
  case "$1" in
    latchkey) echo "Latchkey" ;;
    keycloak) echo "Keycloak $keycloak_version" ;;
    sas_bcrypt) echo "Spring AS, {bcrypt} secret" ;;
    sas_noop) echo "Spring AS, {noop} secret" ;;
    ceiling) echo "ceiling (bare Vert.x)" ;;
    introspect) echo "introspection" ;;
    token) echo "client_credentials" ;;
    refresh) echo "refresh_token" ;;
  esac
}

table="$work/table.md"
{
  echo "| server | scenario | conns | req/s | p99 ms | vs Latchkey | vs ceiling | errors | start to ready | peak RSS | load |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
  for server in $servers; do
    for conns in $connections; do
      for scenario in $scenarios; do
        line="$(awk -F'\t' -v s="$server" -v sc="$scenario" -v c="$conns" '$1 == s && $2 == sc && $3 == c' "$rows")"
        base="$(awk -F'\t' -v sc="$scenario" -v c="$conns" '$1 == "latchkey" && $2 == sc && $3 == c' "$rows")"
        info="$(awk -F'\t' -v s="$server" '$1 == s' "$servers_tsv")"
        if [ -z "$line" ]; then
          [ "$scenario" = refresh ] || continue
          echo "$info" | awk -F'\t' -v name="$(label "$server")" -v c="$conns" \
            '{ printf "| %s | refresh_token | %s | — (no refresh token with client_credentials) | | | | | %.1f s | %s MB | |\n", name, c, $2 / 1000, $4 }'
          continue
        fi
        [ -n "$base" ] || base="$(printf 'none\t%.0s' 1 2 3 4 5 6 7 8 9)none"
        printf '%s\t%s\t%s\n' "$line" "$base" "$info" | awk -F'\t' -v name="$(label "$server")" -v sc="$(label "$scenario")" '{
            ratio = $4 / $10
            vs = $11 == "none" ? "—" : sprintf("%.2f×", ratio / ($14 / $20))
            errors = $7 ($8 > 0 ? " (" $8 " pool dry)" : "")
            printf "| %s | %s | %s | %s | %.2f | %s | %.0f %% | %s | %.1f s | %s MB | %s |\n", name, sc, $3, $4, $6, vs, 100 * ratio, errors, $22 / 1000, $24, $9
          }'
      done
    done
  done
  awk -F'\t' '$1 == "ceiling"' "$rows" | sort -t"$(printf '\t')" -k4,4n | awk -F'\t' -v rss="$ceiling_rss" '
    { r[NR] = $4; c = $3 } END { if (NR) printf "| ceiling (bare Vert.x) | fixed body | %s | %s (median of %d) | | | | | | %s MB | |\n", c, r[int((NR + 1) / 2)], NR, rss }'
} >"$table"

report="$work/peers.md"
{
  echo "# Latchkey and its peers, $(date -u +'%Y-%m-%d %H:%M UTC')"
  echo
  echo "- machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), $(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) memory, $(uname -sr); wrk and every server share the CPUs, one server running at a time"
  echo "- $wrk_version -t$threads, ${warmup} s warm-up (the same scenario) + ${duration} s measured per row; one client per server, HTTP Basic, form bodies"
  while IFS="$(printf '\t')" read -r server _ cpu _ bytes note; do
    echo "- $(label "$server"): $note; token response $bytes bytes; $cpu ms of CPU at ready"
  done <"$servers_tsv"
  echo "- introspection runs first on each server, over $access_tokens tokens (the store then holds those and the warm-up's); refresh tokens are single-use on both servers that issue them (Keycloak: revokeRefreshToken, no reuse)"
  echo "- vs ceiling: req/s over the ceiling's, measured just before the row (its body $ceiling_body_bytes bytes); vs Latchkey: that ratio over Latchkey's for the same scenario; load: the 1-minute load average as the row started"
  echo
  cat "$table"
} >"$report"

mkdir -p "$results_dir"
cp "$report" "$results_dir/peers.md"
cp "$rows" "$results_dir/peers.tsv"
echo
cat "$report"
echo
log "written to $results_dir/peers.md"
