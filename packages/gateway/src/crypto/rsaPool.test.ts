import { constants, generateKeyPairSync, privateDecrypt, publicEncrypt, randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { RsaPool } from './rsaPool.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pool = new RsaPool(2);
afterAll(() => pool.close());

describe('RsaPool', () => {
  it('does what privateDecrypt does, for several keys at once', async () => {
    const jobs = Array.from({ length: 20 }, (_, i) => {
      const keys = i % 2 ? other : { privateKey, publicKey };
      const block = publicEncrypt({ key: keys.publicKey, padding: constants.RSA_PKCS1_PADDING }, randomBytes(32));
      return { key: keys.privateKey, block };
    });
    const results = await Promise.all(
      jobs.map((j) => pool.privateDecrypt({ key: j.key, padding: constants.RSA_NO_PADDING, data: j.block })),
    );
    results.forEach((r, i) =>
      expect(r!.equals(privateDecrypt({ key: jobs[i]!.key, padding: constants.RSA_NO_PADDING }, jobs[i]!.block))).toBe(
        true,
      ),
    );
  });

  it('OAEP with SHA-256', async () => {
    const cek = randomBytes(32);
    const data = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, cek);
    const r = await pool.privateDecrypt({
      key: privateKey,
      padding: constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: 'sha256',
      data,
    });
    expect(r?.equals(cek)).toBe(true);
  });

  it('an operation OpenSSL refuses resolves undefined', async () => {
    const r = await pool.privateDecrypt({
      key: privateKey,
      padding: constants.RSA_PKCS1_OAEP_PADDING,
      data: randomBytes(256),
    });
    expect(r).toBeUndefined();
  });

  it('a closed pool rejects', async () => {
    const p = new RsaPool(1);
    await p.close();
    await expect(
      p.privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING, data: randomBytes(256) }),
    ).rejects.toThrow(/closed/);
  });
});
