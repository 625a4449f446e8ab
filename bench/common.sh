# Functions bench/run.sh and bench/soak.sh share: logging, finding Java and wrk, building the jars,
# the JVM options of the launcher, starting Latchkey and waiting until it is ready, stopping a
# process, creating a client through the admin API, token pools and one wrk run. Sourced, not
# run; the caller sets, before calling them:
#   root, bench, wrk_dir, server_jar, ceiling_jar   paths (relative to the repository's root)
#   jdk, java_opts                                   as bench/run.sh's --jdk and --java-opts
#   threads                                          wrk threads
#   latchkey_port, latchkey_url, admin_key           the server start_latchkey starts
#   log_name                                         the prefix of log lines (default "bench")
# and start_latchkey reads signing_alg, tracing_env and mtls_env when set.

log() { printf '%s %s: %s\n' "$(date +%H:%M:%S)" "${log_name:-bench}" "$*" >&2; }
die() { log "$*"; exit 1; }
now_ms() { local t=${EPOCHREALTIME//[!0-9]/}; echo $(( t / 1000 )); }
load1() { cut -d' ' -f1 /proc/loadavg; }

stale() {
  local jar="$1"
  [ ! -f "$jar" ] && return 0
  [ -n "$(find "$root" -path "$root/.git" -prune -o -path '*/target' -prune -o \
      \( -name pom.xml -o -path '*/src/main/*' \) -type f -newer "$jar" -print -quit)" ]
}

# Tools: Java (--jdk, else JAVA_HOME, else the PATH's), curl and friends, wrk (installed from
# Debian's packages when missing), the jars (built when missing or older than a source), and the
# launcher's JVM options. Sets java, java_version, java_runtime, java_major, wrk_version,
# java_opts and archive_opts.
bench_tools() {
  if [ -n "$jdk" ]; then
    java="$jdk/bin/java"
  elif [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    java="$JAVA_HOME/bin/java"
  else
    java="$(command -v java || true)"
  fi
  [ -n "$java" ] && [ -x "$java" ] || die "no java found (give --jdk DIR or set JAVA_HOME)"
  java_version="$("$java" -version 2>&1 | head -n 1)"
  java_runtime="$("$java" -version 2>&1 | sed -n 2p)"
  java_major="$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"

  for tool in curl awk sed base64; do
    command -v "$tool" >/dev/null || die "$tool is needed"
  done

  if ! command -v wrk >/dev/null; then
    [ "$(id -u)" = 0 ] || die "wrk is missing; install it (apt-get install -y wrk) or run as root"
    log "installing wrk from Debian's packages"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y wrk >/dev/null 2>&1; then
      DEBIAN_FRONTEND=noninteractive apt-get update >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y wrk >/dev/null
    fi
  fi
  wrk_version="$(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2 || true)"

  if stale "$server_jar" || stale "$ceiling_jar"; then
    command -v mvn >/dev/null || die "Maven (mvn) is needed to build the jars"
    log "building the jars (mvn -q -B -DskipTests package)"
    (cd "$root" && mvn -q -B -DskipTests package) >&2
  fi
  [ -f "$server_jar" ] && [ -f "$ceiling_jar" ] || die "the build left no jar"

  # The launcher's JVM options (server/jvm-options.sh): its defaults, then --java-opts; Latchkey
  # also starts from the launcher's class-data archive for this jar and JDK (made here if missing).
  # shellcheck source=../server/jvm-options.sh
  . "$root/server/jvm-options.sh"
  java_opts="$(LATCHKEY_JAVA_OPTS="$java_opts" latchkey_java_opts)"
  # shellcheck disable=SC2086 # java_opts are words on purpose
  archive_opts="$(latchkey_archive_opts "$java" "$server_jar" $java_opts)"
}

stop_process() {
  local pid="$1"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do # at most 10 s, then no more asking
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

# A port nothing listens on; bounded tries.
free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  die "found no free port"
}

# Polls url until it answers 200: prints the milliseconds since $2, or fails after $3 seconds.
# Fork-free on purpose: bash's /dev/tcp, $EPOCHREALTIME and a timed read instead of curl, date and
# sleep. Spawning those three every 5 ms used about 0.75 of a core, on a 2-core machine, while the
# JVM being timed was starting.
wait_ready() {
  local url="$1" started="$2" pid="$4" hostport path host port deadline now status fd pause
  hostport="${url#http://}"; path="/${hostport#*/}"; hostport="${hostport%%/*}"
  host="${hostport%:*}"; port="${hostport##*:}"
  deadline=$(( started + $3 * 1000 ))
  exec {pause}<> <(:)
  while :; do
    status=""
    if { exec {fd}<>"/dev/tcp/$host/$port"; } 2>/dev/null; then
      printf 'GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$path" "$hostport" >&"$fd" 2>/dev/null
      read -r -t 1 -u "$fd" _ status _ 2>/dev/null || status=""
      exec {fd}>&-
    fi
    now=${EPOCHREALTIME//[!0-9]/}; now=$(( now / 1000 ))
    if [ "$status" = 200 ]; then
      exec {pause}>&-
      echo $(( now - started ))
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null || [ "$now" -ge "$deadline" ]; then
      exec {pause}>&-
      return 1
    fi
    read -r -t 0.005 -u "$pause" _ 2>/dev/null || true
  done
}

peak_rss_mb() {
  awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "?"
}

# Starts Latchkey and waits until /health/ready answers 200; sets latchkey_pid, ready_ms (wall
# clock from launch) and ready_cpu_ms (CPU the JVM had used by then, all threads: on a busy
# machine the wall clock mostly measures the others).
start_latchkey() {
  local data_dir="$1" log_file="$2" started
  started=$(now_ms)
  # shellcheck disable=SC2086 # java_opts are words on purpose
  LATCHKEY_HOST=127.0.0.1 LATCHKEY_PORT="$latchkey_port" LATCHKEY_DATA_DIR="$data_dir" \
    LATCHKEY_ADMIN_API_KEY="$admin_key" LATCHKEY_SIGNING_ALG="${signing_alg:-HS256}" \
    env ${tracing_env:-} ${mtls_env:-} "$java" $archive_opts $java_opts -jar "$server_jar" serve >"$log_file" 2>&1 &
  latchkey_pid=$!
  if ! ready_ms=$(wait_ready "$latchkey_url/health/ready" "$started" 60 "$latchkey_pid"); then
    tail -n 30 "$log_file" >&2 || true
    die "Latchkey did not become ready within 60 s"
  fi
  ready_cpu_ms="$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f", ($14 + $15) * 1000 / hz }' "/proc/$latchkey_pid/stat")"
}

# Creates a client through the admin API with the JSON body $1 and prints its line of a clients
# file: "clientId<TAB>secret<TAB>base64(id:secret)". Ids and secrets are base64url, which
# form-urlencoding (RFC 6749 §2.3.1) leaves as they are.
create_client() {
  local answer id secret
  answer="$(curl -s --max-time 10 -H "X-API-Key: $admin_key" -H 'Content-Type: application/json' \
    -d "$1" "$latchkey_url/admin/clients")"
  id="$(printf '%s' "$answer" | sed -n 's/.*"clientId":"\([^"]*\)".*/\1/p')"
  secret="$(printf '%s' "$answer" | sed -n 's/.*"clientSecret":"\([^"]*\)".*/\1/p')"
  [ -n "$id" ] && [ -n "$secret" ] || return 1
  printf '%s\t%s\t%s\n' "$id" "$secret" "$(printf '%s:%s' "$id" "$secret" | base64 -w0)"
}

# Fills <prefix>.refresh and <prefix>.access with $2 tokens each (fewer if the server cannot
# issue them within 5 minutes) and sets pool_got. wrk cannot end itself before its duration, so it
# runs in the background and is stopped once the files hold enough lines.
generate_pool() {
  local prefix="$1" count="$2" deadline have
  rm -f "$prefix".refresh* "$prefix".access*
  BENCH_POOL_OUT="$prefix" BENCH_POOL_COUNT="$count" \
    timeout 330 wrk -t"$threads" -c16 -d300s --timeout 5s -s "$wrk_dir/pool.lua" "$latchkey_url" \
    >"$prefix.log" 2>&1 &
  wrk_pid=$!
  deadline=$(( $(now_ms) + 300000 ))
  for _ in $(seq 1 3000); do # every 0.1 s, at most 5 minutes
    sleep 0.1
    have=$(cat "$prefix".refresh.* 2>/dev/null | wc -l)
    [ "$have" -lt "$count" ] && kill -0 "$wrk_pid" 2>/dev/null && [ "$(now_ms)" -lt "$deadline" ] || break
  done
  stop_process "$wrk_pid"
  wrk_pid=""
  # Whole tokens only (header.claims.signature), in case wrk was stopped mid-line.
  cat "$prefix".refresh.* 2>/dev/null | grep -E '^[^.]+[.][^.]+[.][^.]+$' | head -n "$count" >"$prefix.refresh" || true
  cat "$prefix".access.* 2>/dev/null | grep -E '^[^.]+[.][^.]+[.][^.]+$' | head -n "$count" >"$prefix.access" || true
  rm -f "$prefix".refresh.* "$prefix".access.*
  pool_got=$(wc -l <"$prefix.refresh")
}

# Runs wrk once in the background (so that an interrupt stops it at once) and sets wrk_result to
# its BENCH line's fields: "requests duration_us p50_us p99_us errors dry dry_after_s".
run_wrk() {
  local script="$1" url="$2" conns="$3" seconds="$4" out="$5"
  timeout $((seconds + 60)) wrk -t"$threads" -c"$conns" -d"${seconds}s" --timeout 5s \
    -s "$wrk_dir/$script" "$url" >"$out" 2>&1 &
  wrk_pid=$!
  wait "$wrk_pid" || true
  wrk_pid=""
  wrk_result="$(awk '/^BENCH / {
      for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      errors = v["status"] + v["connect"] + v["read"] + v["write"] + v["timeout"]
      print v["requests"], v["duration_us"], v["p50_us"], v["p99_us"], errors, v["dry"], v["dry_after"]
    }' "$out")"
  if [ -z "$wrk_result" ]; then
    tail -n 20 "$out" >&2 || true
    die "wrk gave no result ($script, $conns connections)"
  fi
}
