// JSON API of the control server: LUs and zones, faults, sessions, the wire trace.
// Errors are `{ "error": "one line", "field"?: "path" }` with a 4xx status.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ZoneType } from '../../zbc/types.js';
import type { ZoneHealth } from '../../zbc/zone-model.js';
import type { AdminSurface } from './admin-surface.js';
import { FaultRuleError, parseFaultRule } from './fault-rules.js';
import type { LunHandle } from './lun-registry.js';
import {
  runZoneCommand,
  setZoneHealth,
  type ZoneCommand,
  type ZoneOperationResult,
} from './zone-operations.js';

interface LunParams {
  target: string;
  lun: string;
}
interface ZoneParams extends LunParams {
  index: string;
}

const HEALTH: Readonly<Record<string, ZoneHealth>> = {
  'read-only': 'read-only',
  offline: 'offline',
  normal: 'normal',
};

function fail(reply: FastifyReply, status: number, error: string, field?: string): FastifyReply {
  return reply.code(status).send(field === undefined ? { error } : { error, field });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function lunOf(plane: AdminSurface, p: LunParams): LunHandle | undefined {
  return /^\d+$/.test(p.lun) ? plane.luns.find(p.target, Number(p.lun)) : undefined;
}

function lunInfo(h: LunHandle) {
  const z = h.zones;
  return {
    target: h.targetName,
    lun: h.lun,
    blockSize: h.unit.blockSize,
    capacityBlocks: h.unit.capacityBlocks,
    model: z?.model ?? 'none',
    zoneCount: z?.zoneCount ?? 0,
    zoneSizeBlocks: z?.layout.zoneSizeBlocks ?? 0,
    zoneCapacityBlocks: z?.layout.zoneCapacityBlocks ?? 0,
    maxOpen: z === undefined || z.model === 'host-aware' ? null : z.layout.maxOpen,
  };
}

function zoneDetail(h: LunHandle, index: number) {
  const z = h.zones;
  if (z === undefined || !Number.isInteger(index) || index < 0 || index >= z.zoneCount)
    return undefined;
  const info = z.zoneAt(index);
  const sequential =
    info.type === ZoneType.SEQUENTIAL_WRITE_REQUIRED ||
    info.type === ZoneType.SEQUENTIAL_WRITE_PREFERRED;
  return {
    index,
    type: info.type,
    condition: info.condition,
    start: info.start,
    length: info.length,
    capacity: sequential ? Math.min(info.length, z.layout.zoneCapacityBlocks) : info.length,
    writePointer: info.writePointer,
  };
}

async function answer(reply: FastifyReply, h: LunHandle, index: number, r: ZoneOperationResult) {
  if (!r.ok) return fail(reply, r.status, r.message);
  return reply.send(zoneDetail(h, index));
}

export function registerApiRoutes(app: FastifyInstance, plane: AdminSurface): void {
  app.get('/api/luns', async () => plane.luns.all.map(lunInfo));

  app.get<{ Params: LunParams }>('/api/targets/:target/luns/:lun', async (req, reply) => {
    const h = lunOf(plane, req.params);
    return h === undefined ? fail(reply, 404, 'no such LU') : lunInfo(h);
  });

  app.get<{ Params: ZoneParams }>(
    '/api/targets/:target/luns/:lun/zones/:index',
    async (req, reply) => {
      const h = lunOf(plane, req.params);
      if (h === undefined) return fail(reply, 404, 'no such LU');
      const zone = zoneDetail(h, Number(req.params.index));
      return zone === undefined ? fail(reply, 404, `no zone ${req.params.index}`) : zone;
    },
  );

  app.post<{ Params: ZoneParams; Body: unknown }>(
    '/api/targets/:target/luns/:lun/zones/:index/condition',
    async (req, reply) => {
      const h = lunOf(plane, req.params);
      if (h === undefined) return fail(reply, 404, 'no such LU');
      const body = req.body;
      if (!isRecord(body)) return fail(reply, 400, 'the body must be a JSON object');
      const health = typeof body.condition === 'string' ? HEALTH[body.condition] : undefined;
      if (health === undefined)
        return fail(reply, 400, 'condition: must be read-only, offline or normal', 'condition');
      if (body.persist !== undefined && typeof body.persist !== 'boolean') {
        return fail(reply, 400, 'persist: must be true or false', 'persist');
      }
      const index = Number(req.params.index);
      return answer(reply, h, index, await setZoneHealth(h, index, health, body.persist === true));
    },
  );

  for (const command of ['reset', 'finish'] as const satisfies readonly ZoneCommand[]) {
    app.post<{ Params: ZoneParams }>(
      `/api/targets/:target/luns/:lun/zones/:index/${command}`,
      async (req, reply) => {
        const h = lunOf(plane, req.params);
        if (h === undefined) return fail(reply, 404, 'no such LU');
        const index = Number(req.params.index);
        return answer(reply, h, index, await runZoneCommand(h, index, command));
      },
    );
  }

  app.get('/api/faults', async () => plane.faults.list());

  app.post<{ Body: unknown }>('/api/faults', async (req, reply) => {
    try {
      const added = plane.faults.add(parseFaultRule(req.body));
      return reply.code(201).send(added);
    } catch (e) {
      if (e instanceof FaultRuleError) return fail(reply, 400, e.message, e.field);
      if (e instanceof RangeError) return fail(reply, 409, e.message, 'id');
      throw e;
    }
  });

  app.get<{ Params: { id: string } }>('/api/faults/:id', async (req, reply) => {
    const f = plane.faults.get(req.params.id);
    return f === undefined ? fail(reply, 404, `no fault ${req.params.id}`) : f;
  });

  app.delete<{ Params: { id: string } }>('/api/faults/:id', async (req, reply) =>
    plane.faults.remove(req.params.id)
      ? reply.code(204).send()
      : fail(reply, 404, `no fault ${req.params.id}`),
  );

  app.delete('/api/faults', async () => ({ cleared: plane.faults.clear() }));

  app.post<{ Params: { id: string } }>('/api/faults/:id/release', async (req, reply) => {
    if (plane.faults.get(req.params.id) === undefined)
      return fail(reply, 404, `no fault ${req.params.id}`);
    return { released: plane.faults.release(req.params.id) };
  });

  app.post('/api/faults/release', async () => ({ released: plane.faults.release() }));

  app.get('/api/sessions', async () => plane.iscsi?.sessions() ?? []);

  app.delete<{ Params: { tsih: string } }>('/api/sessions/:tsih', async (req, reply) =>
    plane.dropSession(Number(req.params.tsih), 'dropped through the control API')
      ? reply.code(204).send()
      : fail(reply, 404, `no session ${req.params.tsih}`),
  );

  app.get('/api/trace', async () => plane.trace.status());

  app.post<{ Body: unknown }>('/api/trace/start', async (req, reply) => {
    const b = req.body;
    if (!isRecord(b)) return fail(reply, 400, 'the body must be a JSON object');
    if (typeof b.file !== 'string' || b.file === '')
      return fail(reply, 400, 'file: is required', 'file');
    if (b.data !== undefined && typeof b.data !== 'boolean')
      return fail(reply, 400, 'data: must be true or false', 'data');
    for (const k of ['maxBytes', 'files'] as const) {
      const v = b[k];
      if (
        v !== undefined &&
        (typeof v !== 'number' || !Number.isInteger(v) || v < (k === 'files' ? 1 : 0))
      ) {
        return fail(
          reply,
          400,
          `${k}: must be a ${k === 'files' ? 'positive' : 'non-negative'} integer`,
          k,
        );
      }
    }
    try {
      await plane.trace.start({
        file: b.file,
        data: b.data === true,
        ...(typeof b.maxBytes === 'number' ? { maxBytes: b.maxBytes } : {}),
        ...(typeof b.files === 'number' ? { files: b.files } : {}),
      });
    } catch (e) {
      return fail(
        reply,
        400,
        `file: cannot write ${b.file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
        'file',
      );
    }
    return plane.trace.status();
  });

  app.post('/api/trace/stop', async () => {
    await plane.trace.stop();
    return plane.trace.status();
  });
}
