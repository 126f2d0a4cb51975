import { z } from 'zod';

/**
 * The zod schemas of `<home>/edigate.yaml` and `<home>/partner-profiles/<id>.yaml`.
 * These keys are a contract shared with the maps and ledger code: add keys,
 * never rename them. Paths are kept as written here; `load.ts` resolves them
 * relative to the file that names them.
 */

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `15m`, `30s`, `2h`, `1d`, `500ms` or a number of milliseconds. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/i.exec(value);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * (UNITS[m[2]!.toLowerCase()] ?? NaN));
}

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1024,
  k: 1024,
  mb: 1024 ** 2,
  m: 1024 ** 2,
  gb: 1024 ** 3,
  g: 1024 ** 3,
};

/** Parses `100mb`, `512kb`, `1gb` or a number of bytes. */
export function parseSize(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb?|mb?|gb?)?\s*$/i.exec(value);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * (SIZE_UNITS[(m[2] ?? 'b').toLowerCase()] ?? NaN));
}

const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `not a duration: ${String(v)} (use e.g. 15m, 30s, 2h, 1d)` });
    return z.NEVER;
  }
  return ms;
});

const size = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const bytes = parseSize(v);
  if (bytes === undefined) {
    ctx.addIssue({ code: 'custom', message: `not a size: ${String(v)} (use e.g. 100mb, 512kb, or bytes)` });
    return z.NEVER;
  }
  return bytes;
});

/** An AS2 name: RFC 4130 §6.2, 1–128 printable ASCII characters. */
const as2Name = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/, 'AS2 names are printable ASCII (RFC 4130 §6.2)');

const x12Party = z.strictObject({ qualifier: z.string().min(1).max(2), id: z.string().min(1).max(15) });
const edifactParty = z.strictObject({ id: z.string().min(1).max(35), qualifier: z.string().max(4).optional() });

/** A key pair of ours; `key` and `certificate` are PEM file paths; `keyPassphrase` opens an encrypted key. */
const keyPair = z.strictObject({
  key: z.string().min(1),
  certificate: z.string().min(1),
  keyPassphrase: z.string().optional(),
});

/** `edigate.yaml`. */
export const gatewayConfigSchema = z.looseObject({
  as2: z.strictObject({
    /** Our AS2 name (AS2-To on inbound, AS2-From on outbound). */
    id: as2Name,
    /** PEM private key file. */
    key: z.string().min(1),
    /** PEM certificate file. */
    certificate: z.string().min(1),
    /** Passphrase of an encrypted key (`ENCRYPTED PRIVATE KEY`); EDIGATE_KEY_PASSPHRASE overrides it. */
    keyPassphrase: z.string().optional(),
    /** Older key pairs still accepted for decryption during a rollover. */
    previousKeys: z.array(keyPair).default([]),
    /** The key files are demo ones: generate them when absent. */
    demo: z.boolean().default(false),
    /** Public URL partners post to (documentation only; shown by `partners list`). */
    url: z.string().url().optional(),
  }),
  x12: x12Party.optional(),
  edifact: edifactParty.optional(),
  http: z
    .strictObject({
      port: z.number().int().min(0).max(65535).default(8080),
      host: z.string().optional(),
      maxBodySize: size.default(100 * 1024 ** 2),
      /** Headers must arrive within this time (slow-loris guard). */
      headersTimeout: duration.default(30_000),
      /** The whole request must arrive within this time. */
      requestTimeout: duration.default(600_000),
    })
    .default({ port: 8080, maxBodySize: 100 * 1024 ** 2, headersTimeout: 30_000, requestTimeout: 600_000 }),
  database: z.strictObject({ url: z.string().min(1).optional() }).default({}),
  archive: z
    .strictObject({
      dir: z.string().min(1).optional(),
      fsync: z.boolean().default(true),
      /** The MDN also waits for the payload's own file (by default, for the raw request that holds it). */
      syncPayloadBeforeMdn: z.boolean().default(false),
    })
    .default({ fsync: true, syncPayloadBeforeMdn: false }),
  log: z
    .strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
    .default({ level: 'info' }),
  crypto: z
    .strictObject({
      /** Worker threads for the RSA private-key operation of decryption (0: on the event loop). */
      workers: z.number().int().min(0).max(16).default(1),
    })
    .default({ workers: 1 }),
});

