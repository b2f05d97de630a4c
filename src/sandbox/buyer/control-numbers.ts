/** The sandbox buyer's own control numbers for the interchanges, groups and messages it sends: one counter from 1. */
export class ControlNumbers {
  private last = 0;

  next(): number {
    this.last += 1;
    return this.last;
  }
}

/** UTC date and time pieces for envelopes. */
export function stamp(at: Date): { yymmdd: string; ccyymmdd: string; hhmm: string } {
  const iso = at.toISOString();
  const ccyymmdd = iso.slice(0, 10).replace(/-/g, '');
  return { ccyymmdd, yymmdd: ccyymmdd.slice(2), hhmm: iso.slice(11, 16).replace(':', '') };
}
