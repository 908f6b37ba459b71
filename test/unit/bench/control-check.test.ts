import { describe, expect, it } from 'vitest';
import { commandsCounted, controlCheckLines, controlCheckOk } from '../../bench/control-check.js';

const METRICS = [
  '# HELP zbc_commands_total SCSI commands completed, by opcode, service action and status',
  '# TYPE zbc_commands_total counter',
  'zbc_commands_total{opcode="0x00",service_action="",status="good"} 3',
  'zbc_commands_total{opcode="0x88",service_action="",status="good"} 1090',
  'zbc_commands_total{opcode="0x94",service_action="0x04",status="good"} 40',
  'zbc_commands_total_other 7',
  'zbc_read_bytes_total 123',
].join('\n');

describe('control server check', () => {
  it('sums every zbc_commands_total sample and nothing else', () => {
    expect(commandsCounted(METRICS)).toBe(1133);
    expect(commandsCounted('')).toBe(0);
  });

  it('passes when the counter saw at least the commands the generator completed', () => {
    expect(controlCheckOk({ role: 'plain-admin', sent: 1130, counted: 1133 })).toBe(true);
    expect(controlCheckOk({ role: 'plain-admin', sent: 1130, counted: 3 })).toBe(false);
    expect(controlCheckOk({ role: 'plain-admin', sent: 0, counted: 0 })).toBe(false);
    expect(controlCheckOk({ role: 'plain-admin', sent: 5, error: 'ECONNREFUSED' })).toBe(false);
  });

  it('prints the count, the commands sent and the verdict', () => {
    expect(controlCheckLines([{ role: 'zoned-admin', sent: 10, counted: 12 }])).toEqual([
      'Control server check (zoned-admin): /metrics zbc_commands_total = 12, ' +
        'generator completed 10 commands: up, counting.',
    ]);
    expect(controlCheckLines([{ role: 'zoned-admin', sent: 10, error: 'HTTP 404' }])[0]).toContain(
      'scrape failed (HTTP 404), generator completed 10 commands: **NOT counting**',
    );
  });
});
