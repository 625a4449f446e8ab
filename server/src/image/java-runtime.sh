#!/usr/bin/env bash
# Lays out the container image's root file system beside the build (no base image is pulled):
# a jlink'ed Java runtime of the JDK building it, the shared libraries that it and the native
# libraries inside the server's jar link against (found with ldd), and the empty directories the
# server writes to.
#   java-runtime.sh OUTPUT_DIR SERVER_JAR
set -euo pipefail
out="$1"
jar="$(readlink -f "$2")"
rm -rf "$out"
mkdir -p "$out"
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"

# The modules the server and its dependencies use, as `jdeps --print-module-deps --multi-release 17
# --ignore-missing-deps server/target/latchkey.jar` lists them (jdk.management among them:
# Micrometer's process CPU and GC-pause meters need com.sun.management, and without it leave
# themselves out silently), plus jdk.crypto.ec: the ES256 provider, found through java.security at
# run time, which jdeps cannot see.
modules=java.base,java.compiler,java.desktop,java.management,java.naming,java.net.http,java.security.jgss,java.sql,jdk.jfr,jdk.management,jdk.unsupported,jdk.crypto.ec
"$java_home/bin/jlink" \
  --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=2 \
  --output "$out/opt/java"

# The native libraries that dependencies unpack and load at run time (SQLite's), for glibc on
# x86-64 or aarch64, whichever this machine is.
natives="$(mktemp -d)"
trap 'rm -rf "$natives"' EXIT
(cd "$natives" && "$java_home/bin/jar" xf "$jar" "org/sqlite/native/Linux/$(uname -m | sed 's/arm64/aarch64/')")

# The JDK's own libraries are in the runtime; the system's (libc, libz, libstdc++, the loader)
# are copied to the paths ldd resolved them at, symlinks followed. java.desktop is there for
# java.beans only: its windowing, font, image and sound libraries are never loaded by a headless
# server, so what they link against (X11, freetype, ALSA…) stays out.
find "$out/opt/java" "$natives" -type f \( -name '*.so' -o -path '*/bin/*' \) \
    ! -regex '.*/lib\(awt\|awt_xawt\|awt_headless\|splashscreen\|jsound\|fontmanager\|lcms\|javajpeg\|mlib_image\|jawt\)\.so' -print0 \
  | xargs -0 ldd 2>/dev/null \
  | grep -oE '/[^ ]+\.so[^ ]*' | grep -v "^$out" | grep -v "^$natives" | sort -u \
  | while read -r lib; do
      mkdir -p "$out$(dirname "$lib")"
      cp -L "$lib" "$out$lib"
    done

# Debian's JDK links its CA store to the system's; keep a real file in the image.
if [ -L "$out/opt/java/lib/security/cacerts" ]; then
  cp --remove-destination -L "$out/opt/java/lib/security/cacerts" "$out/opt/java/lib/security/cacerts"
fi

mkdir -p "$out/tmp" "$out/var/lib/latchkey"
