#!/usr/bin/env bash
# Issues #4 and #19's measurement in one command: the token, refresh, introspection, check and
# admin rows on an empty store and on a large one (by default 1,000,000 clients, 5,000,000
# consumed refresh tokens, 10,000 APIs, 5,000,000 API grants, 1,000,000 live revoked access tokens
# and 1,000,000 webhook deliveries), on the embedded SQLite store and on PostgreSQL, and the
# large ÷ empty ratios.
#
#   bench/large-store.sh                                 # 4 runs of bench/run.sh, about an hour
#   bench/large-store.sh --stores sqlite --clients 100000 --refresh 500000   # a smaller look
#   bench/large-store.sh -- --jdk /usr/lib/jvm/temurin-25-jdk-amd64          # options for run.sh
#
# Each run is bench/run.sh --only SCENARIOS --starts 1 with the --seed-* options for the large
# store (and --postgres); their reports stay in
# bench/results/large-store/, the table is printed and written to bench/results/large-store.md.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
results="$root/bench/results"

clients=1000000
refresh=5000000
apis=10000
grants=5000000
revocations=1000000
deliveries=1000000
scenarios="token_basic,token_resource,pipeline_refresh,introspect,check,admin_create"
duration=10
warmup=5
stores="sqlite postgres"
pass=()

usage() {
  cat <<EOF
usage: bench/large-store.sh [options] [-- run.sh options]
  --clients N     clients in the large store (default $clients)
  --refresh N     consumed refresh tokens in the large store (default $refresh; plus N/100 revoked families)
  --apis N        registered APIs in the large store (default $apis)
  --grants N      API grants to its clients (default $grants)
  --revocations N live revoked access tokens (default $revocations)
  --deliveries N  finished webhook deliveries (default $deliveries)
  --scenarios a,b bench/run.sh scenarios measured (default $scenarios)
  --duration S    seconds measured per row (default $duration)
  --warmup S      seconds of warm-up per row (default $warmup)
  --stores "A B"  sqlite, postgres or both (default "$stores")
EOF
}

while [ $# -gt 0 ]; do
  case "$1" in
    --clients) clients="$2"; shift 2 ;;
    --refresh) refresh="$2"; shift 2 ;;
    --apis) apis="$2"; shift 2 ;;
    --grants) grants="$2"; shift 2 ;;
    --revocations) revocations="$2"; shift 2 ;;
    --deliveries) deliveries="$2"; shift 2 ;;
    --scenarios) scenarios="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --stores) stores="$2"; shift 2 ;;
    --) shift; pass=("$@"); break ;;
    -h|--help) usage; exit 0 ;;
    *) echo "large-store: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
for s in $stores; do
  case "$s" in sqlite|postgres) ;; *) echo "large-store: unknown store '$s'" >&2; exit 2 ;; esac
done

log() { printf '%s large-store: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
out="$results/large-store"
mkdir -p "$out"
uptime_start="$(uptime)"
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)" # what the runs measure
started=$(date +%s)
log "uptime at start: $uptime_start"

for store in $stores; do
  flags=()
  [ "$store" = sqlite ] || flags+=(--postgres)
  for size in empty large; do
    seed=()
    [ "$size" = empty ] || seed=(--seed-clients "$clients" --seed-refresh "$refresh" --seed-apis "$apis"
      --seed-grants "$grants" --seed-revocations "$revocations" --seed-webhook-deliveries "$deliveries")
    log "$store, $size store"
    run_started=$(date +%s)
    "$root/bench/run.sh" --only "$scenarios" --starts 1 --duration "$duration" --warmup "$warmup" \
      --results "$out/$store-$size" "${flags[@]}" "${seed[@]}" "${pass[@]}"
    log "$store, $size store: $(( $(date +%s) - run_started )) s"
  done
done
uptime_end="$(uptime)"

