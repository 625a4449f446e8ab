#!/usr/bin/env bash
# Latchkey's soak: a mixed load for a long while (30 minutes by default), and whether the server
# stays flat under it: memory, live heap and tail latency at the end as at the start.
#
#   bench/soak.sh                     # 30 minutes
#   bench/soak.sh --minutes 5         # a short look
#   LATCHKEY_ACCESS_TOKEN_TTL=PT3H bench/soak.sh --minutes 120   # longer than the introspected tokens live
#
# Latchkey starts as bench/run.sh starts it (bench/common.sh: the same jar, JVM options, class-data
# archive, fresh temporary data dir on the embedded SQLite store, throwaway admin key), clients
# are seeded through the admin API and tokens made for the pools, then five loads run at once,
# in one-minute slices so that each minute has its own figures:
#   token       client_credentials, POST /oauth2/token (Basic), round-robin over the clients (wrk)
#   refresh     refresh_token, POST /pipeline/oauth2, each answer's refresh token used next (wrk)
#   introspect  POST /oauth2/introspect of live access tokens, admin API key (wrk)
#   admin       POST /admin/clients then DELETE of that client, durable writes that leave the
#               store's size as it was (wrk)
#   revoke      once a second: a token issued, POST /oauth2/revoke of it (RFC 7009, by its
#               client: ten clients in turn, each under LATCHKEY_REVOCATIONS_PER_MINUTE's
#               default), then introspected to see that it is no longer active (curl)
# After each minute it reads the server's VmRSS and VmHWM (/proc), its heap after a full GC
# (jcmd GC.run, then GC.heap_info), its threads and open files, and prints one line. At the end it
# prints the table, compares the early minutes with the last ones (minute 1 is the JIT's warm-up
# and is left out when there are more than two) and says "flat" or not: RSS and heap after GC
# within --tolerance, each load's p99 within --p99-tolerance. It writes the report to
# bench/results/soak.md. Everything listens on 127.0.0.1; every process it starts is stopped at
# the end, on an error and on INT or TERM, and each wrk is bounded by timeout.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="$root/bench"
wrk_dir="$bench/wrk"
server_jar="$root/server/target/latchkey.jar"
ceiling_jar="$bench/ceiling/target/latchkey-bench-ceiling.jar"
bench_name=soak

usage() {
  cat <<EOF
usage: bench/soak.sh [options]
  --minutes N          minutes of load, one slice each (default 30)
  --connections N      wrk connections of the token, refresh and introspection loads (default 8;
                       the admin load has a quarter, at least 2)
  --threads N          wrk threads per load (default 1)
  --clients N          clients seeded through the admin API (default 8)
  --access-tokens N    access tokens introspected round-robin (default 1000)
  --tolerance P        largest growth of RSS and heap after GC, early to late, in % (default 10;
                       growth under 16 MB of RSS or 8 MB of heap counts as flat too)
  --p99-tolerance P    largest growth of a load's p99, early to late, in % (default 50: the machine
                       may be shared, and a p99 of one minute moves with its load)
  --jdk DIR            run Latchkey on DIR/bin/java
  --java-opts "..."    JVM options after the launcher's defaults (default: \$LATCHKEY_JAVA_OPTS)
  --results DIR        where to write soak.md (default bench/results)
  --keep               keep the temporary data dir and logs
EOF
}

minutes=30
connections=8
threads=1
clients=8
access_tokens=1000
tolerance=10
p99_tolerance=50
jdk=""
java_opts="${LATCHKEY_JAVA_OPTS:-}"
results_dir="$bench/results"
keep=0
command_line="bench/soak.sh${*:+ $*}"

while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --access-tokens) access_tokens="$2"; shift 2 ;;
    --tolerance) tolerance="$2"; shift 2 ;;
    --p99-tolerance) p99_tolerance="$2"; shift 2 ;;
    --jdk) jdk="$2"; shift 2 ;;
    --java-opts) java_opts="$2"; shift 2 ;;
    --results) results_dir="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "soak: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
