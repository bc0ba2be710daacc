#!/usr/bin/env bash
# Installs code-server (a real VS Code 1.100 server + web workbench) from the npm registry into a cache folder,
# without GitHub access. Used by the e2e tests and `npm start`. Idempotent: exits early when already installed.
#
#   scripts/install-code-server.sh [DEST]      (default DEST: <repo>/.cache/code-server)
#
# Needs from apt: g++ make python3 libkrb5-dev ripgrep (see .ci/apt-packages.txt).
# Workarounds (see the vscode-e2e prototype report):
#   - npm_config_unsafe_perm=true: code-server's postinstall refuses to run as root without it.
#   - npm_config_yes=true: node-pty's postinstall runs `npx node-gyp`, which otherwise aborts without a TTY.
#   - @vscode/ripgrep downloads rg from api.github.com; we seed its download cache with Debian's /usr/bin/rg.
set -euo pipefail

VERSION=4.100.3
RIPGREP_PKG_VERSION=1.15.11          # pinned by code-server's npm-shrinkwrap
RIPGREP_TARBALL=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="${1:-$ROOT/.cache/code-server}"
BIN="$DEST/node_modules/.bin/code-server"
STAMP="$DEST/.installed-$VERSION"

if [[ -f "$STAMP" && -x "$BIN" ]]; then
  echo "code-server $VERSION already installed in $DEST"
  exit 0
fi

for tool in g++ make python3 rg; do
  command -v "$tool" >/dev/null || { echo "install-code-server: '$tool' is missing; install the apt packages in .ci/apt-packages.txt" >&2; exit 2; }
done
if ! [[ -f /usr/include/gssapi/gssapi.h || -f /usr/include/gssapi.h ]]; then
  echo "install-code-server: Kerberos headers are missing; apt-get install libkrb5-dev" >&2
  exit 2
fi

mkdir -p "$DEST"
# Our own TMPDIR so the seeded ripgrep cache is found and nothing else in /tmp matters.
export TMPDIR="$DEST/tmp"
rm -rf "$TMPDIR"
mkdir -p "$TMPDIR/vscode-ripgrep-cache-$RIPGREP_PKG_VERSION"
RGSTAGE="$TMPDIR/rg-stage"
mkdir -p "$RGSTAGE"
cp "$(command -v rg)" "$RGSTAGE/rg"
tar -C "$RGSTAGE" -czf "$TMPDIR/vscode-ripgrep-cache-$RIPGREP_PKG_VERSION/$RIPGREP_TARBALL" rg

# A private package root so the install never touches the project's package.json or lock file.
[[ -f "$DEST/package.json" ]] || echo '{ "name": "code-server-cache", "private": true }' > "$DEST/package.json"

export npm_config_unsafe_perm=true npm_config_yes=true npm_config_fund=false npm_config_audit=false
export npm_config_update_notifier=false
echo "installing code-server@$VERSION into $DEST (builds native modules; takes a few minutes)"
start=$(date +%s)
npm install --prefix "$DEST" --loglevel=error "code-server@$VERSION"
[[ -x "$BIN" ]] || { echo "install-code-server: $BIN missing after npm install" >&2; exit 1; }
# --version writes a default config.yaml under XDG_CONFIG_HOME: keep it out of $HOME.
XDG_CONFIG_HOME="$TMPDIR/xdg" XDG_DATA_HOME="$TMPDIR/xdg" "$BIN" --version | tail -1
rm -rf "$TMPDIR"
touch "$STAMP"
echo "code-server $VERSION installed in $(( $(date +%s) - start )) s"
