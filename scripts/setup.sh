#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian/Ubuntu machine: Prometheus and Alertmanager (for promtool,
# amtool and the end-to-end tests) from the distribution, and the npm packages from the lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for tool in promtool prometheus amtool prometheus-alertmanager; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing prometheus and prometheus-alertmanager (missing: ${missing[*]})"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends prometheus prometheus-alertmanager >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-fund --no-audit
fi
