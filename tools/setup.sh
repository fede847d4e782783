#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian/Ubuntu machine:
#   - the npm packages from the lockfile (all that `npm run preview` needs);
#   - the current Prometheus and Alertmanager (prometheus, promtool, alertmanager, amtool), built from their Go
#     modules at the versions pinned in tools/versions.json and cached by version, so a warm machine pays nothing;
#   - the oldest supported ones, Debian 12's `prometheus` and `prometheus-alertmanager`, for the compatibility checks;
#   - Debian's `chromium`, for the sandbox page's browser test.
#
#   ./tools/setup.sh              everything (what `npm test` needs)
#   ./tools/setup.sh --npm-only   the npm packages alone (what `npm run preview` needs)
#
# BILLING_PROMETHEUS_VERSION / BILLING_ALERTMANAGER_VERSION build (and, set the same way for `npm test`, select)
# another release than the pinned current one. BILLING_TOOLS_CACHE moves the cache (default ~/.cache/billing-monitoring).
set -euo pipefail
cd "$(dirname "$0")/.."

npm_only=false
for arg in "$@"; do
  case "$arg" in
    --npm-only) npm_only=true ;;
    -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup: unknown option $arg (allowed: --npm-only, --help)" >&2; exit 2 ;;
  esac
done

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-fund --no-audit
fi
$npm_only && exit 0

# Debian packages: the oldest supported servers and their checkers, and the browser the page test drives.
declare -A package_of=([/usr/bin/promtool]=prometheus [/usr/bin/prometheus]=prometheus [/usr/bin/amtool]=prometheus-alertmanager [/usr/bin/prometheus-alertmanager]=prometheus-alertmanager [/usr/bin/chromium]=chromium)
packages=()
for file in "${!package_of[@]}"; do
  if [ ! -x "$file" ] && [[ " ${packages[*]} " != *" ${package_of[$file]} "* ]]; then packages+=("${package_of[$file]}"); fi
done
if [ ${#packages[@]} -gt 0 ]; then
  echo "setup: installing Debian packages ${packages[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

# The current servers, from Go modules. Written by hand rather than `go install module/cmd@version`: Alertmanager's
# module embeds its web UI from ui/app/dist, which only its release tarball holds, so the module is built from a
# copy with a placeholder page there (the API, all the tests use, is unaffected); and both need the version stamped
# in (-X .../common/version.Version) so that --version and /api/v1/status/buildinfo report it, as release builds do.
exec node tools/build-servers.js
