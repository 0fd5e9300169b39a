#!/usr/bin/env bash
# Installs the Debian packages the local stack needs (pg_cron, pgTAP, pg_prove) when missing.
# As root it installs them; otherwise it prints the exact command and fails.
set -euo pipefail
# SYSTEM_PACKAGES overrides the list (the tests use it to ask for a package that is missing).
read -r -a pkgs <<< "${SYSTEM_PACKAGES:-postgresql-15-cron postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl}"
missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
