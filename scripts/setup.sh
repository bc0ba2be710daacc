#!/usr/bin/env bash
# One-time set-up on a fresh Debian/Ubuntu machine: the apt packages (listed once in .ci/apt-packages.txt:
# Chromium for the e2e tests, ripgrep and the build tools code-server's native modules need), the npm packages
# from the lock file, and code-server into .cache/code-server. Prints the time of each step. Safe to re-run.
#   bash scripts/setup.sh            (SKIP_APT=1 when the packages are already there or you have no sudo)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# onnxruntime-node (a dev dependency, for the native benchmark row) downloads CUDA binaries in its postinstall on
# linux/x64; its install script reads ONNXRUNTIME_NODE_INSTALL=skip (script/install-utils.js in 1.30), and the CPU
# binaries ship in the package. (An .npmrc key did the same but npm warns about unknown project config keys.)
export ONNXRUNTIME_NODE_INSTALL=skip
export DEBIAN_FRONTEND=noninteractive npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

step() {
  local name="$1"; shift
  echo "::: $name"
  local t0=$SECONDS
  "$@" </dev/null
  echo "::: $name: $(( SECONDS - t0 )) s"
}

apt_install() {
  local sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  # shellcheck disable=SC2046
  local pkgs=$(grep -v '^\s*#' .ci/apt-packages.txt | xargs)
  if dpkg -s $pkgs >/dev/null 2>&1; then echo "apt packages already installed: $pkgs"; return; fi
  $sudo apt-get update -q
  $sudo apt-get install -y -q --no-install-recommends $pkgs
}

npm_install() {
  # A complete node_modules for this lock file is kept (npm ci would delete and re-download it).
  if [[ -f node_modules/.package-lock.json && node_modules/.package-lock.json -nt package-lock.json ]]; then
    echo "node_modules is up to date with package-lock.json"
  else
    npm ci
  fi
}

[[ -n "${SKIP_APT:-}" ]] || step "apt packages" apt_install
step "npm ci" npm_install
step "code-server" bash scripts/install-code-server.sh
