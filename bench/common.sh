# What bench/run.sh and bench/soak.sh share beyond bench/lib.sh: finding Java and wrk, building
# the jars, the JVM options of the launcher, starting Latchkey, and creating a client through the
# admin API. Sourced, not run; it sources bench/lib.sh (logging, processes, ports, readiness,
# token pools, wrk). The caller sets, before calling them:
#   root, bench, wrk_dir, server_jar, ceiling_jar   paths (relative to the repository's root)
#   jdk, java_opts                                   as bench/run.sh's --jdk and --java-opts
#   threads                                          wrk threads
#   latchkey_port, latchkey_url, admin_key           the server start_latchkey starts
#   bench_name                                       the prefix of log lines (default "bench")
# and start_latchkey reads signing_alg, tracing_env and mtls_env when set.

# shellcheck source=lib.sh
. "$bench/lib.sh"

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

  ensure_wrk
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
