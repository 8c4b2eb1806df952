/** A local HTTP server for download tests: 127.0.0.1, random port, scripted responses per path. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Answers one request; `hit` counts the requests to this path so far, from 1. */
export type Route = (response: ServerResponse, hit: number, request: IncomingMessage) => void;

export interface TestServer {
  readonly url: string;
  /** Requests received per path. */
  readonly hits: Map<string, number>;
  close(): Promise<void>;
}

export async function serve(routes: Readonly<Record<string, Route>>): Promise<TestServer> {
  const hits = new Map<string, number>();
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const hit = (hits.get(path) ?? 0) + 1;
    hits.set(path, hit);
    const route = routes[path];
    if (route === undefined) {
      response.writeHead(404).end('not found');
      return;
    }
    route(response, hit, request);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}

/** Serves the bytes whole, with their Content-Length. */
export function body(bytes: Uint8Array): Route {
  return (response) => {
    response.writeHead(200, { 'content-length': bytes.length, 'content-type': 'application/octet-stream' });
    response.end(bytes);
  };
}

/** Declares the full Content-Length but sends only the first `sent` bytes, then drops the connection. */
export function truncated(bytes: Uint8Array, sent: number): Route {
  return (response) => {
    response.writeHead(200, { 'content-length': bytes.length, 'content-type': 'application/octet-stream' });
    // The pause lets the client read what was sent before it sees the connection drop.
    response.write(bytes.subarray(0, sent), () => setTimeout(() => response.destroy(), 50));
  };
}

/** Serves `routes[hit - 1]` on the hit-th request (the last one from then on). */
export function sequence(...routes: Route[]): Route {
  return (response, hit, request) => routes[Math.min(hit, routes.length) - 1]!(response, hit, request);
}
