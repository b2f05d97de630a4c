/** The profiles stage: customer profiles, their bases, and where each setting came from. */
export type { CustomerProfile, ProfileFile, ResolvedProfile } from '../model/profile.js';
export { ProfileLibrary, type ProfileLoadResult } from './load-profiles.js';
export { rejectedNumbersStayTaken } from './rejection-codes.js';
