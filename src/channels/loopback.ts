import { isIP } from 'node:net';

/** Only localhost, 127.x.y.z and ::1 count as loopback; another name that resolves there does not. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1';
}
