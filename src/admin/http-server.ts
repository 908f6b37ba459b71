// The control server (fastify): the guard on every request, the zone map page, /metrics and the
// JSON API (api-routes.ts). docs/admin-api.md documents every route.
import Fastify, { type FastifyInstance } from 'fastify';
import { registerApiRoutes } from './api-routes.js';
import type { AdminSurface } from './admin-surface.js';
import { type GuardPolicy, refusal } from './request-guard.js';
import { registerZoneMapRoutes } from './zone-map-routes.js';

export async function buildAdminApp(
  plane: AdminSurface,
  policy: GuardPolicy,
): Promise<FastifyInstance> {
  // Open event streams must not hold close() up: their sockets are destroyed.
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, forceCloseConnections: true });
  app.addHook('onRequest', async (req, reply) => {
    const query = req.query as Record<string, unknown> | undefined;
    const token = typeof query?.token === 'string' ? query.token : undefined;
    const refused = refusal(
      { method: req.method, headers: req.headers, queryToken: token },
      policy,
    );
    if (refused !== null) return reply.code(refused.status).send({ error: refused.error });
  });
  app.get('/metrics', async (_req, reply) =>
    reply.type(plane.metrics.registry.contentType).send(await plane.metrics.text()),
  );
  registerApiRoutes(app, plane);
  registerZoneMapRoutes(app, plane);
  await app.ready();
  return app;
}