export const digestAlgorithms = ['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512'] as const;
export const encryptionAlgorithms = [
  'aes-256-cbc',
  'aes-192-cbc',
  'aes-128-cbc',
  'des-ede3-cbc',
  'aes-128-gcm',
  'aes-256-gcm',
] as const;
export const keyTransports = [
  'rsa-pkcs1v15',
  'rsa-oaep-sha1',
  'rsa-oaep-sha224',
  'rsa-oaep-sha256',
  'rsa-oaep-sha384',
  'rsa-oaep-sha512',
] as const;

const retry = z.strictObject({
  maxAttempts: z.number().int().min(1).max(100).default(5),
  /** Cap of the exponential backoff; full jitter draws the wait from [0, min(cap, base·2^n)]. */
  backoffCap: duration.default(600_000),
  backoffBase: duration.default(1_000),
});

/** The `as2` block of a partner profile. */
export const partnerAs2Schema = z
  .strictObject({
    /** The partner's AS2 name (AS2-From on inbound). */
    id: as2Name,
    /** Where we post outbound messages. */
    url: z.string().url().optional(),
    /** The partner's certificate (PEM file path). */
    certificate: z.string().min(1).optional(),
    /** Two certificates during a rollover. */
    certificates: z.array(z.string().min(1)).max(4).optional(),
    /** Their key (demo partners only: lets `edigate send --as <partner>` and tests act as them). */
    key: z.string().min(1).optional(),
    /** Demo partner: generate its key pair when the files are absent. */
    demo: z.boolean().default(false),
    requireSigned: z.boolean().default(true),
    requireEncrypted: z.boolean().default(true),
    signingAlgorithm: z.enum(digestAlgorithms).default('sha-256'),
    encryptionAlgorithm: z.enum(encryptionAlgorithms).default('aes-256-cbc'),
    keyTransport: z.enum(keyTransports).default('rsa-pkcs1v15'),
    /** Outbound: sign, encrypt or compress (or not). */
    sign: z.boolean().default(true),
    encrypt: z.boolean().default(true),
    compress: z.union([z.literal(false), z.enum(['before-sign', 'after-sign'])]).default(false),
    /** Outbound: the MDN we ask for. `async` is our URL for async MDNs. */
    mdn: z
      .strictObject({ signed: z.boolean().default(true), async: z.string().url().optional() })
      .default({ signed: true }),
    /** Inbound algorithms we accept (all when absent). */
    acceptedSigningAlgorithms: z.array(z.enum(digestAlgorithms)).optional(),
    acceptedEncryptionAlgorithms: z.array(z.enum(encryptionAlgorithms)).optional(),
    /** Spelling of micalg names (`sha-256` vs `sha256`); absent: echo the partner's spelling, RFC 5751 names when we start. */
    micalgNames: z.enum(['rfc5751', 'legacy']).optional(),
    allowExpiredCertificate: z.boolean().default(false),
    maxBodySize: size.optional(),
    /** Outbound TLS client certificate (PEM paths) and extra CA. */
    tls: z
      .strictObject({
        key: z.string().optional(),
        certificate: z.string().optional(),
        ca: z.string().optional(),
        rejectUnauthorized: z.boolean().default(true),
      })
      .optional(),
    /** Outbound request timeout. */
    timeout: duration.default(120_000),
    retry: retry.default({ maxAttempts: 5, backoffCap: 600_000, backoffBase: 1_000 }),
  })
  .refine((v) => !(v.certificate && v.certificates), {
    message: 'use either certificate or certificates, not both',
    path: ['certificates'],
  });

/** `partner-profiles/<id>.yaml`. Loose at the top: other parts (maps, acks) add their own keys. */
export const partnerProfileSchema = z
  .looseObject({
    id: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'partner ids are letters, digits, _ . -'),
    name: z.string().min(1),
    /** How the partner exchanges documents. Only `as2` is served today. */
    mode: z.enum(['as2', 'api', 'sftp']).default('as2'),
    contact: z.string().optional(),
    as2: partnerAs2Schema.optional(),
    x12: x12Party.optional(),
    edifact: edifactParty.optional(),
    sla: z.looseObject({ ack: duration.optional() }).optional(),
    retention: z.looseObject({ days: z.number().int().min(1).optional() }).optional(),
  })
  .refine((v) => v.mode !== 'as2' || v.as2 !== undefined, { message: 'mode as2 needs an as2 block', path: ['as2'] });

export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>;
export type GatewayConfigFile = z.output<typeof gatewayConfigSchema>;
export type PartnerProfileFile = z.output<typeof partnerProfileSchema>;
export type PartnerAs2File = z.output<typeof partnerAs2Schema>;
