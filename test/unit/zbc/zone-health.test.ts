import { describe, expect, it } from 'vitest';
import { ZoneModel } from '../../../zbc/zone-model.js';
import { ZoneCondition as C } from '../../../zbc/types.js';
import { journalOf, smallLayout, write, zs } from './fixtures.js';
import { settled } from '../../helpers/zone-result.js';

describe('run-time zone health (ZoneModel.setZoneHealth)', () => {
  it('an open zone goes OFFLINE: it leaves the open count and refuses reads and writes', () => {
    const m = new ZoneModel(smallLayout());
    write(m, zs(2), 8);
    expect(m.openCounts.implicit).toBe(1);
    expect(m.setZoneHealth(2, 'offline', true)).toBeNull();
    expect(m.zoneAt(2).condition).toBe(C.OFFLINE);
    expect(m.openCounts.implicit).toBe(0);
    expect(settled(m.planWrite(zs(2) + 8, 8))).toEqual({ kind: 'zone-offline', lba: zs(2) + 8 });
    expect(settled(m.checkRead(zs(2), 8))).toEqual({ kind: 'zone-offline', lba: zs(2) });
  });

  it('READ ONLY refuses writes but serves reads; back to normal is CLOSED at the old WP', () => {
    const m = new ZoneModel(smallLayout());
    write(m, zs(3), 16);
    m.setZoneHealth(3, 'read-only', false);
    expect(settled(m.planWrite(zs(3) + 16, 8))).toEqual({
      kind: 'zone-read-only',
      lba: zs(3) + 16,
    });
    expect('kind' in settled(m.checkRead(zs(3), 8))).toBe(false);
    m.setZoneHealth(3, 'normal', false);
    expect(m.zoneAt(3)).toMatchObject({ condition: C.CLOSED, writePointer: zs(3) + 16 });
    m.setZoneHealth(4, 'offline', false);
    m.setZoneHealth(4, 'normal', false);
    expect(m.zoneAt(4).condition).toBe(C.EMPTY);
  });

  it('a persisted change survives a restart; a transient one restores as the zone was', () => {
    const m = new ZoneModel(smallLayout());
    write(m, zs(2), 8);
    const journal = journalOf(m);
    journal.apply(m.captureDurable());
    m.setZoneHealth(2, 'offline', true);
    m.setZoneHealth(3, 'read-only', false);
    journal.apply(m.captureDurable());
    const restarted = new ZoneModel(smallLayout(), journal.state);
    expect(restarted.zoneAt(2)).toMatchObject({ condition: C.CLOSED, writePointer: zs(2) + 8 });
    expect(restarted.zoneAt(3).condition).toBe(C.READ_ONLY);
  });

  it('a transient recovery of a persisted OFFLINE zone keeps OFFLINE on the medium', () => {
    const m = new ZoneModel(smallLayout());
    m.setZoneHealth(5, 'offline', false);
    const journal = journalOf(m);
    m.setZoneHealth(5, 'normal', true);
    expect(m.zoneAt(5).condition).toBe(C.EMPTY);
    journal.apply(m.captureDurable());
    expect(new ZoneModel(smallLayout(), journal.state).zoneAt(5).condition).toBe(C.OFFLINE);
  });

  it('refuses zones without a write pointer and zones that do not exist', () => {
    const m = new ZoneModel(smallLayout());
    expect(m.setZoneHealth(0, 'offline', true)).toBe('zone 0 has no write pointer');
    expect(m.setZoneHealth(8, 'offline', true)).toBe('zone 8 does not exist (0-7)');
  });
});
