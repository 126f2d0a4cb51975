/**
 * Message Integrity Check (RFC 4130 §7.3.1) and the MDN request options
 * that choose its algorithm (RFC 4130 §7.3, RFC 3798 §2.2).
 */
import { createHash } from 'node:crypto';

/** Digest algorithms we compute a MIC with, in RFC 5751 §3.4.3.2 spelling. MD5 is not supported (RFC 6151: broken). */
export type MicAlgorithm = 'sha-1' | 'sha-224' | 'sha-256' | 'sha-384' | 'sha-512';

/** How algorithm names are spelled towards a partner: RFC 5751 (`sha-256`) or the older RFC 3851 style (`sha256`, `sha1`). */
export type MicalgNames = 'rfc5751' | 'legacy';

const NODE_HASH: Record<MicAlgorithm, string> = {
  'sha-1': 'sha1',
  'sha-224': 'sha224',
  'sha-256': 'sha256',
  'sha-384': 'sha384',
  'sha-512': 'sha512',
};

/**
 * Our name for a micalg as written by any product: `sha1`, `SHA-1`,
 * `sha256`, `sha-256`, `sha_256`, `rsa-sha256`… Undefined for what we do not
 * support (`md5`, unknown names).
 */
export function normalizeMicAlgorithm(name: string): MicAlgorithm | undefined {
  const m = /^(?:rsa-?)?sha[-_]?(1|224|256|384|512)$/.exec(name.trim().toLowerCase());
  if (!m) return undefined;
  return `sha-${m[1]}` as MicAlgorithm;
}

/** True when the name is spelled the legacy way (`sha1`, `sha256`: no hyphen). */
export function isLegacyMicalgName(name: string): boolean {
  return /^sha\d+$/i.test(name.trim());
}

/** The algorithm's name in the requested spelling (`sha-256` or `sha256`). */
export function micAlgorithmName(algorithm: MicAlgorithm, names: MicalgNames = 'rfc5751'): string {
  return names === 'legacy' ? algorithm.replace('-', '') : algorithm;
}

/** Node's hash name for a MIC algorithm. */
export function nodeHashName(algorithm: MicAlgorithm): string {
  return NODE_HASH[algorithm];
}

/** Base64 digest of `content` (one buffer or several, hashed in order, no concatenation copy). */
export function computeMic(content: Uint8Array | readonly Uint8Array[], algorithm: MicAlgorithm): string {
  const hash = createHash(NODE_HASH[algorithm]);
  if (content instanceof Uint8Array) hash.update(content);
  else for (const chunk of content) hash.update(chunk);
  return hash.digest('base64');
}

/** One `name=importance, value, value` parameter of Disposition-Notification-Options. */
export interface DispositionOption {
  importance: 'required' | 'optional';
  values: string[];
}

/** Disposition-Notification-Options as read (RFC 3798 §2.2, RFC 4130 §7.3). */
export interface DispositionNotificationOptions {
  signedReceiptProtocol?: DispositionOption;
  signedReceiptMicalg?: DispositionOption;
}

/**
 * Reads `signed-receipt-protocol=optional, pkcs7-signature;
 * signed-receipt-micalg=optional, sha-256, sha1`. Lenient: names are
 * case-insensitive, a missing importance counts as `optional`, and quotes
 * around values are removed. Unknown parameters are ignored.
 */
export function parseDispositionNotificationOptions(value: string | undefined): DispositionNotificationOptions {
  const out: DispositionNotificationOptions = {};
  if (!value) return out;
  for (const param of value.split(';')) {
    const eq = param.indexOf('=');
    if (eq === -1) continue;
    const name = param.slice(0, eq).trim().toLowerCase();
    const items = param
      .slice(eq + 1)
      .split(',')
      .map((v) => v.trim().replace(/^"|"$/g, '').trim())
      .filter((v) => v !== '');
    let importance: DispositionOption['importance'] = 'optional';
    const head = items[0]?.toLowerCase();
    if (head === 'required' || head === 'optional') {
      importance = head;
      items.shift();
    }
    const option: DispositionOption = { importance, values: items };
    if (name === 'signed-receipt-protocol') out.signedReceiptProtocol = option;
    else if (name === 'signed-receipt-micalg') out.signedReceiptMicalg = option;
  }
  return out;
}

/**
 * RFC 4130 §7.3: the first algorithm in the partner's list that we support,
 * with the name the partner used. Undefined when none is supported.
 */
export function chooseMicAlgorithm(
  requested: readonly string[],
): { algorithm: MicAlgorithm; requestedName: string } | undefined {
  for (const name of requested) {
    const algorithm = normalizeMicAlgorithm(name);
    if (algorithm) return { algorithm, requestedName: name };
  }
  return undefined;
}

/** `Received-Content-MIC: <digest>, <alg>` value (RFC 4130 §7.4.3). */
export function formatReceivedContentMic(mic: { digest: string; algorithm: string }): string {
  return `${mic.digest}, ${mic.algorithm}`;
}

/** Reads a Received-Content-MIC value; undefined when it has no comma-separated algorithm. */
export function parseReceivedContentMic(value: string | undefined): { digest: string; algorithm: string } | undefined {
  if (!value) return undefined;
  const comma = value.lastIndexOf(',');
  if (comma === -1) return undefined;
  const digest = value.slice(0, comma).replace(/\s+/g, '');
  const algorithm = value.slice(comma + 1).trim();
  if (digest === '' || algorithm === '') return undefined;
  return { digest, algorithm };
}

/** True when two MICs name the same algorithm (any spelling) and the same digest. */
export function micEquals(a: { digest: string; algorithm: string }, b: { digest: string; algorithm: string }): boolean {
  const algA = normalizeMicAlgorithm(a.algorithm) ?? a.algorithm.trim().toLowerCase();
  const algB = normalizeMicAlgorithm(b.algorithm) ?? b.algorithm.trim().toLowerCase();
  return algA === algB && a.digest.replace(/\s+/g, '') === b.digest.replace(/\s+/g, '');
}
