import ssh2 from 'ssh2';

const { utils } = ssh2;

/**
 * An ed25519 key pair in OpenSSH form. ssh2's generator drops the leading byte of a public key
 * that starts with 0x00 (about 1 key in 256), and then cannot parse its own output; such a pair
 * is made again.
 */
export function ed25519KeyPair(): { readonly private: string; readonly public: string } {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const pair = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.public) instanceof Error)) return pair;
  }
  throw new Error('ssh2 made 20 ed25519 keys in a row that it cannot read');
}
