#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian/Ubuntu machine: Prometheus and Alertmanager (for promtool,
# amtool and the end-to-end tests) and Chromium (the sandbox page's browser test) from the distribution, and the npm
# packages from the lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian package for each tool the tests run: the servers and their checkers, and the browser the page test drives.
declare -A package_of=([promtool]=prometheus [prometheus]=prometheus [amtool]=prometheus-alertmanager [prometheus-alertmanager]=prometheus-alertmanager [chromium]=chromium)
missing=()
packages=()
for tool in promtool prometheus amtool prometheus-alertmanager chromium; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    missing+=("$tool")
    [[ " ${packages[*]} " == *" ${package_of[$tool]} "* ]] || packages+=("${package_of[$tool]}")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${packages[*]} (missing: ${missing[*]})"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-fund --no-audit
fi
