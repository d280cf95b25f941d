// Time to serve GET /metrics at equal series: ours (createTelemetry's endpoint) vs prom-client (its
// registry served by node:http), after the same records. Scrapes are sequential, on 127.0.0.1.
//   node scrape.mjs <variant> <file> <records> <scrapes>
import { performance } from 'node:perf_hooks';
import http from 'node:http';
import { loadRecords, report } from './common.mjs';
import { promClient, promClientBest } from './peer-metrics.mjs';

const [variant, file, n, k] = process.argv.slice(2);
const records = loadRecords(file, Number(n));
// Many series: agents x phases x models x tiers x outcomes, as a large fleet exports.
const widen = (r, i) => ({ ...r, agent: `${r.agent}-${i % 25}` });

const get = (url) =>
  new Promise((resolve, reject) => {
    http.get(url, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        // Samples: lines that are not comments (HELP, TYPE) nor blank.
        const samples = body.toString('utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
        resolve({ bytes: body.length, samples });
      });
      res.on('error', reject);
    }).on('error', reject);
  });

let url;
let stop;
if (variant === 'ours') {
  const { createMirror } = await import('../../dist/otel/mirror.js');
  const telemetry = await (await import('../../dist/telemetry/index.js')).createTelemetry({ prometheus: { port: 0, host: '127.0.0.1' } });
  const mirror = createMirror({ telemetry, logger: { warn() {} }, maxAttributeValues: 1000 });
  records.forEach((r, i) => mirror.record(widen(r, i)));
  url = telemetry.prometheusUrl;
  stop = () => telemetry.shutdown();
} else if (variant === 'prom-client' || variant === 'prom-client-best') {
  // prom-client-best: the process's default registry, reused (see peer-metrics.mjs).
  const client = await import('prom-client');
  const registry = variant === 'prom-client' ? new client.Registry() : client.register;
  const record = variant === 'prom-client' ? promClient(client, registry) : promClientBest(client);
  records.forEach((r, i) => record(widen(r, i)));
  const server = http.createServer(async (req, res) => {
    const body = await registry.metrics();
    res.writeHead(200, { 'content-type': registry.contentType });
    res.end(body);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${server.address().port}/metrics`;
  stop = () => new Promise((r) => server.close(r));
} else throw new Error(`unknown variant ${variant}`);

const times = [];
let last;
for (let i = 0; i < Number(k); i++) {
  const t0 = performance.now();
  last = await get(url);
  times.push(performance.now() - t0);
}
await stop();
times.sort((a, b) => a - b);
report({ variant, medianMs: times[times.length >> 1], minMs: times[0], samples: last.samples, bytes: last.bytes });
