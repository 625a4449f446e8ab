# Shell functions shared by bench/run.sh and bench/peers.sh (sourced, not run). They read the
# caller's globals: threads (wrk -t), wrk_dir (bench/wrk), wrk_pid (the wrk running, for the exit
# trap), latchkey_url (generate_pool's default server) and bench_name (log's prefix).

log() { printf '%s %s: %s\n' "$(date +%H:%M:%S)" "${bench_name:-bench}" "$*" >&2; }
die() { log "$*"; exit 1; }
now_ms() { local t=${EPOCHREALTIME//[!0-9]/}; echo $(( t / 1000 )); }
load1() { cut -d' ' -f1 /proc/loadavg; }

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

# Fills <prefix>.refresh and <prefix>.access with $2 tokens each (fewer if the server cannot
# issue them within 5 minutes), from the server at $3 (default: Latchkey's, $latchkey_url), and
# sets pool_got (the access tokens got; as many refresh tokens, from a server that issues them). wrk cannot end itself before its duration, so it
# runs in the background and is stopped once the files hold enough lines.
generate_pool() {
  local prefix="$1" count="$2" url="${3:-$latchkey_url}" deadline have
  rm -f "$prefix".refresh* "$prefix".access*
  BENCH_POOL_OUT="$prefix" BENCH_POOL_COUNT="$count" \
    timeout 330 wrk -t"$threads" -c16 -d300s --timeout 5s -s "$wrk_dir/pool.lua" "$url" \
    >"$prefix.log" 2>&1 &
  wrk_pid=$!
  deadline=$(( $(now_ms) + 300000 ))
  for _ in $(seq 1 3000); do # every 0.1 s, at most 5 minutes
    sleep 0.1
    have=$(cat "$prefix".access.* 2>/dev/null | wc -l)
    [ "$have" -lt "$count" ] && kill -0 "$wrk_pid" 2>/dev/null && [ "$(now_ms)" -lt "$deadline" ] || break
  done
  stop_process "$wrk_pid"
  wrk_pid=""
  # Whole tokens only (header.claims.signature), in case wrk was stopped mid-line.
  cat "$prefix".refresh.* 2>/dev/null | grep -E '^[^.]+[.][^.]+[.][^.]+$' | head -n "$count" >"$prefix.refresh" || true
  cat "$prefix".access.* 2>/dev/null | grep -E '^[^.]+[.][^.]+[.][^.]+$' | head -n "$count" >"$prefix.access" || true
  rm -f "$prefix".refresh.* "$prefix".access.*
  pool_got=$(wc -l <"$prefix.access")
}

# Refreshes a second the last wrk run reached: successes over the time until the pool ran dry
# (whole seconds, at least one), or over the whole run if it never did.
refresh_rate() {
  echo "$wrk_result" | awk '{
      ok = $1 - $5; seconds = $2 / 1e6
      if ($7 >= 0) seconds = ($7 < 1 ? 1 : $7)
      printf "%.0f", ok / seconds
    }'
}

# Installs wrk from Debian's packages when it is missing (as root).
ensure_wrk() {
  command -v wrk >/dev/null && return 0
  [ "$(id -u)" = 0 ] || die "wrk is missing; install it (apt-get install -y wrk) or run as root"
  log "installing wrk from Debian's packages"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y wrk >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get update >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y wrk >/dev/null
  fi
}

# Whether jar $1 is missing or older than a pom.xml or main source of the repository at $root
# (bench/peers/ holds no part of Latchkey: its peers never make Latchkey's jars stale).
stale() {
  local jar="$1"
  [ ! -f "$jar" ] && return 0
  [ -n "$(find "$root" -path "$root/.git" -prune -o -path '*/target' -prune -o -path "$root/bench/peers" -prune -o \
      \( -name pom.xml -o -path '*/src/main/*' \) -type f -newer "$jar" -print -quit)" ]
}
