// Proof that the "control server on" variants really ran with it up and metrics on: after the
// rounds the bench scrapes each such target's /metrics once and compares the commands it counted
// (zbc_commands_total, every opcode and status) with the commands the load generator completed.

/** The sum of every `zbc_commands_total{...} N` sample in a Prometheus text exposition. */
export function commandsCounted(metricsText: string): number {
  let total = 0;
  for (const line of metricsText.split('\n')) {
    const m = /^zbc_commands_total(?:\{[^}]*\})?\s+(\S+)/.exec(line);
    if (m) total += Number(m[1]);
  }
  return total;
}

export interface ControlCheck {
  readonly role: string;
  /** Commands the load generator completed on that LU (prefill, warm-up and rounds). */
  readonly sent: number;
  /** zbc_commands_total summed, or the error of the scrape. */
  readonly counted?: number;
  readonly error?: string;
}

export async function scrapeCommands(adminUrl: string): Promise<number> {
  const res = await fetch(`${adminUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET ${adminUrl}/metrics: HTTP ${res.status}`);
  return commandsCounted(await res.text());
}

/** The counter must have seen at least every command the generator completed (plus logins'). */
export function controlCheckOk(c: ControlCheck): boolean {
  return c.counted !== undefined && c.counted >= c.sent && c.sent > 0;
}

export function controlCheckLines(checks: readonly ControlCheck[]): string[] {
  return checks.map((c) => {
    const what =
      c.counted === undefined ? `scrape failed (${c.error ?? 'no answer'})` : `${c.counted}`;
    const verdict = controlCheckOk(c) ? 'up, counting' : '**NOT counting**';
    return (
      `Control server check (${c.role}): /metrics zbc_commands_total = ${what}, ` +
      `generator completed ${c.sent} commands: ${verdict}.`
    );
  });
}
