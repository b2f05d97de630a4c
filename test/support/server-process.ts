import { createServer } from 'node:net';

/** A port on loopback free a moment ago: for a server process the test starts (sshd, Exim). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves once `ready()` holds; fails when the server `name` exits first or after 10 s, with what it said. */
export async function waitForServer(name: string, ready: () => boolean, exited: Promise<unknown>, said: () => string): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  for (let waited = 0; !ready(); waited += 20) {
    if (gone) throw new Error(`${name} exited before it listened: ${said()}`);
    if (waited > 10_000) throw new Error(`${name} did not listen within 10 s: ${said()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
