import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { isSupportedNode } from '../check-node.mjs';
import { StartError, startStack } from './stack';

describe('what npm start checks before it starts anything', () => {
  it('accepts the Node versions the README names and refuses older ones', () => {
    for (const version of ['20.19.0', '20.20.2', '22.12.0', '22.21.1', '24.1.0'])
      expect(isSupportedNode(version), version).toBe(true);
    for (const version of ['18.20.4', '20.9.0', '20.18.3', '21.7.3', '22.11.0'])
      expect(isSupportedNode(version), version).toBe(false);
  });

  it('refuses a busy port with one sentence, before any database or build', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const started = Date.now();
      const attempt = startStack({ port, databaseUrl: 'postgres://nobody@127.0.0.1:1/none', log: () => {} });
      await expect(attempt).rejects.toBeInstanceOf(StartError);
      await expect(attempt).rejects.toThrow(`port ${port} is already in use`);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      busy.close();
    }
  });
});
