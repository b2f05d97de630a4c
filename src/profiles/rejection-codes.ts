/**
 * What a customer's rejection system (the profile's `rejectionCodes`) does with an invoice number
 * it rejected: Ariba treats it as used for good and asks for a new number on the corrected
 * invoice; elsewhere a corrected invoice may come again under its number. Read by `resubmit`
 * (which refuses a same-number correction there) and by the sandbox's buyer (which answers it as
 * a duplicate), so both sides agree.
 */
const NUMBERS_USED_FOR_GOOD: ReadonlySet<string> = new Set(['ariba']);

/** Whether an invoice number the customer rejected still counts as taken. */
export function rejectedNumbersStayTaken(rejectionCodes: string | undefined): boolean {
  return rejectionCodes !== undefined && NUMBERS_USED_FOR_GOOD.has(rejectionCodes);
}
