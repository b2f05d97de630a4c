/**
 * When the ERP produced an invoice (`generatedAt`, contract section 1), as the store keeps every
 * time: an ISO 8601 UTC text of 24 characters; undefined when absent or not a valid time stamp,
 * so the report falls back to when firstpass first saw the invoice.
 */
export function generatedAtOf(invoice: unknown): string | undefined {
  if (typeof invoice !== 'object' || invoice === null || !Object.hasOwn(invoice, 'generatedAt')) return undefined;
  const value = (invoice as { generatedAt?: unknown }).generatedAt;
  // A date and a time, with Z or an offset: a bare date would be read as midnight UTC by guess.
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(value.trim()))
    return undefined;
  const time = Date.parse(value.trim());
  if (Number.isNaN(time)) return undefined;
  const text = new Date(time).toISOString();
  return text.length === 24 ? text : undefined;
}

/** The rules that held a submission: the `rule` of each error finding in its detail, each once. */
export function holdingRulesOf(detail: unknown): string[] {
  if (typeof detail !== 'object' || detail === null) return [];
  const findings = (detail as { findings?: unknown }).findings;
  if (!Array.isArray(findings)) return [];
  const rules = new Set<string>();
  for (const finding of findings as unknown[]) {
    if (typeof finding !== 'object' || finding === null) continue;
    const { rule, severity } = finding as { rule?: unknown; severity?: unknown };
    // Warnings do not hold an invoice; a finding without a severity is taken as the error it held on.
    if (typeof rule === 'string' && rule.trim() !== '' && rule.length <= 255 && (severity === undefined || severity === 'error'))
      rules.add(rule);
  }
  return [...rules].sort();
}
