#!/usr/bin/env bash
# Checks the package as npm would publish it: what the tarball holds, its types (arethetypeswrong), and
# what `npm i` of it brings into an empty folder. Run after `npm run build`; prints the install sizes.
#   bash scripts/check-package.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$root"

npm pack --dry-run --json > "$work/dry.json" 2>/dev/null
tgz="$(npm pack --pack-destination "$work" --silent | tail -1)"
tarball="$work/$tgz"
echo "package: $tgz ($(du -k "$tarball" | cut -f1) KiB packed)"

# What the tarball holds: dist, the sources the maps point at, the papers; nothing else.
node - "$work/dry.json" <<'NODE'
const [{ files, entryCount, unpackedSize }] = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
const paths = new Set(files.map((f) => f.path));
const bad = [];
for (const p of paths) {
  if (!/^(dist\/|src\/|package\.json$|README\.md$|LICENSE$)/.test(p)) bad.push(`unexpected file ${p}`);
  if (p.endsWith('.map')) {
    // Every source map must point at a file that ships.
    const map = JSON.parse(require('fs').readFileSync(p, 'utf8'));
    for (const s of map.sources) {
      const target = require('path').posix.normalize(require('path').posix.join(require('path').posix.dirname(p), map.sourceRoot || '', s));
      if (!paths.has(target) && !map.sourcesContent) bad.push(`${p} points at ${target}, which is not in the package`);
    }
  }
}
for (const need of ['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/telemetry/index.js', 'dist/cli/main.js'])
  if (!paths.has(need)) bad.push(`missing ${need}`);
if (bad.length) { console.error(bad.join('\n')); process.exit(1); }
console.log(`tarball: ${entryCount} files, ${(unpackedSize / 1024).toFixed(0)} KiB unpacked; every source map resolves`);
NODE

# Types as consumers resolve them (ESM only: no CommonJS entry is offered, so the esm-only profile).
npx --no-install attw "$tarball" --profile esm-only --format table-flipped

# A user's `npm i invocation-metrics`: @opentelemetry/api and nothing else that is not optional.
mkdir -p "$work/user" && cd "$work/user" && echo '{ "name": "user", "private": true, "type": "module" }' > package.json
npm i --no-audit --no-fund --loglevel=error "$tarball" > /dev/null
node -e '
const fs = require("fs");
const found = [];
for (const e of fs.readdirSync("node_modules")) {
  if (e.startsWith(".")) continue;
  if (e.startsWith("@")) for (const s of fs.readdirSync(`node_modules/${e}`)) found.push(`${e}/${s}`);
  else found.push(e);
}
const expected = ["@opentelemetry/api", "invocation-metrics"];
if (JSON.stringify(found.sort()) !== JSON.stringify(expected)) {
  console.error(`npm i of the tarball brought ${found.join(", ")}; expected only ${expected.join(", ")}`);
  process.exit(1);
}'
size() { du -sk node_modules | cut -f1; }
core="$(size)"
echo "install: npm i invocation-metrics -> node_modules $core KiB (@opentelemetry/api + the package)"
node --input-type=module -e '
import { createTelemetry } from "invocation-metrics/telemetry";
try { await createTelemetry(); process.exit(1); } catch (e) { if (e.code !== "ERR_MISSING_PEER_DEPENDENCY") throw e; console.log(`createTelemetry() without the SDK: ${e.message}`); }'
npm i --no-audit --no-fund --loglevel=error @opentelemetry/sdk-metrics@^3 @opentelemetry/resources@^3 @opentelemetry/exporter-prometheus@'>=0.300.0 <0.400.0' > /dev/null
prom="$(size)"
echo "install: + the Prometheus part (sdk-metrics, resources, exporter-prometheus) -> $prom KiB (+$((prom - core)) KiB)"
npm i --no-audit --no-fund --loglevel=error @opentelemetry/exporter-metrics-otlp-proto@'>=0.300.0 <0.400.0' > /dev/null
otlp="$(size)"
echo "install: + the OTLP part (exporter-metrics-otlp-proto) -> $otlp KiB (+$((otlp - prom)) KiB)"
npm i --no-audit --no-fund --loglevel=error @opentelemetry/sdk-trace@^3 @opentelemetry/exporter-trace-otlp-proto@'>=0.300.0 <0.400.0' > /dev/null
traces="$(size)"
echo "install: + the traces part of createTracing() (sdk-trace, exporter-trace-otlp-proto) -> $traces KiB (+$((traces - otlp)) KiB)"
npm i --no-audit --no-fund --loglevel=error @opentelemetry/sdk-logs@^3 @opentelemetry/exporter-logs-otlp-proto@'>=0.300.0 <0.400.0' > /dev/null
logs="$(size)"
echo "install: + the logs part of createTelemetry({ logs }) (sdk-logs, exporter-logs-otlp-proto) -> $logs KiB (+$((logs - traces)) KiB)"
node --input-type=module -e '
import { createTelemetry } from "invocation-metrics/telemetry";
const t = await createTelemetry({ prometheus: { port: 0 }, otlp: { url: "http://127.0.0.1:9/v1/metrics", intervalMs: 3600000 } });
const body = await (await fetch(t.prometheusUrl)).text();
if (!body.includes("target_info")) throw new Error("the endpoint served no target_info");
await t.meterProvider.forceFlush().catch(() => {});
await Promise.race([t.shutdown().catch(() => {}), new Promise((r) => setTimeout(r, 2000))]);
console.log("createTelemetry() with the SDK installed: serves /metrics");
process.exit(0);'
