// `npx vite-node test/e2e/guest/build-guest-cli.ts`: builds (or finds cached) the guest image and prints it.
import { buildGuest } from './build-guest.js';

const image = buildGuest({ nested: process.env.ZBC_GUEST_NESTED === '1' });
console.log(JSON.stringify(image, null, 2));
