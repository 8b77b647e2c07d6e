import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface Listening {
  server: Server;
  host: string;
  port: number;
  url: string;
  /** Stops accepting, lets requests in progress finish for up to `graceMs`, then drops the rest. */
  close(graceMs?: number): Promise<void>;
}

/** Listens on host:port (0 = a free port) and resolves once bound, or rejects (EADDRINUSE…). */
export function listen(app: Express, host: string, port: number): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      const bound = (server.address() as AddressInfo).port;
      const urlHost = host.includes(':') ? `[${host}]` : host;
      resolve({
        server,
        host,
        port: bound,
        url: `http://${urlHost}:${bound}`,
        close: (graceMs = 5_000) =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
            // Why a timer: a client holding a keep-alive request open must not block shutdown.
            const t = setTimeout(() => server.closeAllConnections(), graceMs);
            t.unref();
          }),
      });
    });
  });
}
