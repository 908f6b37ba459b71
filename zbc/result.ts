// One result shape for a call that may be refused: ok with its value, or the fault that refused
// it, told apart by `ok` alone. The zone model answers with it (faults are ZoneFault) and so do
// the SCSI block-access steps (faults are the CHECK CONDITION that ends the command).

export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
}

export interface Refused<F> {
  readonly ok: false;
  readonly fault: F;
}

export type Result<T, F> = Ok<T> | Refused<F>;

export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

export function refused<F>(fault: F): Refused<F> {
  return { ok: false, fault };
}
