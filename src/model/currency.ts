import { LastResult } from './bounded-cache.js';

/**
 * ISO 4217: the active currency codes (list one, without funds of precious metals, SDRs and
 * test codes, which no invoice is written in) and how many decimals an amount in each carries.
 * The one source for both: a profile's currencies are checked against it, amounts are rounded by it.
 */
const DECIMALS_BY_COUNT: Readonly<Record<number, string>> = {
  0: 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF',
  2:
    'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD ' +
    'CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP ' +
    'GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL ' +
    'MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN ' +
    'QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD ' +
    'TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG',
  3: 'BHD IQD JOD KWD LYD OMR TND',
  4: 'CLF UYW',
};

const MINOR_UNITS: ReadonlyMap<string, number> = new Map(
  Object.entries(DECIMALS_BY_COUNT).flatMap(([decimals, codes]) => codes.split(' ').map((code) => [code, Number(decimals)] as const)),
);

/** Whether a code is an active ISO 4217 currency (USD, not UDS). */
export function isCurrencyCode(code: string): boolean {
  return MINOR_UNITS.has(code);
}

/** How many decimals an amount in the currency carries; a code not listed is given 2 (profiles are held to the list). */
export function minorUnits(currency: string): number {
  // Asked for every amount written, mostly for the currency asked for last.
  return lastMinorUnits.get(currency, minorUnitsOf);
}

const lastMinorUnits = new LastResult<string, number>();

function minorUnitsOf(currency: string): number {
  return MINOR_UNITS.get(currency) ?? 2;
}
