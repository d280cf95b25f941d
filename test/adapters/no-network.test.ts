/** The guard the adapter tests rely on to prove that a framework sent nothing: it must catch what it claims to. */
import net from 'node:net';
import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { guardNetwork } from '../helpers/no-network.js';

describe('guardNetwork', () => {
  it('fails and remembers fetch and socket connections to other hosts, lets loopback through, and restores', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const [fetchBefore, connectBefore] = [globalThis.fetch, net.Socket.prototype.connect];
    const guard = guardNetwork();
    expect(globalThis.fetch).not.toBe(fetchBefore);
    try {
      await expect(fetch('https://example.com/')).rejects.toThrow('no network in tests: fetch https://example.com/');
      expect(() => net.connect({ host: '192.0.2.1', port: 9 })).toThrow('no network in tests: connect 192.0.2.1');
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');
      expect(guard.attempts).toEqual(['fetch https://example.com/', 'connect 192.0.2.1']);
    } finally {
      guard.restore();
      await new Promise((resolve) => server.close(resolve));
    }
    expect([globalThis.fetch, net.Socket.prototype.connect]).toEqual([fetchBefore, connectBefore]);
  });
});
