import type { ResolvedProfile } from '../model/profile.js';
import { pointerSegments } from '../model/json-text.js';
import { ProfileLibrary } from '../profiles/index.js';

/** One setting of a resolved profile: where it sits, its value, and the file it comes from. */
export interface ProfileSetting {
  readonly pointer: string;
  readonly value: unknown;
  readonly file: string;
}

export interface ProfileView extends ResolvedProfile {
  /** Every setting outside the submission section, in the order the profile files give them. */
  readonly settings: readonly ProfileSetting[];
}

/** `firstpass profiles show <id>`: the customer's resolved profile and each setting with the file it comes from. */
export async function showProfile(directory: string, id: string): Promise<ProfileView> {
  const resolved = await new ProfileLibrary(directory).profile(id);
  const settings = [...resolved.origins]
    .filter(([pointer]) => !pointer.startsWith('/submission/'))
    .map(([pointer, file]) => ({ pointer, value: valueAt(resolved.profile, pointer), file }));
  return { ...resolved, settings };
}

function valueAt(root: unknown, pointer: string): unknown {
  let cursor = root;
  for (const segment of pointerSegments(pointer)) {
    if (cursor === null || typeof cursor !== 'object') return undefined;
    cursor = (cursor as Record<string, unknown>)[segment];
  }
  return cursor;
}
