import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { isCurrencyCode } from '../model/currency.js';
import { InputError, type InputProblem } from '../model/errors.js';
import { locatePointer, parseJsonText } from '../model/json-text.js';
import { nestedTooDeep, utf8Text } from '../model/parse-documents.js';
import { describeSchemaErrors } from '../model/schema-check.js';
import { schemaValidator } from '../schemas/shipped-schemas.js';
import { withDecimalSettingsAsText } from './decimal-settings.js';
import { mergeLayers, type Layer } from './merge-profiles.js';
import type { CustomerProfile, ResolvedProfile } from '../model/profile.js';

/**
 * Loading customer profiles from a folder: each `<id>.json` at the top is a customer; files
 * whose name starts with `_`, and sub-folders, hold shared bases for `extends`. Every file is
 * checked against the profile schema; problems carry file, line, column, field and the
 * expected shape. Loading reports problems as data (for `profiles lint`); `loadProfile`
 * throws them as one InputError (for commands that need a working profile).
 */

const REQUIRED_SECTIONS = ['id', 'name', 'currencies', 'format', 'channel'] as const;

export interface ProfileLoadResult {
  readonly profiles: ReadonlyMap<string, ResolvedProfile>;
  readonly problems: readonly InputProblem[];
  /** Every file that was read, customers and bases. */
  readonly files: readonly string[];
}

export class ProfileLibrary {
  private readonly files = new Map<string, Promise<{ layer?: Layer; problems: InputProblem[] }>>();
  private readonly resolved = new Map<string, Promise<ResolvedProfile>>();
  /** Profiles already resolved, for callers that check thousands of invoices a second (see loaded). */
  private readonly settled = new Map<string, ResolvedProfile>();

  constructor(readonly directory: string) {}

  /** The customer's profile with its bases applied; InputError when it is missing or invalid. */
  profile(customerId: string): Promise<ResolvedProfile> {
    let pending = this.resolved.get(customerId);
    if (!pending) {
      pending = this.resolveCustomer(customerId);
      pending.then(
        (resolved) => this.settled.set(customerId, resolved),
        () => undefined,
      );
      this.resolved.set(customerId, pending);
    }
    return pending;
  }

  /**
   * The customer's profile if `profile` has already resolved it, else undefined: lets a batch
   * of invoices for known customers be checked without a promise per invoice.
   */
  loaded(customerId: string): ResolvedProfile | undefined {
    return this.settled.get(customerId);
  }

  /** Every customer profile in the folder, with all problems found in any file. */
  async loadAll(): Promise<ProfileLoadResult> {
    const customers = await this.customerFiles();
    const profiles = new Map<string, ResolvedProfile>();
    const problems: InputProblem[] = [];
    for (const file of customers) {
      const id = basename(file, '.json');
      try {
        profiles.set(id, await this.profile(id));
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        problems.push(...error.problems);
      }
    }
    // Bases no customer extends are still checked: a specialist may be preparing one.
    for (const file of await this.baseFiles()) {
      if (problems.some((problem) => problem.location.file === file)) continue;
      const { problems: baseProblems } = await this.readLayer(file);
      problems.push(...baseProblems);
    }
    return { profiles, problems: dedupe(problems), files: [...this.files.keys()] };
  }

  private async customerFiles(): Promise<string[]> {
    const entries = await readdir(this.directory, { withFileTypes: true }).catch((cause: unknown) => {
      throw new InputError(
        'INPUT_UNREADABLE',
        'profiles',
        [{ location: { file: this.directory }, message: `is not a readable profiles folder (${(cause as Error).message})` }],
        { cause },
      );
    });
    return entries
      .filter((entry) => entry.isFile() && extname(entry.name) === '.json' && !entry.name.startsWith('_'))
      .map((entry) => join(this.directory, entry.name))
      .sort();
  }

  private async baseFiles(): Promise<string[]> {
    const found: string[] = [];
    const walk = async (directory: string, nested: boolean): Promise<void> => {
      for (const entry of await readdir(directory, { withFileTypes: true })) {
        const path = join(directory, entry.name);
        if (entry.isDirectory()) await walk(path, true);
        else if (extname(entry.name) === '.json' && (nested || entry.name.startsWith('_'))) found.push(path);
      }
    };
    await walk(this.directory, false);
    return found.sort();
  }