for n in "$minutes" "$connections" "$threads" "$clients" "$access_tokens" "$tolerance" "$p99_tolerance"; do
  case "$n" in ''|*[!0-9]*) echo "soak: '$n' is not a whole number" >&2; exit 2 ;; esac
done
[ "$minutes" -ge 1 ] && [ "$minutes" -le 1440 ] || { echo "soak: --minutes must be 1 to 1440" >&2; exit 2; }
[ "$threads" -ge 1 ] && [ "$connections" -ge "$threads" ] && [ "$clients" -ge 1 ] && [ "$access_tokens" -ge 1 ] \
  || { echo "soak: --threads, --clients and --access-tokens must be at least 1, --connections at least --threads" >&2; exit 2; }
admin_connections=$(( connections / 4 ))
[ "$admin_connections" -ge 2 ] || admin_connections=2
[ "$admin_connections" -ge "$threads" ] || admin_connections="$threads"

# Only what the soak sets reaches the server (as bench/run.sh: no tracing from the caller's env).
for variable in $(compgen -e); do
  case "$variable" in OTEL_*) unset "$variable" ;; esac
done

# shellcheck source=common.sh
. "$bench/common.sh"
bench_tools
jcmd="$(dirname "$(readlink -f "$java")")/jcmd"
[ -x "$jcmd" ] || die "jcmd is needed next to $java (the heap after GC is read with it)"

# ---------------------------------------------------------------------------------------------
# Processes, and their end.

work="$(mktemp -d "${TMPDIR:-/tmp}/latchkey-soak.XXXXXX")"
latchkey_pid=""
wrk_pid="" # generate_pool's
slice_pids=""
revoker_pid=""

