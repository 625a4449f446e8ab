# The JVM options Latchkey runs with, in one place: sourced by ./latchkey and by bench/run.sh so
# that the benchmark measures exactly what the launcher runs. Not executable on its own.
#
# LATCHKEY_DEFAULT_JAVA_OPTS  the defaults (a bounded heap: the JVM would otherwise take a quarter
#                             of the machine's memory and let the heap grow into it); options in
#                             LATCHKEY_JAVA_OPTS come after them, so a repeated option overrides
# latchkey_java_opts          prints the defaults followed by LATCHKEY_JAVA_OPTS
# latchkey_archive_opts JAVA JAR OPTS…
#                             prints the options that make JAVA start JAR from a class-data archive
#                             next to the jar, creating the archive first (once per jar and JDK) from
#                             a training run: `serve --exit-when-ready` on a throwaway SQLite store,
#                             which also writes sqlite-jdbc's native library next to the jar (then
#                             named by -Dorg.sqlite.lib.path/name). Prints nothing when neither
#                             could be made; never fails.

# The Tier4 thresholds (4× the JVM's: 20000 calls instead of 5000, …) let C2, the optimising
# compiler, wait until a method is hot for a while: at start-up it compiled hundreds of methods
# run only then (class loading, parsing, key generation), 0.5–0.7 s of a fresh start's 2.2–2.6 s
# of CPU. A method the server runs per request passes 20000 calls within seconds of load; until
# then C1's code runs it (docs/performance.md, start-up).
#
# Netty's JFR events stay off (io.netty.jfr.enabled=false): with them on, Netty's first buffer
# allocation made the JVM set up JFR's event metadata and generate a handler class per event,
# 50–60 ms of a fresh start's CPU on JDK 17, for events only a JFR recording would read. A
# recording of Netty's allocations can turn them back on with -Dio.netty.jfr.enabled=true in
# LATCHKEY_JAVA_OPTS.
LATCHKEY_DEFAULT_JAVA_OPTS="-Xmx128m -Xss512k -XX:+UseSerialGC -XX:Tier4InvocationThreshold=20000 \
-XX:Tier4MinInvocationThreshold=5000 -XX:Tier4CompileThreshold=60000 -XX:Tier4BackEdgeThreshold=160000 \
-Dio.netty.jfr.enabled=false"

latchkey_java_opts() {
  local user="${LATCHKEY_JAVA_OPTS:-}" defaults="$LATCHKEY_DEFAULT_JAVA_OPTS"
  # Two collectors on one command line stop the JVM: a collector chosen in LATCHKEY_JAVA_OPTS
  # replaces the default one.
  if [[ " $user " =~ [[:space:]]-XX:\+Use[A-Za-z0-9]*GC[[:space:]] ]]; then
    defaults="$(printf '%s\n' $defaults | grep -v -E '^-XX:\+Use[A-Za-z0-9]*GC$' | tr '\n' ' ')"
  fi
  echo $defaults $user
}

# The Java version of JAVA ("17.0.15"): from the JDK's release file, without starting a JVM;
# from `java -version` when there is none.
latchkey_java_version() {
  local java="$1" home version
  home="$(dirname "$(dirname "$(readlink -f "$(command -v "$java")")")")"
  version="$(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"$/\1/p' "$home/release" 2>/dev/null)"
  [ -n "$version" ] || version="$("$java" -version 2>&1 | sed -n '1s/^[^"]*"\([^"]*\)".*/\1/p')"
  echo "$version" | tr -c 'A-Za-z0-9.+_\n-' '_'
}

latchkey_archive_opts() {
  local java="$1" jar="$2" version major archive library create dump=() check use training status
  shift 2
  version="$(latchkey_java_version "$java")"
  major="${version%%[.+_-]*}"
  case "$major" in ''|*[!0-9]*) return 0 ;; esac
  [ "$major" -ge 17 ] || return 0
  if [ "$major" -ge 25 ]; then
    # JDK 25: an ahead-of-time cache (JEP 483/514): classes loaded and linked, plus profiles.
    archive="${jar%.jar}-$version.aot"
    create=(-XX:AOTCacheOutput="$archive.$$")
    check=(-XX:AOTCache="$archive.$$" -XX:AOTMode=on)
    use="-XX:AOTCache=$archive -Xlog:aot=off -Xlog:cds=off"
  else
    # JDK 17–24: a static AppCDS archive of the classes the training run loaded, the JDK's among
    # them, dumped by a second JVM (-Xshare:dump). A dynamic archive (-XX:ArchiveClassesAtExit)
    # was 50–60 ms slower to start from: it cannot hold picocli's classes (Java 5 class files),
    # which a static dump of JDK 17 can, nor the method-handle forms the classes list names.
    archive="${jar%.jar}-$version.jsa"
    create=(-XX:DumpLoadedClassList="$archive.$$.classes")
    dump=(-Xshare:dump -XX:SharedClassListFile="$archive.$$.classes" -XX:SharedArchiveFile="$archive.$$" -cp "$jar")
    check=(-XX:SharedArchiveFile="$archive.$$" -Xshare:on)
    use="-XX:SharedArchiveFile=$archive -Xshare:auto -Xlog:cds=off"
  fi
  # sqlite-jdbc's native library, written out of the jar by the training run: without it every
  # start copies it to the temporary directory and compares the copy byte by byte.
  library="${jar%.jar}-libsqlitejdbc.so"
  if [ ! -f "$archive" ] || [ "$jar" -nt "$archive" ] || [ ! -f "$library" ]; then
    echo "latchkey: creating the class-data archive for this jar and JDK (once; it makes start-up faster)…" >&2
    training="$(mktemp -d "${TMPDIR:-/tmp}/latchkey-training.XXXXXX")" || return 0
    # A throwaway embedded store on a free port, whatever the caller's environment configures.
    status=0
    (
      for name in $(compgen -e); do [[ "$name" == LATCHKEY_* ]] && unset "$name"; done
      exec "$java" "$@" "${create[@]}" -jar "$jar" serve --exit-when-ready \
        --copy-sqlite-library "$library.$$" \
        --host 127.0.0.1 --port 0 --data-dir "$training/data" >"$training/log" 2>&1
    ) || status=$?
    if [ "$status" = 0 ] && [ "${#dump[@]}" -gt 0 ]; then
      "$java" "$@" "${dump[@]}" >"$training/dump.log" 2>&1 || status=$?
    fi
    rm -f "$archive.$$.classes"
    # A damaged archive can crash the JVM that maps it (JDK 17 does not checksum it): one start
    # that must use it proves it before any real start does.
    if [ "$status" = 0 ] && [ -s "$archive.$$" ]; then
      "$java" "$@" "${check[@]}" -jar "$jar" version >/dev/null 2>&1 || status=$?
    fi
    if [ "$status" = 0 ] && [ -s "$archive.$$" ]; then
      mv -f "$archive.$$" "$archive"
      if [ -s "$library.$$" ]; then mv -f "$library.$$" "$library"; else : 2>/dev/null >"$library" || true; fi
    else
      # An empty archive: no second attempt until the jar changes, and no archive used.
      echo "latchkey: could not create the class-data archive (exit $status); starting without it" >&2
      rm -f "$archive.$$" "$library.$$"
      : 2>/dev/null >"$archive" || true
      : 2>/dev/null >"$library" || true
    fi
    rm -rf "$training"
  fi
  if [ -s "$archive" ]; then echo "$use"; fi
  if [ -s "$library" ]; then
    echo "-Dorg.sqlite.lib.path=$(dirname "$library") -Dorg.sqlite.lib.name=$(basename "$library")"
  fi
  return 0
}
