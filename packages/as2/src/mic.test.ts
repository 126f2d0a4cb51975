import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import {
  chooseMicAlgorithm,
  computeMic,
  micAlgorithmName,
  micEquals,
  normalizeMicAlgorithm,
  parseDispositionNotificationOptions,
  parseReceivedContentMic,
} from './mic.js';

describe('micalg names', () => {
  it.each([
    ['sha1', 'sha-1'],
    ['SHA-1', 'sha-1'],
    ['sha256', 'sha-256'],
    ['sha-256', 'sha-256'],
    ['sha_512', 'sha-512'],
    ['rsa-sha384', 'sha-384'],
    ['md5', undefined],
    ['sha3-256', undefined],
  ])('%s -> %s', (name, expected) => {
    expect(normalizeMicAlgorithm(name)).toBe(expected);
  });

  it('spells names per partner preference', () => {
    expect(micAlgorithmName('sha-256')).toBe('sha-256');
    expect(micAlgorithmName('sha-256', 'legacy')).toBe('sha256');
    expect(micAlgorithmName('sha-1', 'legacy')).toBe('sha1');
  });
});

describe('Disposition-Notification-Options', () => {
  it('reads the RFC 4130 §7.3 example and picks the first supported algorithm', () => {
    const o = parseDispositionNotificationOptions(
      'signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, md5, sha1, sha-256',
    );
    expect(o.signedReceiptProtocol).toEqual({ importance: 'optional', values: ['pkcs7-signature'] });
    expect(o.signedReceiptMicalg?.values).toEqual(['md5', 'sha1', 'sha-256']);
    expect(chooseMicAlgorithm(o.signedReceiptMicalg!.values)).toEqual({ algorithm: 'sha-1', requestedName: 'sha1' });
  });

  it('is lenient about case, quotes and a missing importance', () => {
    const o = parseDispositionNotificationOptions(
      'Signed-Receipt-Protocol=Required,"pkcs7-signature"; signed-receipt-micalg=sha256',
    );
    expect(o.signedReceiptProtocol).toEqual({ importance: 'required', values: ['pkcs7-signature'] });
    expect(o.signedReceiptMicalg).toEqual({ importance: 'optional', values: ['sha256'] });
    expect(parseDispositionNotificationOptions(undefined)).toEqual({});
    expect(chooseMicAlgorithm(['md5'])).toBeUndefined();
  });
});

describe('MIC', () => {
  it('is the base64 digest over the chunks in order', () => {
    const expected = createHash('sha256').update('ab').digest('base64');
    expect(computeMic(Buffer.from('ab'), 'sha-256')).toBe(expected);
    expect(computeMic([Buffer.from('a'), Buffer.from('b')], 'sha-256')).toBe(expected);
  });

  it('reads and compares Received-Content-MIC across spellings', () => {
    const m = parseReceivedContentMic(' abc=, sha1')!;
    expect(m).toEqual({ digest: 'abc=', algorithm: 'sha1' });
    expect(micEquals(m, { digest: 'abc=', algorithm: 'SHA-1' })).toBe(true);
    expect(micEquals(m, { digest: 'abd=', algorithm: 'sha-1' })).toBe(false);
    expect(parseReceivedContentMic('nocomma')).toBeUndefined();
  });
});