cleanup() {
  local status=$? pid
  for pid in $slice_pids; do stop_process "$pid"; done
  stop_process "$revoker_pid"
  stop_process "$wrk_pid"
  stop_process "$latchkey_pid"
  if [ "$keep" = 1 ] || [ "$status" != 0 ]; then
    log "data dir and logs kept in $work"
  else
    rm -rf "$work"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

admin_key="lk_bench-throwaway-admin-key-$(date +%s)"
latchkey_port="$(free_port)"
latchkey_url="http://127.0.0.1:$latchkey_port"
uptime_start="$(uptime)"
log "uptime at start: $uptime_start"
log "Java: $java_version ($java); options: ${java_opts:-none}"

start_latchkey "$work/data" "$work/latchkey.log"
log "Latchkey ready on $latchkey_url in $ready_ms ms, pid $latchkey_pid"

# ---------------------------------------------------------------------------------------------
# Seed: clients, the introspection pool and the refresh reserve (both from one run of pool.lua).

clients_file="$work/clients.tsv"
: >"$clients_file"
for i in $(seq 1 "$clients"); do
  create_client "{\"partnerId\":\"soak\",\"name\":\"soak client $i\"}" >>"$clients_file" || die "creating a client failed"
done
# The revoker's own clients, taken in turn: a client may revoke 10 tokens at once and regains one
# every 6 s (LATCHKEY_REVOCATIONS_PER_MINUTE, as deployed), so ten keep one a second under it.
revokers_file="$work/revokers.tsv"
: >"$revokers_file"
for i in $(seq 1 10); do
  create_client "{\"partnerId\":\"soak\",\"name\":\"soak revoker $i\"}" >>"$revokers_file" || die "creating a client failed"
done
export BENCH_WRK_DIR="$wrk_dir" BENCH_WRK_THREADS="$threads" BENCH_CLIENTS="$clients_file" BENCH_API_KEY="$admin_key"

# A refresh chain is lost when its request is in flight at the end of a slice (or fails): each
# slice starts from two tokens per connection, topped up from this reserve.
refresh_start=$(( connections * 2 ))
reserve_size=$(( minutes * connections * 2 + refresh_start + 100 ))
pool_size=$(( access_tokens > reserve_size ? access_tokens : reserve_size ))
generate_pool "$work/pool" "$pool_size"
[ "$pool_got" -ge "$pool_size" ] || die "made $pool_got tokens of the $pool_size wanted"
head -n "$access_tokens" "$work/pool.access" >"$work/introspect.access"
export BENCH_ACCESS_TOKENS="$work/introspect.access"
reserve="$work/pool.refresh" # used from the top, line by line
reserve_used=0
: >"$work/refresh-carry"
log "seeded $clients clients, $access_tokens access tokens to introspect, a reserve of $pool_got refresh tokens"

# ---------------------------------------------------------------------------------------------
# The revoker: once a second until $1 (ms), each time by the next of the revoker clients, appends "ms<TAB>revoke status<TAB>revoke ms<TAB>bad"
# to $2, bad being 1 when the token could not be issued, the revocation did not answer 200 or the
# token was still active after it.

revoker() {
  local until="$1" out="$2" ids=() secrets=() turn=0 id secret next token answer code seconds active bad now
  while IFS="$(printf '\t')" read -r id secret _; do ids+=("$id"); secrets+=("$secret"); done <"$revokers_file"
  next=$(now_ms)
  while [ "$(now_ms)" -lt "$until" ]; do
    code=0 seconds=0 bad=1
    id="${ids[turn % ${#ids[@]}]}" secret="${secrets[turn % ${#ids[@]}]}"
    turn=$(( turn + 1 ))
    token="$(curl -s --max-time 5 -u "$id:$secret" -d grant_type=client_credentials "$latchkey_url/oauth2/token" \
      | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')" || true
    if [ -n "$token" ]; then
      answer="$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 5 -u "$id:$secret" \
        -d "token=$token&token_type_hint=access_token" "$latchkey_url/oauth2/revoke")" || true
      code="${answer%% *}" seconds="${answer#* }"
      active="$(curl -s --max-time 5 -H "X-API-Key: $admin_key" -d "token=$token" "$latchkey_url/oauth2/introspect")" || true
      case "$active" in *'"active":false'*) [ "$code" != 200 ] || bad=0 ;; esac
    fi
    printf '%s\t%s\t%s\t%s\n' "$(now_ms)" "$code" "$(awk -v s="$seconds" 'BEGIN { printf "%.2f", s * 1000 }')" "$bad" >>"$out"
    next=$(( next + 1000 ))
    now=$(now_ms)
    if [ "$next" -gt "$now" ]; then
      sleep "$(awk -v ms=$(( next - now )) 'BEGIN { printf "%.3f", ms / 1000 }')"
    else
      next="$now" # behind (a slow answer): the next one at once, not a burst to catch up
    fi
  done
}

# ---------------------------------------------------------------------------------------------
# One slice: the four wrk loads for 60 s at once; then the samples.

# minute, load, req/s, p50 ms, p99 ms, errors (wrk's non-2xx and socket errors, plus dry requests)
loads_tsv="$work/loads.tsv"
# minute, load1 at the start, VmRSS MB, VmHWM MB, heap after GC MB, threads, open files, start ms, end ms
samples_tsv="$work/samples.tsv"
: >"$loads_tsv"
: >"$samples_tsv"
slice_seconds=60
LOADS="token refresh introspect admin"

load_script() {
  case "$1" in
    token) echo token_basic.lua ;;
    refresh) echo soak_refresh.lua ;;
    introspect) echo introspect.lua ;;
    admin) echo admin_churn.lua ;;
  esac
}

# The refresh pool of minute $1 (sets pool; not in a subshell, which would lose reserve_used): the
# tokens the last slice left unsent, topped up from the reserve. A token is never handed out twice:
# presenting a used one again is reuse, which revokes its whole family (SPEC §3).
refresh_pool() {
  local have want
  pool="$work/refresh-$1"
  cp "$work/refresh-carry" "$pool"
  have=$(wc -l <"$pool")
  want=$(( refresh_start - have ))
  if [ "$want" -gt 0 ]; then
    sed -n "$(( reserve_used + 1 )),$(( reserve_used + want ))p" "$reserve" >>"$pool"
    reserve_used=$(( reserve_used + want ))
  fi
}

