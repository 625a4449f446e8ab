#!/usr/bin/env bash
# Summarises the CPU samples of a JFR recording (e.g. from bench/run.sh --jfr FILE):
#
#   bench/jfr-top.sh FILE [THREAD-PREFIX] [N]
#
# prints, over the jdk.ExecutionSample events of threads whose name starts with THREAD-PREFIX
# (default: every thread), the samples per thread, the N (default 25) hottest frames by self time
# (the top frame of each sample), and the N hottest by inclusive time (on the stack anywhere,
# counted once per sample) among methods of io.latchkey and of the libraries on the hot paths.
# Works with the jfr tool of JDK 17 and later; needs only awk.
set -euo pipefail
file="${1:?usage: bench/jfr-top.sh FILE [THREAD-PREFIX] [N]}"
prefix="${2:-}"
top="${3:-25}"
command -v jfr >/dev/null || { echo "jfr-top: the jfr tool of a JDK is needed on the PATH" >&2; exit 1; }

jfr print --stack-depth 256 --events jdk.ExecutionSample "$file" | awk -v prefix="$prefix" -v top="$top" '
  function flush(   f, seen, key) {
    if (!in_event || (prefix != "" && index(thread, prefix) != 1)) return
    total++; threads[thread]++
    if (nframes > 0) self[frames[1]]++
    for (f = 1; f <= nframes; f++) {
      key = frames[f]
      if (key ~ /^(io\.latchkey|com\.nimbusds|com\.fasterxml|io\.vertx\.ext\.web|org\.sqlite|javax\.crypto|sun\.security|java\.security|java\.util\.Base64|io\.netty\.handler\.codec\.http\.QueryStringDecoder)/ && !(key in seen)) {
        seen[key] = 1; inclusive[key]++
      }
    }
  }
  function report(title, counts,   n, k, i, j, t, keys) {
    n = 0
    for (k in counts) keys[++n] = k
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (counts[keys[j]] > counts[keys[i]]) { t = keys[i]; keys[i] = keys[j]; keys[j] = t }
    printf "\n%s\n", title
    for (i = 1; i <= n && i <= top; i++) printf "%6d %5.1f%%  %s\n", counts[keys[i]], 100 * counts[keys[i]] / total, keys[i]
  }
  /^jdk\.ExecutionSample/ { flush(); in_event = 1; nframes = 0; thread = ""; next }
  /sampledThread = / { thread = $0; sub(/.*sampledThread = "/, "", thread); sub(/".*/, "", thread); next }
  /^    [^ ]/ && in_event {
    frame = $0; sub(/^ +/, "", frame); sub(/ +line: .*/, "", frame)
    if (frame != "...") frames[++nframes] = frame
  }
  END {
    flush()
    if (total == 0) { print "no samples" (prefix == "" ? "" : " for threads starting with " prefix); exit }
    printf "%d samples%s\n", total, prefix == "" ? "" : " of threads starting with \"" prefix "\""
    report("samples per thread", threads)
    report("hottest frames, self", self)
    report("hottest Latchkey and library frames, inclusive", inclusive)
  }'
