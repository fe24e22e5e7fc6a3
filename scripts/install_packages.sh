#!/usr/bin/env bash
# Installs the Debian packages of the given lists (one name a line, '#' comments) that are missing.
# A package that another installed package provides counts as present (NodeSource's nodejs
# provides npm and conflicts with Debian's).
# Usage: scripts/install_packages.sh LIST...
set -euo pipefail
mapfile -t provided < <(dpkg-query -W -f='${db:Status-Abbrev} ${Provides}\n' 2>/dev/null |
                        sed -n 's/^ii *//p' | tr ',' '\n' | sed 's/(.*)//; s/[[:space:]]//g' | sed '/^$/d')
missing=()
for list in "$@"; do
  mapfile -t wanted < <(grep -v '^\s*#' "$list" | sed '/^\s*$/d')
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' && continue
    printf '%s\n' "${provided[@]}" | grep -qx -- "$p" || missing+=("$p")
  done
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install_packages: installing ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
