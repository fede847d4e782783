#!/usr/bin/env bash
# CI: writes the cluster credentials from the KUBECONFIG_DATA secret to a file only this user can read, and points
# the job's later steps at it (KUBECONFIG in $GITHUB_ENV). Never prints them.
set -euo pipefail

if [ -z "${KUBECONFIG_DATA:-}" ]; then
  echo "kubeconfig: the secret KUBECONFIG_DATA is empty or not set; add the cluster's kubeconfig as a secret of this repository (or of the job's environment)" >&2
  exit 1
fi
: "${RUNNER_TEMP:?RUNNER_TEMP is not set (this script runs in a GitHub Actions job)}"
: "${GITHUB_ENV:?GITHUB_ENV is not set (this script runs in a GitHub Actions job)}"

file="$RUNNER_TEMP/kubeconfig"
(umask 077 && printf '%s\n' "$KUBECONFIG_DATA" > "$file")
echo "KUBECONFIG=$file" >> "$GITHUB_ENV"
echo "kubeconfig: written to $file (mode 600)"
