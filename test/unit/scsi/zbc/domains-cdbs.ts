// Shared by the zone domains command tests of both faces (SCSI and ATA): a journal that keeps
// what it is asked to persist, the ZBC IN report CDB, and libzbc's Zone Domains page write-back.
import type { ZoneCapture } from '../../../../zbc/types.js';
import type { ZoneJournal } from '../../../../zbc/zone-journal.js';
import { cdb } from '../harness.js';

export class CaptureJournal implements ZoneJournal {
  readonly loaded = null;
  readonly captures: ZoneCapture[] = [];
  async persist(c: ZoneCapture): Promise<void> {
    this.captures.push(c);
  }
  async close(): Promise<void> {}
}

/** ZBC IN (95h): REPORT REALMS (06h) or REPORT ZONE DOMAINS (07h). */
export const zbcIn = (sa: number, locator: number, alloc: number, option = 0): Buffer => {
  const c = cdb([0x95, sa]);
  c.writeBigUInt64BE(BigInt(locator), 2);
  c.writeUInt32BE(alloc, 10);
  c[14] = option;
  return c;
};

/**
 * MODE SELECT(10) of the Zone Domains page as libzbc writes it back (an 8-byte header and a page
 * whose length is MODE DATA LENGTH, 26): FSNOZ, URSWRZ as read, MAXIMUM ACTIVATION.
 */
export function zoneDomainsSelect(fsnoz: number, maxActivation: number, urswrz = 1) {
  const page = Buffer.alloc(12 + 26);
  page[8] = 0x4a;
  page[9] = 0x0f;
  page.writeUInt16BE(26, 10);
  page.writeUInt32BE(fsnoz, 12);
  page[18] = urswrz;
  page.writeUInt16BE(maxActivation, 24);
  return { cdb: cdb([0x55, 0x10, 0, 0, 0, 0, 0, 0, page.length]), page };
}