  private async resolveCustomer(customerId: string): Promise<ResolvedProfile> {
    const file = join(this.directory, `${customerId}.json`);
    if (customerId.startsWith('_') || customerId.includes('/') || customerId.includes('\\')) {
      throw missingProfile(customerId, file);
    }
    const layers: Layer[] = [];
    const problems: InputProblem[] = [];
    await this.collectLayers(file, [], layers, problems, { file: '', message: '' });
    if (problems.length > 0) throw new InputError('PROFILE_INVALID', 'profiles', dedupe(problems));
    const own = layers[layers.length - 1];
    const merged = mergeLayers(layers);
    const sectionProblems = REQUIRED_SECTIONS.filter((section) => merged.value[section] === undefined).map(
      (section): InputProblem => ({
        location: { file, line: 1, column: 1 },
        field: `/${section}`,
        message: `is required: a customer profile (with its bases) must set ${REQUIRED_SECTIONS.join(', ')}`,
      }),
    );
    if (own && merged.value.id !== undefined && merged.value.id !== customerId) {
      sectionProblems.push({
        location: locatePointerIn(own, '/id'),
        field: '/id',
        message: `is "${String(merged.value.id)}" but the file is ${customerId}.json: the id must equal the file name`,
      });
    }
    if (sectionProblems.length === 0 && layers.length > 1) sectionProblems.push(...mergedProblems(merged.value, merged.origins, file));
    if (sectionProblems.length > 0) throw new InputError('PROFILE_INVALID', 'profiles', sectionProblems);
    return {
      profile: merged.value as unknown as CustomerProfile,
      file,
      chain: layers.map((layer) => layer.file),
      origins: merged.origins,
      texts: new Map(layers.flatMap((layer) => (layer.text !== undefined ? [[layer.file, layer.text] as const] : []))),
    };
  }

  private async collectLayers(
    file: string,
    stack: string[],
    layers: Layer[],
    problems: InputProblem[],
    from: { file: string; message: string },
  ): Promise<void> {
    const absolute = resolve(file);
    if (stack.includes(absolute)) {
      problems.push({
        location: { file: from.file },
        field: '/extends',
        message: `makes a cycle: ${[...stack, absolute].map((path) => relative(this.directory, path)).join(' → ')}`,
      });
      return;
    }
    const { layer, problems: fileProblems } = await this.readLayer(file, stack.length === 0 ? undefined : from);
    // A problem in a base is also the customer's: say which profile brought the base in.
    problems.push(
      ...(stack.length === 0 ? fileProblems : fileProblems.map((problem) => referredProblem(problem, from.file, this.directory))),
    );
    if (!layer) return;
    const bases = layer.value.extends;
    for (const base of typeof bases === 'string' ? [bases] : Array.isArray(bases) ? bases : []) {
      if (typeof base !== 'string') continue;
      const outside = this.outsideFolder(file, base);
      if (outside) {
        problems.push({ location: locatePointerIn(layer, '/extends'), field: '/extends', message: outside });
        continue;
      }
      await this.collectLayers(join(dirname(file), base), [...stack, absolute], layers, problems, { file, message: base });
    }
    if (!layers.some((existing) => existing.file === layer.file)) layers.push(layer);
  }

  /** Why `extends` may not name this base (an absolute path, or one that leaves the profiles folder), or undefined. */
  private outsideFolder(file: string, base: string): string | undefined {
    const folder = resolve(this.directory);
    const target = resolve(dirname(file), base);
    if (!isAbsolute(base) && target.startsWith(`${folder}${sep}`)) return undefined;
    return `extends "${base}", which is ${isAbsolute(base) ? 'an absolute path' : 'outside the profiles folder'}: a base must be a file in ${this.directory} named relative to this file (e.g. "_networks/ariba.json")`;
  }

  private readLayer(
    file: string,
    referencedFrom?: { file: string; message: string },
  ): Promise<{ layer?: Layer; problems: InputProblem[] }> {
    let pending = this.files.get(file);
    if (!pending) {
      pending = readProfileFile(file, referencedFrom);
      this.files.set(file, pending);
    }
    return pending;
  }
}

