#!/usr/bin/env bash
# Installs what the JVM proof needs and prints the Kotlin compiler's folder: JNA and
# OkHttp from Debian (libjna-java, libokhttp-java) and kotlinc-jvm from the npm package kotlin-compiler, unpacked
# into the gitignored .cache/kotlin. A JDK 17 (java, javac) must be on the machine;
# it is installed from Debian (openjdk-17-jdk-headless) when missing. Safe to run again.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=2.4.20
cache="$root/.cache/kotlin"
need() { command -v "$1" >/dev/null 2>&1; }
apt_install() {
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup-jvm: $* missing and not root; install it with apt-get" >&2
    exit 1
  fi
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}
if ! need java || ! need javac; then apt_install openjdk-17-jdk-headless; fi
if [[ ! -f /usr/share/java/jna.jar || ! -f /usr/share/java/okhttp.jar || ! -f /usr/share/java/okio.jar ]]; then
  apt_install libjna-java libokhttp-java
fi
if [[ ! -x "$cache/package/bin/kotlinc-jvm" || ! -f "$cache/package/.version-$version" ]]; then
  if ! need npm; then apt_install npm; fi
  rm -rf "$cache"
  mkdir -p "$cache"
  (cd "$cache" && npm pack --silent "kotlin-compiler@$version" >&2 && tar xzf "kotlin-compiler-$version.tgz" && rm "kotlin-compiler-$version.tgz")
  chmod +x "$cache"/package/bin/*
  touch "$cache/package/.version-$version"
fi
echo "$cache/package"
