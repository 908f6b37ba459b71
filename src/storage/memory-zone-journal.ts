// ZoneJournal that keeps nothing: a --memory disk starts empty every time.
import type { ZoneCapture } from '../../zbc/types.js';
import type { PersistedZoneState, ZoneJournal } from '../../zbc/zone-journal.js';

export class MemoryZoneJournal implements ZoneJournal {
  readonly loaded: PersistedZoneState | null = null;
  /** Persist calls seen (tests check that flushes reach the journal). */
  persists = 0;

  async persist(_capture: ZoneCapture): Promise<void> {
    this.persists++;
  }

  async close(): Promise<void> {}
}
