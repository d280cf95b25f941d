#!/usr/bin/env bash
# Installs chDB (ClickHouse in-process, the `chdb` npm package) into a side folder, for the tests and the
# benchmark of `invocation-metrics sql --dialect clickhouse`. Not a dependency of the package: its engine
# (a platform package, @chdb/lib-<os>-<arch>) is about 550 MB installed, too much for a plain `npm ci`.
#
#   scripts/install-chdb.sh            # into $IM_CHDB_DIR (default ~/.cache/invocation-metrics/chdb)
#
# The tests look for it there (test/sql/helpers/engines.ts); without it they are skipped with this command,
# and fail under REQUIRE_SERVERS=1 (as in CI).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="3.4.0"
dir="${IM_CHDB_DIR:-$HOME/.cache/invocation-metrics/chdb}"
mkdir -p "$dir"
if [[ -f "$dir/node_modules/chdb/package.json" ]] && grep -q "\"version\": \"$version\"" "$dir/node_modules/chdb/package.json"; then
  echo "chdb $version is installed in $dir"
  exit 0
fi
[[ -f "$dir/package.json" ]] || echo '{ "private": true, "description": "chDB for invocation-metrics tests (scripts/install-chdb.sh)" }' > "$dir/package.json"
"$root/scripts/with-node.sh" npm install --prefix "$dir" --no-audit --no-fund --no-save "chdb@$version"
echo "chdb $version is installed in $dir"
