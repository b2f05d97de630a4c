import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { ChannelError } from './channel.js';

/**
 * Secrets are never written in a profile: `{ "env": "NAME" }` names an environment variable,
 * `{ "file": "path" }` a file (relative to the profiles folder) that holds one. They are read
 * only when a send needs them, and no message ever shows their value.
 */
export function secretReader(profilesDirectory: string, environment: NodeJS.ProcessEnv = process.env) {
  return async (reference: unknown, what: string): Promise<string> => {
    const ref = (reference ?? {}) as { env?: unknown; file?: unknown };
    if (typeof ref.env === 'string') {
      const value = environment[ref.env];
      if (value === undefined || value === '')
        throw new ChannelError('precondition', 'secrets', `${what}: the environment variable ${ref.env} is not set`);
      return value;
    }
    if (typeof ref.file === 'string') {
      const path = isAbsolute(ref.file) ? ref.file : resolve(profilesDirectory, ref.file);
      try {
        // A trailing line end is the editor's, not the secret's.
        return (await readFile(path, 'utf8')).replace(/\r?\n$/, '');
      } catch (cause) {
        throw new ChannelError(
          'precondition',
          'secrets',
          `${what}: the file ${path} cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`,
        );
      }
    }
    throw new ChannelError(
      'precondition',
      'secrets',
      `${what}: no secret is configured (expected { "env": "NAME" } or { "file": "path" })`,
    );
  };
}
