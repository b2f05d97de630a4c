import type { Knex } from 'knex';

/**
 * The invoice chain a version belongs to (contract section 6: a corrected invoice — a new
 * version of the number, or a new number that `supersedes` it — belongs to the original's
 * chain and counts once). Kept as `chain_id` on versions and submissions (migration 004): the id
 * of the chain's first version, so `firstpass report` aggregates chains without walking them.
 * A version takes the chain of an earlier version of its number, else the chain of the number it
 * supersedes (when the store knows it for that customer), else starts its own.
 */
export async function assignChain(
  trx: Knex.Transaction,
  version: { readonly id: number; readonly customer: string; readonly invoiceNumber: string; readonly supersedes: string | undefined },
): Promise<number> {
  const sameNumber: { chain_id: number | null } | undefined = await trx('invoice_versions')
    .select('chain_id')
    .where({ customer: version.customer, invoice_number: version.invoiceNumber })
    .andWhere('id', '<>', version.id)
    .whereNotNull('chain_id')
    .orderBy('id')
    .first();
  let chain = sameNumber?.chain_id ?? undefined;
  if (chain === undefined && version.supersedes !== undefined && version.supersedes !== version.invoiceNumber) {
    const superseded: { chain_id: number | null } | undefined = await trx('invoice_versions')
      .select('chain_id')
      .where({ customer: version.customer, invoice_number: version.supersedes })
      .whereNotNull('chain_id')
      .orderBy('id')
      .first();
    chain = superseded?.chain_id ?? undefined;
  }
  const chainId = Number(chain ?? version.id);
  await trx('invoice_versions').where({ id: version.id }).update({ chain_id: chainId });
  return chainId;
}

/** For a new submission's row: its version's chain. */
export function chainOfVersion(trx: Knex.Transaction, versionId: number): Knex.Raw {
  return trx.raw('(select chain_id from invoice_versions where id = ?)', [versionId]);
}
