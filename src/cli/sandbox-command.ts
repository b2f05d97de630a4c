import { startSandbox, type RunningSandbox } from '../pipeline/start-sandbox.js';
import { printable } from './printable.js';

export interface SandboxCommandOptions {
  readonly directory?: string | undefined;
  readonly profilesDirectory: string;
}

/**
 * `firstpass sandbox`: starts the servers, says how to use them, and runs until Ctrl-C or
 * SIGTERM, then stops them and exits 0. Secrets are never printed: they are in the env file.
 */
export async function runSandbox(options: SandboxCommandOptions): Promise<number> {
  const sandbox = await startSandbox({ directory: options.directory, profilesDirectory: options.profilesDirectory });
  process.stdout.write(
    describe(sandbox)
      .map((line) => `${printable(line)}\n`)
      .join(''),
  );
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  await sandbox.stop();
  const received = sandbox.portalRequests();
  process.stdout.write(
    `\n${printable(`${signal}: sandbox stopped (${received} portal request${received === 1 ? '' : 's'} received); what arrived stays in ${sandbox.directory}`)}\n`,
  );
  return 0;
}

function describe(sandbox: RunningSandbox): string[] {
  const lines = [
    `sandbox folder: ${sandbox.directory}`,
    `portal  http://127.0.0.1:${sandbox.ports.portal} (rest ${sandbox.portalUrls.rest}, cxml ${sandbox.portalUrls.cxml})`,
    `sftp    127.0.0.1:${sandbox.ports.sftp}`,
    `smtp    127.0.0.1:${sandbox.ports.smtp} (STARTTLS)`,
    '',
    `profiles: ${sandbox.profilesDirectory} (each channel points at the sandbox)`,
    ...sandbox.channels.map(
      (channel) =>
        `  ${channel.file}: ${channel.type} → ${channel.destination ?? 'left as it was (the sandbox has no server for this channel)'}`,
    ),
    `secrets:  ${sandbox.envFile} (mode 600; the profiles name them with { "env": … })`,
    '',
    'submit to it (in another shell):',
    `  set -a; . ${sandbox.envFile}; set +a`,
    `  firstpass submit <invoices> --profiles ${sandbox.profilesDirectory} --db sqlite:${sandbox.directory}/firstpass.db`,
    '',
    'what arrives:',
    `  SFTP uploads   ${sandbox.sftpRoot}/…`,
    `  e-mails        ${sandbox.mailFolder}/<n>.eml`,
    `  portal posts   ${sandbox.portalFolder}/<n>-<file>`,
    '',
    'ready: Ctrl-C stops the sandbox',
  ];
  return lines;
}
