import type { IncomingMessage, ServerResponse } from 'node:http';
import { Gauge, Counter, Registry } from 'prom-client';

/** Prometheus figures of one live server; a registry per server, so two can share a process. */
export interface LiveMetrics {
  registry: Registry;
  connectedClients: Gauge;
  refusedHandshakes: Counter;
}

export function createLiveMetrics(): LiveMetrics {
  const registry = new Registry();
  return {
    registry,
    connectedClients: new Gauge({
      name: 'rum_ws_connected_clients',
      help: 'socket.io clients connected to this instance',
      registers: [registry],
    }),
    refusedHandshakes: new Counter({
      name: 'rum_ws_refused_handshakes_total',
      help: 'handshakes refused for a missing or invalid read token',
      registers: [registry],
    }),
  };
}

/**
 * `GET /health` (200 while both Redis clients are ready, 503 otherwise) and `GET /metrics`
 * (Prometheus). Returns false for any other request, which is left to other listeners.
 */
export function createHealthHandler(
  isRedisReady: () => boolean,
  metrics: LiveMetrics,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'GET') return false;
    const path = (req.url ?? '').split('?')[0];
    if (path === '/health') {
      const ready = isRedisReady();
      res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          status: ready ? 'ok' : 'degraded',
          redis: ready ? 'ready' : 'unavailable',
        }),
      );
      return true;
    }
    if (path === '/metrics') {
      metrics.registry.metrics().then(
        (body) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(body);
        },
        () => {
          res.writeHead(500).end();
        },
      );
      return true;
    }
    return false;
  };
}
