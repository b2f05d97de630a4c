/**
 * What a run uses when the command line does not say: the date rules compare with, and the
 * per-user database for control numbers (see store/default-store.ts); and the formats a
 * document can be written in, for the CLI's choices.
 */
export { defaultStoreUrl } from '../store/default-store.js';
export { FORMAT_NAMES, type FormatName } from '../render/formats/index.js';

/** Today's date on this machine's clock, YYYY-MM-DD in local time. */
export function localToday(): string {
  const now = new Date();
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
