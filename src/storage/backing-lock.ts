// One process per backing file: two targets writing the same image and zone metadata would
// corrupt both. `<backing>.zbclock` holds the owner's PID; a lock whose process is gone (the
// owner was SIGKILLed) is taken over, so a crash never blocks the restart.
import { constants } from 'node:fs';
import { open, readFile, unlink } from 'node:fs/promises';
import { errnoOf } from './errno.js';

export class BackingLockError extends Error {
  readonly code = 'BACKING_IN_USE';
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Locks this process holds: a lock file with our own PID is otherwise stale (PID reuse). */
const held = new Set<string>();

export interface BackingLock {
  readonly path: string;
  release(): Promise<void>;
}

export async function lockBacking(backing: string): Promise<BackingLock> {
  const path = `${backing}.zbclock`;
  if (held.has(path))
    throw new BackingLockError(`backing file ${backing} is already open in this process`);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      held.add(path);
      return {
        path,
        release: async () => {
          if (!held.delete(path)) return;
          await unlink(path).catch(() => undefined);
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new BackingLockError(
          `backing file ${backing}: cannot create lock ${path}: ${errnoOf(e)}`,
        );
      }
    }
    const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (owner !== process.pid && alive(owner)) {
      throw new BackingLockError(
        `backing file ${backing} is in use by process ${owner} (lock ${path})`,
      );
    }
    await unlink(path).catch(() => undefined); // stale: its owner is gone
  }
  throw new BackingLockError(`backing file ${backing}: could not take lock ${path}`);
}
