#!/usr/bin/env bash
# JMH microbenchmarks for the per-packet costs (src/jmh/java, Maven profile `bench`).
#
#   bench/jmh.sh                      every benchmark, with the GC profiler (-prof gc)
#   bench/jmh.sh Checksum -f 1 -wi 2  JMH's own arguments: a regex of benchmarks, options
#   bench/jmh.sh -h                   JMH's help
#
# Builds with `mvn -Pbench test-compile` (the default build does not compile them), then runs
# org.openjdk.jmh.Main on target/jmh-build/{test-classes,classes} + the test classpath.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd -P)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
(cd "$here" && mvn -q -B -Pbench -DskipTests test-compile process-test-classes >&2)
build="$here/target/jmh-build"  # the profile's own build directory (pom.xml, profile bench)
cp="$build/test-classes:$build/classes:$(cat "$build/jmh.classpath")"
args=("$@")
if [ ${#args[@]} -eq 0 ]; then args=(-prof gc); fi
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" org.openjdk.jmh.Main "${args[@]}"
