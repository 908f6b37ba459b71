// Public surface of the zone layer.
export * from './types.js';
export type { ZoneModelContract } from './zone-model-contract.js';
export { ok, refused, type Ok, type Refused, type Result } from './result.js';
export type { PersistedZoneState, ZoneJournal } from './zone-journal.js';
export { validateLayout, ZoneGeometry } from './geometry.js';
export { ZoneModel } from './zone-model.js';
export { PROFILES, PROFILE_NAMES, profileLayout, type DriveProfile } from './profiles.js';
export {
  encodeZonedVpdPage,
  peripheralDeviceType,
  zonedField,
  ZONED_VPD_PAGE_BYTES,
  ZONED_VPD_PAGE_CODE,
} from './vpd.js';
export { REPORTING_OPTIONS } from './report-zones.js';