/** The merged profile against the full schema: what neither the customer nor its bases set. */
function mergedProblems(value: unknown, origins: ReadonlyMap<string, string>, customerFile: string): InputProblem[] {
  const validate = schemaValidator('profile');
  if (validate(value)) return [];
  const fileOf = (pointer: string): string => {
    for (const [setting, file] of origins) if (setting.startsWith(`${pointer}/`) || setting === pointer) return file;
    return customerFile;
  };
  return describeSchemaErrors(validate.errors ?? [], (pointer) => ({ file: fileOf(pointer) })).map((problem) => ({
    ...problem,
    message: `${problem.message} (in the profile merged from its bases)`,
  }));
}

function missingProfile(customerId: string, file: string): InputError {
  return new InputError('PROFILE_MISSING', 'profiles', [
    { location: { file }, message: `no profile for customer "${customerId}": create ${file} (see customer-profiles/README.md)` },
  ]);
}

async function readProfileFile(
  file: string,
  referencedFrom?: { file: string; message: string },
): Promise<{ layer?: Layer; problems: InputProblem[] }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    if (!referencedFrom && missing) {
      throw missingProfile(basename(file, '.json'), file);
    }
    const location = referencedFrom ? { file: referencedFrom.file } : { file };
    const message = referencedFrom
      ? `extends "${referencedFrom.message}", but ${file} ${missing ? 'does not exist' : 'cannot be read'}`
      : `cannot be read (${(cause as Error).message})`;
    return { problems: [{ location, ...(referencedFrom ? { field: '/extends' } : {}), message }] };
  }
  let text: string;
  let value: unknown;
  try {
    // Profiles are read as invoices are: UTF-8 only (a BOM allowed); nesting deep enough to
    // overflow a recursive step (locating a schema problem, say) is the file's problem, at its place.
    text = utf8Text(bytes, file);
    const tooDeep = nestedTooDeep(text, file);
    if (tooDeep) throw tooDeep;
    value = withDecimalSettingsAsText(parseJsonText(text, file, 1, 'as-numbers'), text, file);
  } catch (error) {
    if (error instanceof InputError) return { problems: [...error.problems] };
    throw error;
  }
  const validate = schemaValidator('profile');
  if (!validate(value)) {
    // A base, or a profile that extends one, holds only part of a profile: what it lacks may
    // come from elsewhere, so only the merged profile is held to the required fields.
    const partial = referencedFrom !== undefined || (value as { extends?: unknown }).extends !== undefined;
    const errors = (validate.errors ?? []).filter((error) => !partial || (error.keyword !== 'required' && error.keyword !== 'if'));
    if (errors.length > 0) return { problems: describeSchemaErrors(errors, (pointer) => locatePointer(text, pointer, file)) };
  }
  const currencies = currencyProblems(value, text, file);
  if (currencies.length > 0) return { problems: currencies };
  const layer: Layer = { file, value: value as Layer['value'], text };
  return { layer, problems: [] };
}

function locatePointerIn(layer: Layer, pointer: string) {
  return layer.text !== undefined ? locatePointer(layer.text, pointer, layer.file) : { file: layer.file };
}

function dedupe(problems: readonly InputProblem[]): InputProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = JSON.stringify(problem);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Currencies the schema lets through by shape (three capitals) that ISO 4217 does not have, such as UDS. */
function currencyProblems(value: unknown, text: string, file: string): InputProblem[] {
  const currencies = (value as { currencies?: unknown }).currencies;
  if (!Array.isArray(currencies)) return [];
  return currencies.flatMap((code, index): InputProblem[] =>
    typeof code !== 'string' || isCurrencyCode(code)
      ? []
      : [
          {
            location: locatePointer(text, `/currencies/${index}`, file),
            field: `/currencies/${index}`,
            message: `"${code}" is not an active ISO 4217 currency code: expected one such as USD, EUR or GBP`,
          },
        ],
  );
}

/** A problem found in a base, said for the profile that extends it. */
function referredProblem(problem: InputProblem, referrer: string, directory: string): InputProblem {
  if (problem.location.file === referrer) return problem;
  return { ...problem, message: `${problem.message} (in a base that ${relative(directory, referrer) || referrer} extends)` };
}
