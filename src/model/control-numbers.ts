/** The three envelope numbers of an EDI document: taken from the store, written by render. */
export type ControlNumberKind = 'interchange' | 'group' | 'transaction';

export const CONTROL_NUMBER_KINDS: readonly ControlNumberKind[] = ['interchange', 'group', 'transaction'];

export interface ControlNumbers {
  /** X12 ISA13 / EDIFACT UNB interchange reference. */
  readonly interchange: number;
  /** X12 GS06 group control number. */
  readonly group: number;
  /** X12 ST02 / EDIFACT UNH message reference. */
  readonly transaction: number;
}