label() {
  case "$1" in
    token_basic) echo "client_credentials /oauth2/token" ;;
    token_resource) echo "client_credentials with resource" ;;
    pipeline_refresh) echo "refresh_token /pipeline/oauth2" ;;
    introspect) echo "introspection" ;;
    check) echo "/oauth2/check" ;;
    admin_create) echo "create client (admin)" ;;
    *) echo "$1" ;;
  esac
}

# A field of a run's summary: store, size, scenario, connections, field (3 req/s, 4 p50, 5 p99,
# 6 errors, 9 ratio to the ceiling).
field() {
  awk -F'\t' -v s="$3" -v c="$4" -v f="$5" '$1 == s && $2 == c { print $f }' "$out/$1-$2/latest.tsv"
}

table="$out/table.md"
{
  echo "| store | scenario | conns | req/s empty | req/s large | ÷ | ÷ vs ceiling | p50 ms empty | p50 ms large | ÷ | p99 ms empty | p99 ms large | ÷ | errors |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for store in $stores; do
    for scenario in ${scenarios//,/ }; do
      for conns in $(cut -f2 "$out/$store-empty/latest.tsv" | sort -un | grep -vx 8); do
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
          "$(field "$store" empty "$scenario" "$conns" 3)" "$(field "$store" large "$scenario" "$conns" 3)" \
          "$(field "$store" empty "$scenario" "$conns" 9)" "$(field "$store" large "$scenario" "$conns" 9)" \
          "$(field "$store" empty "$scenario" "$conns" 4)" "$(field "$store" large "$scenario" "$conns" 4)" \
          "$(field "$store" empty "$scenario" "$conns" 5)" "$(field "$store" large "$scenario" "$conns" 5)" \
          "$(field "$store" empty "$scenario" "$conns" 6)" "$(field "$store" large "$scenario" "$conns" 6)" "$conns" \
        | awk -F'\t' -v store="$store" -v name="$(label "$scenario")" '
            function r(a, b) { return a > 0 ? sprintf("%.2f", b / a) : "—" }
            { printf "| %s | %s | %s | %s | %s | %s | %s | %.2f | %.2f | %s | %.2f | %.2f | %s | %d / %d |\n",
                store, name, $11, $1, $2, r($1, $2), r($3, $4), $5, $6, r($5, $6), $7, $8, r($7, $8), $9, $10 }'
      done
    done
  done
} >"$table"

report="$results/large-store.md"
{
  echo "# Latchkey on a large store, $(date -u +'%Y-%m-%d %H:%M UTC')"
  echo
  echo "- \`bench/large-store.sh --clients $clients --refresh $refresh --apis $apis --grants $grants --revocations $revocations --deliveries $deliveries --scenarios $scenarios --duration $duration --warmup $warmup --stores \"$stores\"${pass[*]:+ -- ${pass[*]}}\` on commit $commit, $(( ($(date +%s) - started + 30) / 60 )) minutes"
  echo "- empty: the 8 benchmark clients only; large: the same plus $clients clients, $refresh consumed refresh tokens, $(( refresh / 100 )) revoked families, $apis APIs, $grants API grants, $revocations live revoked access tokens and $deliveries webhook deliveries bulk-loaded before the server started"
  echo "- ÷: large ÷ empty (target: throughput ≥ 0.80, latency ≤ 1.20); ÷ vs ceiling: the same for the ratio to the ceiling measured just before each row, which cancels most of the machine's load changes between the runs"
  echo "- uptime at start: $uptime_start; at the end: $uptime_end"
  for store in $stores; do
    echo "- $store, large: $(sed -n 's/^- large store: //p' "$out/$store-large/latest.md")"
    if [ "$store" = postgres ]; then
      echo "- PostgreSQL's own durable single-row insert rate (pgbench -c 8): $(field postgres empty pg_insert 8 3) tx/s in the empty-store run, $(field postgres large pg_insert 8 3) tx/s in the large-store run"
    fi
  done
  echo
  cat "$table"
  echo
  echo "Each run's full report: \`bench/results/large-store/<store>-<empty|large>/latest.md\`."
} >"$report"
echo
cat "$report"
echo
log "written to $report"