# Heap used after a full collection, in MB: the sum of the generations' (or G1's heap's) "used".
heap_after_gc_mb() {
  timeout 60 "$jcmd" "$latchkey_pid" GC.run >/dev/null 2>&1 || { echo "?"; return; }
  timeout 60 "$jcmd" "$latchkey_pid" GC.heap_info 2>/dev/null | awk '
    /(generation|heap) +total [0-9]+K, used [0-9]+K/ {
      for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K.*/, "", v); used += v; found = 1 }
    }
    END { if (found) printf "%.1f", used / 1024; else print "?" }'
}

run_slice() {
  local minute="$1" load pid conns out started ended rss hwm heap threads_now fds
  started=$(now_ms)
  slice_pids=""
  refresh_pool "$minute"
  for load in $LOADS; do
    conns="$connections"
    [ "$load" != admin ] || conns="$admin_connections"
    out="$work/wrk-$minute-$load.out"
    BENCH_POOL="$pool" BENCH_POOL_OUT="$work/refresh-carry" \
      timeout $(( slice_seconds + 60 )) wrk -t"$threads" -c"$conns" -d"${slice_seconds}s" --timeout 5s \
      -s "$wrk_dir/$(load_script "$load")" "$latchkey_url" >"$out" 2>&1 &
    slice_pids="$slice_pids $!"
  done
  for pid in $slice_pids; do wait "$pid" || true; done
  slice_pids=""
  ended=$(now_ms)
  for load in $LOADS; do
    awk -v m="$minute" -v l="$load" '/^BENCH / {
        for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        errors = v["status"] + v["connect"] + v["read"] + v["write"] + v["timeout"] + v["dry"]
        printf "%s\t%s\t%.0f\t%.2f\t%.2f\t%d\n", m, l, v["requests"] / (v["duration_us"] / 1e6), v["p50_us"] / 1000, v["p99_us"] / 1000, errors
        found = 1
      }
      END { if (!found) printf "%s\t%s\t0\t0\t0\t-1\n", m, l }' "$work/wrk-$minute-$load.out" >>"$loads_tsv"
  done
  kill -0 "$latchkey_pid" 2>/dev/null || { tail -n 30 "$work/latchkey.log" >&2; die "Latchkey is gone (minute $minute)"; }
  rss="$(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$latchkey_pid/status")"
  hwm="$(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$latchkey_pid/status")"
  threads_now="$(awk '/^Threads:/ { print $2 }' "/proc/$latchkey_pid/status")"
  fds="$(find "/proc/$latchkey_pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)"
  heap="$(heap_after_gc_mb)"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$minute" "$slice_load" "$rss" "$hwm" "$heap" "$threads_now" "$fds" \
    "$started" "$ended" >>"$samples_tsv"
}

# The revocations of a minute (between its start and the next minute's): count, bad, p99 ms.
revocations_of() {
  awk -F'\t' -v from="$1" -v to="$2" '$1 >= from && $1 < to { n++; bad += $4; ms[n] = $3 + 0 }
    END {
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (ms[j] < ms[i]) { t = ms[i]; ms[i] = ms[j]; ms[j] = t }
      k = int(n * 0.99 + 0.999); if (k < 1) k = 1
      printf "%d\t%d\t%.2f\n", n, bad, n ? ms[k] : 0
    }' "$work/revocations.tsv"
}

minute_line() {
  local minute="$1" from="$2" to="$3"
  awk -F'\t' -v m="$minute" '$1 == m { printf "  %s %s req/s p99 %s ms%s", $2, $3, $5, $6 != 0 ? " errors " $6 : "" }' "$loads_tsv"
  revocations_of "$from" "$to" | awk -F'\t' '{ printf "  revoke %d (bad %d) p99 %s ms", $1, $2, $3 }'
}

