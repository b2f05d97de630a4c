/**
 * ISO 4217 minor units: how many decimals an amount in each currency carries.
 * Codes not listed have 2, which holds for almost every currency in use.
 */
const MINOR_UNITS_OTHER_THAN_TWO: ReadonlyMap<string, number> = new Map(Object.entries({
  // no minor unit
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0,
  UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  // three decimals
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  // four decimals
  CLF: 4, UYW: 4,
}));

export function minorUnits(currency: string): number {
  // Asked for every amount written, mostly for the currency asked for last.
  if (currency === lastCurrency) return lastMinorUnits;
  // A Map: a miss in a Map is cheaper than in an object.
  const units = MINOR_UNITS_OTHER_THAN_TWO.get(currency) ?? 2;
  lastCurrency = currency;
  lastMinorUnits = units;
  return units;
}

let lastCurrency: string | undefined;
let lastMinorUnits = 2;
