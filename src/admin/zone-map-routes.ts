// The zone map: the page, the full zone tables (base64 bytes per zone) and the server-sent
// events stream of changed zones and activity, one message per tick.
import type { FastifyInstance } from 'fastify';
import type { AdminSurface } from './admin-surface.js';
import { ZONE_MAP_HTML } from './zone-map-page.js';

const b64 = (a: Uint8Array): string =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

export function registerZoneMapRoutes(app: FastifyInstance, plane: AdminSurface): void {
  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(ZONE_MAP_HTML));

  app.get('/api/zone-tables', async () => {
    const { seq, tables } = plane.feed.tables();
    return {
      seq,
      tables: tables.map((t) => ({
        target: t.target,
        lun: t.lun,
        zoneCount: t.zoneCount,
        type: b64(t.type),
        condition: b64(t.condition),
        fill: b64(t.fill),
      })),
    };
  });

  app.get('/api/events', (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    res.write('event: hello\ndata: {}\n\n');
    const unsubscribe = plane.feed.subscribe((tick) => {
      res.write(`data: ${JSON.stringify(tick)}\n\n`);
    });
    req.raw.once('close', unsubscribe);
  });
}
