import { relative } from 'node:path';
import pc from 'picocolors';
import { DEMO_LESSON, DEMO_TODAY, prepareDemoWorkspace, type DemoWorkspace } from '../pipeline/demo-workspace.js';
import { runAck } from './ack-command.js';
import { runAcks } from './acks-command.js';
import { printable } from './printable.js';
import { runProfilesSuggest } from './profiles-command.js';
import { runReport } from './report-command.js';
import { runResubmit } from './resubmit-command.js';
import { runSubmit } from './submit-command.js';

/**
 * `firstpass demo`: the whole flow against the local sandbox, in a workspace of its own, told as
 * the commands a billing specialist would type. Each step runs the real command in this process
 * (the same code and output as typing it), under a heading that shows the command line. The
 * sandbox is stopped however the demo ends, so nothing is left running.
 */

interface DemoStep {
  /** What the step shows, in a sentence. */
  readonly title: string;
  /** The command a person would type (paths relative to the workspace). */
  readonly command: string;
  /** The exit status the step is expected to end with: anything else stops the demo. */
  readonly expect: readonly number[];
  readonly run: () => Promise<number>;
}

export async function runDemo(): Promise<number> {
  const started = Date.now();
  const workspace = await prepareDemoWorkspace();
  const say = (line = '') => process.stdout.write(`${printable(line)}\n`);
  // The commands read the sandbox's secrets from the environment, as after `. sandbox.env`.
  const saved = new Map(Object.keys(workspace.sandbox.environment).map((key) => [key, process.env[key]]));
  Object.assign(process.env, workspace.sandbox.environment);
  try {
    say(pc.bold('firstpass demo'));
    say(`workspace: ${workspace.directory}`);
    say(
      `sandbox:   portal, SFTP and SMTP servers on 127.0.0.1 playing the customers (the buyer knows its purchase orders); profiles in ${rel(workspace, workspace.sandbox.profilesDirectory)}/`,
    );
    say(
      `note:      the demo switched off ${DEMO_LESSON.rule} in ${DEMO_LESSON.customer}'s profile copy, as a specialist new to that customer might have: watch the buyer catch what it would have.`,
    );
    for (const [index, step] of steps(workspace).entries()) {
      say();
      say(pc.bold(`${index + 1}. ${step.title}`));
      say(pc.dim(`$ firstpass ${step.command}`));
      const status = await step.run();
      if (!step.expect.includes(status)) {
        process.stderr.write(`firstpass demo: step ${index + 1} ended with exit status ${status}, expected ${step.expect.join(' or ')}\n`);
        return 3;
      }
    }
    say();
    say(pc.bold(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`));
    say(`first-pass report: ${workspace.report}`);
    say(`everything the customers received: ${workspace.sandbox.directory}`);
    return 0;
  } finally {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await workspace.sandbox.stop();
  }
}

function steps(workspace: DemoWorkspace): DemoStep[] {
  const profiles = workspace.sandbox.profilesDirectory;
  const common = { profilesDirectory: profiles, database: workspace.database };
  const pos = [workspace.purchaseOrders];
  const p = (path: string) => rel(workspace, path);
  return [
    {
      title:
        'Submit the examples: each is checked against its customer profile; broken ones stay home, the rest go out by portal, SFTP and e-mail',
      command: `submit ${p(workspace.invoices)} --profiles ${p(profiles)} --pos ${p(workspace.purchaseOrders)} --today ${DEMO_TODAY}`,
      expect: [1],
      run: () => runSubmit({ ...common, paths: [workspace.invoices], poPaths: pos, today: DEMO_TODAY, dryRun: false, json: false }),
    },
    {
      title: "Collect the customers' answers: 997/824 and CONTRL/APERAK files from the SFTP ack folders, portal statuses",
      command: `acks --profiles ${p(profiles)}`,
      expect: [0, 1],
      run: () => runAcks({ ...common, json: false }),
    },
    {
      title: 'Pinecrest answers by e-mail: record its decision by hand',
      command: 'ack CP-2611-0414 --accepted',
      expect: [0],
      run: () => runAck({ database: workspace.database, invoiceNumber: 'CP-2611-0414', decision: 'accepted', json: false }),
    },
    {
      title: `Learn from the rejection: which rule would have held it (proven on the stored invoice)`,
      command: `profiles suggest ${DEMO_LESSON.customer} --profiles ${p(profiles)} --pos ${p(workspace.purchaseOrders)}`,
      expect: [0],
      run: () => runProfilesSuggest({ ...common, customerId: DEMO_LESSON.customer, poPaths: pos, json: false }),
    },
    {
      title: 'Correct the rejected invoice (Ariba wants a new number that supersedes it) and resubmit',
      command: `resubmit ${p(workspace.corrections)} --profiles ${p(profiles)} --pos ${p(workspace.purchaseOrders)} --today ${DEMO_TODAY}`,
      expect: [0],
      run: () => runResubmit({ ...common, paths: [workspace.corrections], poPaths: pos, today: DEMO_TODAY, dryRun: false, json: false }),
    },
    {
      title: 'Collect answers again: the correction is accepted',
      command: `acks --profiles ${p(profiles)}`,
      expect: [0, 1],
      run: () => runAcks({ ...common, json: false }),
    },
    {
      title: 'The first-pass report a manager reads, by customer',
      command: `report --by customer --profiles ${p(profiles)}`,
      expect: [0],
      run: () => runReport({ ...common, profilesGiven: true, by: 'customer', format: 'table' }),
    },
    {
      title: 'The same as one HTML file to open by double-click (charts included, nothing fetched from the network)',
      command: `report --by customer --format html --out ${p(workspace.report)} --profiles ${p(profiles)}`,
      expect: [0],
      run: () => runReport({ ...common, profilesGiven: true, by: 'customer', format: 'html', out: workspace.report }),
    },
  ];
}

function rel(workspace: DemoWorkspace, path: string): string {
  return relative(workspace.directory, path) || '.';
}
