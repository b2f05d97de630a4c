import { relative } from 'node:path';
import pc from 'picocolors';
import { formatProblem, type InputProblem } from '../model/errors.js';
import { lintProfiles } from '../pipeline/lint-profiles.js';
import { showProfile, type ProfileView } from '../pipeline/show-profile.js';
import { suggestRules, type SuggestOptions, type SuggestReport } from '../pipeline/suggest-rules.js';
import { printable, printableJson, printableLines } from './printable.js';

/** `firstpass profiles lint [DIR]`: every problem in every profile, exit 2 when there is one. */
export async function runProfilesLint(directory: string, json: boolean): Promise<number> {
  const report = await lintProfiles(directory);
  if (json) {
    const described = (problem: InputProblem) => ({ ...problem.location, field: problem.field, message: problem.message });
    process.stdout.write(
      `${printableJson(JSON.stringify({ profiles: report.customers, problems: report.problems.map(described), warnings: report.warnings.map(described) }, null, 2))}\n`,
    );
  } else {
    for (const problem of report.problems) process.stdout.write(`${pc.red('✗')} error: ${printable(formatProblem(problem))}\n`);
    // Warnings are marked apart from errors and do not fail lint (exit 0 when they are all there is).
    for (const warning of report.warnings) process.stdout.write(`${pc.yellow('!')} warning: ${printable(formatProblem(warning))}\n`);
    const counted = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
    const verdict = report.problems.length === 0 ? pc.green('no problems') : pc.red(counted(report.problems.length, 'problem'));
    const warned = report.warnings.length === 0 ? '' : `, ${pc.yellow(counted(report.warnings.length, 'warning'))}`;
    process.stdout.write(
      `${counted(report.customers.length, 'customer profile')} checked in ${printable(directory)}: ${verdict}${warned}\n`,
    );
  }
  return report.problems.length === 0 ? 0 : 2;
}

/** `firstpass profiles show <id>`: the customer's procedure, checklist, contacts and settings. */
export async function runProfilesShow(directory: string, id: string, json: boolean): Promise<number> {
  const resolved = await showProfile(directory, id);
  if (json) {
    process.stdout.write(
      `${printableJson(JSON.stringify({ profile: resolved.profile, chain: resolved.chain, origins: Object.fromEntries(resolved.origins) }, null, 2))}\n`,
    );
  } else {
    process.stdout.write(describeProfile(resolved, directory));
  }
  return 0;
}

function describeProfile(resolved: ProfileView, directory: string): string {
  const { profile } = resolved;
  const name = (file: string) => printable(relative(directory, file) || file);
  const lines: string[] = [];
  lines.push(pc.bold(printable(`${profile.name} (${profile.id})`)));
  lines.push(`Profile: ${resolved.chain.map(name).reverse().join(' extends ')}`);
  lines.push(printable(`Format:  ${profile.format.type}${profile.format.version ? ` ${profile.format.version}` : ''}`));
  lines.push(printable(`Channel: ${describeChannel(profile.channel as unknown as Record<string, unknown>)}`));
  lines.push(printable(`Currencies: ${profile.currencies.join(', ')}`));
  const submission = profile.submission;
  lines.push('', pc.bold('Submission procedure'));
  lines.push(submission?.procedure ? indent(printableLines(submission.procedure.trim())) : '  (none written yet)');
  lines.push('', pc.bold('Checklist'));
  lines.push(...(submission?.checklist?.length ? submission.checklist.map((item) => `  [ ] ${printable(item)}`) : ['  (none)']));
  lines.push('', pc.bold('Contacts'));
  lines.push(
    ...(submission?.contacts?.length
      ? submission.contacts.map(
          (contact) =>
            `  ${printable([contact.name, contact.role && `(${contact.role})`, contact.email, contact.phone].filter(Boolean).join('  '))}`,
        )
      : ['  (none)']),
  );
  lines.push('', pc.bold('Settings, and the file each comes from'));
  const width = Math.min(48, Math.max(...resolved.settings.map(({ pointer }) => pointer.length)));
  for (const { pointer, value, file } of resolved.settings) {
    lines.push(`  ${printable(pointer).padEnd(width)}  ${printable(describeSetting(value)).padEnd(28)}  ${pc.dim(name(file))}`);
  }
  return `${lines.join('\n')}\n`;
}

