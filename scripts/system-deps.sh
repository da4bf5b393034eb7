#!/usr/bin/env bash
# Makes sure the Debian/Ubuntu packages named as arguments are installed, for the
# tests that need more than Node (python3-torch for examples/pytorch). Installs
# only what is missing, so a second run costs a dpkg query and nothing else;
# uses sudo when not root.  Usage: scripts/system-deps.sh PACKAGE...
set -euo pipefail
missing=()
for pkg in "$@"; do
  # dpkg-query prints "install ok installed" only for a package that is fully installed.
  if [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]; then
    missing+=("$pkg")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system-deps: $* already installed"
  exit 0
fi
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "system-deps: ${missing[*]} missing; run as root or install sudo" >&2; exit 1; }
  as_root=(sudo)
fi
echo "system-deps: installing ${missing[*]}"
"${as_root[@]}" apt-get update -qq
# Recommends would add compilers and headers (libtorch-dev, build-essential) that no test needs.
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
