#!/usr/bin/env bash
# Installs the Debian packages of the given lists (one name a line, '#' comments) that are missing.
# Usage: scripts/install_packages.sh LIST...
set -euo pipefail
missing=()
for list in "$@"; do
  mapfile -t wanted < <(grep -v '^\s*#' "$list" | sed '/^\s*$/d')
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install_packages: installing ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
