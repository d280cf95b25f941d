// Peer of `invocation-metrics summarize`: the plain Node loop, readline + JSON.parse, counting records.
// It aggregates nothing: the floor of the obvious implementation.
import fs from 'node:fs';
import readline from 'node:readline';

let count = 0;
let tokens = 0;
for await (const line of readline.createInterface({ input: fs.createReadStream(process.argv[2]), crlfDelay: Infinity })) {
  if (line === '') continue;
  const r = JSON.parse(line);
  count++;
  tokens += r.tokens;
}
process.stdout.write(`${count} records, ${tokens} tokens\n`);
