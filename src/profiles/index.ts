/** The profiles stage: customer profiles, their bases, and where each setting came from. */
export type { CustomerProfile, ProfileFile, ResolvedProfile } from './profile.js';
export { DEFAULT_PROFILES_DIRECTORY, ProfileLibrary, type ProfileLoadResult } from './load-profiles.js';