log "mixed load for $minutes minute(s): token, refresh and introspection at $connections connections each, admin at $admin_connections, $threads wrk thread(s) each, a revocation a second"
soak_started=$(now_ms)
: >"$work/revocations.tsv"
revoker $(( soak_started + minutes * (slice_seconds + 15) * 1000 )) "$work/revocations.tsv" &
revoker_pid=$!
for minute in $(seq 1 "$minutes"); do
  slice_load="$(load1)"
  run_slice "$minute"
  sample="$(tail -n 1 "$samples_tsv")"
  from="$(echo "$sample" | cut -f8)"
  log "minute $minute/$minutes: load $slice_load  RSS $(echo "$sample" | cut -f3) MB (HWM $(echo "$sample" | cut -f4))  heap after GC $(echo "$sample" | cut -f5) MB  threads $(echo "$sample" | cut -f6)  fds $(echo "$sample" | cut -f7)$(minute_line "$minute" "$from" "$(now_ms)")"
done
stop_process "$revoker_pid"
revoker_pid=""
soak_minutes=$(( ($(now_ms) - soak_started + 30000) / 60000 ))
uptime_end="$(uptime)"
latchkey_rss_mb="$(peak_rss_mb "$latchkey_pid")"
server_errors="$(grep -c -E '"level":"ERROR"|\bERROR\b|OutOfMemoryError' "$work/latchkey.log" || true)"
stop_process "$latchkey_pid"
latchkey_pid=""

# ---------------------------------------------------------------------------------------------
# Report.

# Each minute's row: samples, then per load req/s, p99, errors, then the revocations.
rows_tsv="$work/rows.tsv"
: >"$rows_tsv"
while IFS="$(printf '\t')" read -r minute load rss hwm heap threads_now fds from _; do
  next_from="$(awk -F'\t' -v m=$(( minute + 1 )) '$1 == m { print $8 }' "$samples_tsv")"
  [ -n "$next_from" ] || next_from=$(( from + 3600000 ))
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s' "$minute" "$load" "$rss" "$hwm" "$heap" "$threads_now" "$fds"
  for l in $LOADS; do
    awk -F'\t' -v m="$minute" -v l="$l" '$1 == m && $2 == l { printf "\t%s\t%s\t%s", $3, $5, $6 }' "$loads_tsv"
  done
  printf '\t%s\n' "$(revocations_of "$from" "$next_from")"
done <"$samples_tsv" >"$rows_tsv"
# columns: 1 minute, 2 load, 3 RSS, 4 HWM, 5 heap, 6 threads, 7 fds, then token 8-10, refresh 11-13,
# introspect 14-16, admin 17-19 (req/s, p99, errors), revocations 20 count, 21 bad, 22 p99

table="$work/table.md"
{
  echo "| min | load | RSS MB | HWM MB | heap after GC MB | threads | fds | token req/s | p99 ms | err | refresh req/s | p99 ms | err | introspect req/s | p99 ms | err | admin req/s | p99 ms | err | revocations | bad | p99 ms |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  awk -F'\t' '{ line = "|"; for (i = 1; i <= NF; i++) line = line " " $i " |"; print line }' "$rows_tsv"
} >"$table"