function describeChannel(channel: Record<string, unknown>): string {
  switch (channel.type) {
    case 'portal':
      return `portal (${String(channel.flavor)}) ${String(channel.url)}`;
    case 'sftp':
      return `sftp ${String(channel.username)}@${String(channel.host)}:${String(channel.port ?? 22)}${String(channel.remoteDir)}`;
    case 'email':
      return `email to ${[channel.to].flat().join(', ')}`;
    default:
      return String(channel.type);
  }
}

function describeSetting(value: unknown): string {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const secret = value as { env?: string; file?: string };
    if (secret.env) return `secret from $${secret.env}`;
    if (secret.file) return `secret from file ${secret.file}`;
  }
  const text = JSON.stringify(value) ?? '';
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

/** `firstpass profiles suggest <id>`: the rules that would have held this customer's rejected invoices, with the diffs. */
export async function runProfilesSuggest(options: SuggestOptions & { readonly json: boolean }): Promise<number> {
  const report = await suggestRules(options);
  if (options.json) {
    process.stdout.write(`${printableJson(JSON.stringify(report, null, 2))}\n`);
    return 0;
  }
  process.stdout.write(printableLines(describeLessons(report)));
  for (const change of report.changes) if (change.diff !== '') process.stdout.write(`\n${printableLines(change.diff)}`);
  return 0;
}

function describeLessons(report: SuggestReport): string {
  const listed = report.rejections.filter((rejection) => rejection.status !== 'caught');
  const caught = report.rejections.length - listed.length;
  const lines = [
    `${report.rejections.length} rejection${report.rejections.length === 1 ? '' : 's'} of ${report.customerId} in the store: ${caught} predicted by an active rule that holds the invoice now, ${listed.length} to learn from (profile ${report.profileFile})`,
  ];
  for (const rejection of listed) {
    const system =
      rejection.systemFrom === 'edi answer'
        ? rejection.system
        : rejection.system !== null
          ? `${rejection.system} codes (the profile's rejectionCodes)`
          : 'system unknown: the code was matched in every system';
    lines.push(
      '',
      `${rejection.invoiceNumber} version ${rejection.version}, rejected ${rejection.rejectedAt} via ${rejection.source}: ${rejection.code ?? '(no code)'}${rejection.text ? ` ${rejection.text}` : ''} [${system}]`,
      `  ${rejection.status}${rejection.predictedBy.length > 0 ? `: predicted by ${rejection.predictedBy.map((rule) => `${rule.rule} (${rule.state}${rule.acrossSystems ? `, ${rule.predicts.system} code` : ''})`).join(', ')}` : ''}`,
    );
    for (const suggestion of rejection.suggestions) {
      const setting = typeof suggestion.setting === 'object' ? ` ${JSON.stringify(suggestion.setting)}` : '';
      lines.push(`  → ${suggestion.change} ${suggestion.rule}${setting} in ${suggestion.file}: ${suggestion.proof}`);
      if (suggestion.paramsNote !== undefined) lines.push(`    parameters from ${suggestion.paramsFrom}: ${suggestion.paramsNote}`);
    }
    for (const note of rejection.notes) lines.push(`  note: ${note}`);
  }
  if (report.changes.length > 0) {
    lines.push('', 'Changes to apply:');
    for (const change of report.changes)
      lines.push(`  ${change.change} ${change.rule}${change.proven ? '' : ' (not proven)'}: would have held ${change.invoices.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}
