import type { SourceLocation } from './errors.js';
import type { ProfileDocument } from './generated/profile.js';
import { locatePointer } from './json-text.js';

/** A customer profile as a file holds it (a base under _networks/ holds only part of one). */
export type ProfileFile = ProfileDocument;

/** A customer's profile with every `extends` applied: what rules and renderers work from. */
export interface CustomerProfile extends ProfileDocument {
  readonly id: string;
  readonly name: string;
  readonly currencies: NonNullable<ProfileDocument['currencies']>;
  readonly format: NonNullable<ProfileDocument['format']>;
  readonly channel: NonNullable<ProfileDocument['channel']>;
}

export interface ResolvedProfile {
  readonly profile: CustomerProfile;
  /** The customer's own file. */
  readonly file: string;
  /** The files merged into it, base first, the customer's own file last. */
  readonly chain: readonly string[];
  /** For each setting (a JSON Pointer to a leaf), the file it came from. */
  readonly origins: ReadonlyMap<string, string>;
  /** The text of each file in the chain, for positions in messages about its settings. */
  readonly texts?: ReadonlyMap<string, string>;
}

/**
 * Where a setting of the merged profile was made: its file, line and column. The file is the one
 * that set the pointer or its nearest parent, else one that set something below that parent (a
 * missing option is blamed where its siblings are), else the customer's own file.
 */
export function locateSetting(resolved: ResolvedProfile, pointer: string): SourceLocation {
  let file: string | undefined;
  for (let at = pointer; file === undefined && at !== ''; at = at.slice(0, at.lastIndexOf('/'))) {
    file = resolved.origins.get(at) ?? [...resolved.origins].find(([setting]) => setting.startsWith(`${at}/`))?.[1];
  }
  file ??= resolved.file;
  const text = resolved.texts?.get(file);
  return text !== undefined ? locatePointer(text, pointer, file) : { file };
}
