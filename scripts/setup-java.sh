#!/usr/bin/env bash
# What the Spark source test needs (tests/test_sources.py): a Java 17+ runtime for PySpark's JVM.
# Installs Debian's openjdk-17-jre-headless when `java` is missing or older; quick when it is there.
# A step that cannot be done is said and skipped: the test then skips (or fails with
# CUSTSEG_REQUIRE_SPARK=1, as scripts/test sets) saying Java is missing.
set -uo pipefail

major() {
  java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1
}

if command -v java >/dev/null 2>&1 && [ "$(major)" -ge 17 ] 2>/dev/null; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing openjdk-17-jre-headless (Debian package) for the Spark source test…" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless; } \
    >/tmp/custseg-java-apt.log 2>&1 ||
    echo "Could not install openjdk-17-jre-headless (see /tmp/custseg-java-apt.log); the Spark test will say so." >&2
else
  echo "Java 17+ is missing: install it (apt-get install openjdk-17-jre-headless) for the Spark source test." >&2
fi