# Early and late minutes: minute 1 is the warm-up, left out when there are more than two; then
# the first k and the last k minutes, k a tenth of the run (1 to 3), by their medians.
k=$(( minutes / 10 )); [ "$k" -ge 1 ] || k=1; [ "$k" -le 3 ] || k=3
first=1; [ "$minutes" -le 2 ] || first=2
[ $(( first + k - 1 )) -le "$minutes" ] || k=1
early_to=$(( first + k - 1 ))
late_from=$(( minutes - k + 1 ))
[ "$late_from" -gt "$early_to" ] || late_from="$minutes"
median_col() { # column, from minute, to minute
  awk -F'\t' -v c="$1" -v a="$2" -v b="$3" '$1 >= a && $1 <= b && $c != "?" { v[++n] = $c + 0 }
    END {
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
      if (!n) print "?"; else print n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    }' "$rows_tsv"
}
verdict_tsv="$work/verdict.tsv"
: >"$verdict_tsv"
judge() { # name, column, tolerance %, floor (absolute growth that counts as flat)
  local early late
  early="$(median_col "$2" "$first" "$early_to")"
  late="$(median_col "$2" "$late_from" "$minutes")"
  awk -v n="$1" -v e="$early" -v l="$late" -v t="$3" -v f="$4" 'BEGIN {
      if (e == "?" || l == "?") { printf "%s\t?\t?\t—\tnot measured\n", n; exit }
      growth = e > 0 ? 100 * (l - e) / e : 0
      ok = l <= e * (1 + t / 100) || l - e <= f
      printf "%s\t%s\t%s\t%+.0f %%\t%s\n", n, e, l, growth, ok ? "flat" : "grew"
    }' >>"$verdict_tsv"
}
judge "RSS (MB)" 3 "$tolerance" 16
judge "heap after GC (MB)" 5 "$tolerance" 8
judge "token p99 (ms)" 9 "$p99_tolerance" 1
judge "refresh p99 (ms)" 12 "$p99_tolerance" 1
judge "introspect p99 (ms)" 15 "$p99_tolerance" 1
judge "admin p99 (ms)" 18 "$p99_tolerance" 1
judge "revoke p99 (ms, curl)" 22 "$p99_tolerance" 1
errors_total="$(awk -F'\t' '{ for (i = 10; i <= 19; i += 3) if ($i > 0) e += $i; e += $21 } END { print e + 0 }' "$rows_tsv")"
if grep -q -P '\t(grew|not measured)$' "$verdict_tsv"; then verdict="not flat"; else verdict="flat"; fi

commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git -C "$root" status --porcelain -- server core store-jdbc 2>/dev/null)" ]; then commit="$commit (with uncommitted changes)"; fi
report="$work/soak.md"
{
  echo "# Latchkey soak, $(date -u +'%Y-%m-%d %H:%M UTC')"
  echo
  echo "- \`$command_line\`: $minutes one-minute slices ($soak_minutes minutes in all, with the samples between slices); commit $commit"
  echo "- $java_version, $java_runtime; JVM options: ${java_opts:-none}${archive_opts:+, and a class-data archive}; embedded SQLite (WAL, synchronous=FULL) on a fresh data dir"
  echo "- machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), $(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) memory; uptime at start: $uptime_start; at the end: $uptime_end"
  echo "- loads, at once, each its own $wrk_version -t$threads: token = client_credentials POST /oauth2/token (Basic, $clients clients) and refresh = refresh_token POST /pipeline/oauth2 (each answer's token used next) and introspect = POST /oauth2/introspect ($access_tokens live access tokens), $connections connections each; admin = POST /admin/clients then DELETE of it, $admin_connections connections; a revocation a second (a token issued to one of 10 clients in turn, POST /oauth2/revoke by it, then introspected: bad if not 200 or still active; its p99 is curl's time for the revocation)"
  echo "- each minute: RSS and HWM from /proc/<pid>/status, heap after GC from jcmd GC.run then GC.heap_info, threads and open files; load = the 1-minute load average at the start of the minute; err = non-2xx answers and socket errors of that minute"
  echo "- flat: early = median of minutes $first–$early_to, late = median of minutes $late_from–$minutes; RSS and heap after GC within $tolerance % (or 16 / 8 MB), p99 within $p99_tolerance % (or 1 ms)"
  echo
  cat "$table"
  echo
  echo "| measure | early | late | change | |"
  echo "| --- | ---: | ---: | ---: | --- |"
  awk -F'\t' '{ printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5 }' "$verdict_tsv"
  echo
  echo "- verdict: **$verdict**; errors in all: $errors_total; peak RSS (VmHWM) $latchkey_rss_mb MB; lines of the server's log at ERROR: $server_errors"
} >"$report"

mkdir -p "$results_dir"
cp "$report" "$results_dir/soak.md"
echo
cat "$report"
echo
log "verdict: $verdict; written to $results_dir/soak.md"
