// The soak's RSS criterion (test/soak/rss.ts): growth after warm-up fails, noise within the
// slack passes.
import { describe, expect, it } from 'vitest';
import { rssGrowthFailure } from '../../soak/rss.js';

const MiB = 2 ** 20;
const minutes = (lows: number[]) =>
  lows.map((low, i) => ({ minute: i + 1, min: low * MiB, max: low * MiB + 5 * MiB }));

describe('soak RSS criterion', () => {
  it('passes a flat RSS after warm-up, whatever warm-up did', () => {
    expect(rssGrowthFailure(minutes([100, 365, 365, 366, 365, 370]), 2)).toBeNull();
  });

  it('fails when the last minute lowest RSS passes the first one by over 5% + 16 MiB', () => {
    const why = rssGrowthFailure(minutes([100, 365, 365, 380, 395, 420]), 2);
    expect(why).toMatch(
      /RSS grew after warm-up: minute 3 lowest 365.0 MiB, minute 6 lowest 420.0 MiB/,
    );
  });

  it('needs two minutes after warm-up', () => {
    expect(rssGrowthFailure(minutes([100, 365, 365]), 2)).toMatch(/need at least 2 minutes/);
  });
});
