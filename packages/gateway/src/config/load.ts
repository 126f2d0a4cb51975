import crypto from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { z } from 'zod';
import { createSelfSigned, describeCertificate } from '../certs.js';
import {
  gatewayConfigSchema,
  partnerProfileSchema,
  type GatewayConfigFile,
  type PartnerAs2File,
  type PartnerProfileFile,
} from './schema.js';

/** One problem with a configuration file: which file, where, which field, what. */
export interface ConfigIssue {
  file: string;
  /** 1-based line, when known. */
  line?: number;
  column?: number;
  /** Dotted field path (`as2.certificate`), '' for the whole file. */
  field: string;
  message: string;
}

/** Thrown by {@link loadHomeStrict}; carries every issue found. */
export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map(formatConfigIssue).join('\n'));
    this.name = 'ConfigError';
  }
}

/** `file:line:column: field: message`. */
export function formatConfigIssue(i: ConfigIssue): string {
  const where = i.line ? `${i.file}:${i.line}${i.column ? `:${i.column}` : ''}` : i.file;
  return `${where}: ${i.field ? `${i.field}: ` : ''}${i.message}`;
}

/** A key pair of ours, loaded. */
export interface OurKey {
  privateKey: string;
  certificate: string;
  keyFile: string;
  certificateFile: string;
}

/** The `as2` block of a partner, with certificate files read. */
export interface PartnerAs2 extends Omit<PartnerAs2File, 'certificate' | 'certificates' | 'key' | 'tls'> {
  /** PEM certificates (one, or two during a rollover). */
  certificates: string[];
  certificateFiles: string[];
  /** The partner's private key (demo partners only). */
  key?: string;
  tls?: { key?: string; certificate?: string; ca?: string; rejectUnauthorized: boolean };
}

/** One partner profile, loaded. */
export interface PartnerProfile {
  id: string;
  name: string;
  mode: 'as2' | 'api' | 'sftp';
  contact?: string;
  x12?: { qualifier: string; id: string };
  edifact?: { id: string; qualifier?: string };
  /** `sla.ack` in milliseconds (the ledger's overdue acknowledgments). */
  sla?: { ack?: number; [k: string]: unknown };
  retention?: { days?: number; [k: string]: unknown };
  as2?: PartnerAs2;
  /** The file it was read from. */
  file: string;
  /** The whole file as parsed (keys other parts of edigate add, e.g. maps). */
  raw: PartnerProfileFile;
}

/** The whole home: edigate.yaml and every partner profile, with keys read. */
export interface HomeConfig {
  home: string;
  file: string;
  as2: { id: string; url?: string; keys: OurKey[] };
  x12?: GatewayConfigFile['x12'];
  edifact?: GatewayConfigFile['edifact'];
  http: GatewayConfigFile['http'];
  database: { url?: string; dataDir: string };
  archive: { dir: string; fsync: boolean; syncPayloadBeforeMdn: boolean };
  log: GatewayConfigFile['log'];
  crypto: GatewayConfigFile['crypto'];
  partners: PartnerProfile[];
  /** Things worth a log line (demo keys generated, …). */
  notices: string[];
}

/** Options of {@link loadHome}. */
export interface LoadHomeOptions {
  /** Environment (PORT, DATABASE_URL override the file). Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Generate demo keys that are marked demo and absent (default true). */
  generateDemoKeys?: boolean;
}

/** The default demo key folder. */
export function demoKeyDir(home: string): string {
  return path.join(home, '.edigate', 'demo-keys');
}

/**
 * Loads `<home>/edigate.yaml` and `<home>/partner-profiles/*.yaml`, validates
 * them with zod and reads the PEM files they name (paths relative to the file).
 * Never throws for bad input: returns every issue with file, line and field.
 */
export function loadHome(home: string, opts: LoadHomeOptions = {}): { config?: HomeConfig; issues: ConfigIssue[] } {
  home = path.resolve(home);
  const env = opts.env ?? process.env;
  const issues: ConfigIssue[] = [];
  const notices: string[] = [];
  const file = path.join(home, 'edigate.yaml');
  const parsed = parseYamlFile(file, gatewayConfigSchema, issues);
  const partners = loadPartners(home, { issues, notices, generate: opts.generateDemoKeys ?? true });
  if (!parsed) return { issues };
  const { value: cfg, locate } = parsed;
  const dir = path.dirname(file);
  const keys: OurKey[] = [];
  const envPassphrase = env.EDIGATE_KEY_PASSPHRASE || undefined;
  const pairs = [
    {
      key: cfg.as2.key,
      certificate: cfg.as2.certificate,
      keyPassphrase: envPassphrase ?? cfg.as2.keyPassphrase,
      at: ['as2'] as (string | number)[],
    },
    ...cfg.as2.previousKeys.map((p, i) => ({ ...p, at: ['as2', 'previousKeys', i] })),
  ];
  for (const pair of pairs) {
    const keyFile = path.resolve(dir, pair.key);
    const certificateFile = path.resolve(dir, pair.certificate);
    const demo = cfg.as2.demo || (isInside(demoKeyDir(home), keyFile) && isInside(demoKeyDir(home), certificateFile));
    if (demo && (opts.generateDemoKeys ?? true) && !existsSync(keyFile) && !existsSync(certificateFile)) {
      writeDemoPair({ keyFile, certificateFile, commonName: cfg.as2.id });
      notices.push(
        `generated demo key and certificate for ${cfg.as2.id} in ${path.dirname(keyFile)} (demo only, not for production)`,
      );
    }
    const keyAt = { file, field: [...pair.at, 'key'].join('.'), ...locate([...pair.at, 'key']) };
    const keyPem = readPem({ file: keyFile, kind: 'PRIVATE KEY', issues, at: keyAt });
    const privateKey =
      keyPem === undefined ? undefined : openPrivateKey(keyPem, keyFile, pair.keyPassphrase, issues, keyAt);
    const certificate = readPem({
      file: certificateFile,
      kind: 'CERTIFICATE',
      issues,
      at: { file, field: [...pair.at, 'certificate'].join('.'), ...locate([...pair.at, 'certificate']) },
    });
    if (privateKey && certificate) keys.push({ privateKey, certificate, keyFile, certificateFile });
  }
  const port = env.PORT !== undefined && env.PORT !== '' ? Number(env.PORT) : cfg.http.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    issues.push({ file: 'environment', field: 'PORT', message: `not a port: ${env.PORT}` });
  const dupIds = new Map<string, string>();
  for (const p of partners) {
    if (!p.as2) continue;
    const seen = dupIds.get(p.as2.id);
    if (seen) issues.push({ file: p.file, field: 'as2.id', message: `AS2 name ${p.as2.id} is also used by ${seen}` });
    dupIds.set(p.as2.id, p.file);
    if (p.as2.id === cfg.as2.id)
      issues.push({ file: p.file, field: 'as2.id', message: `AS2 name ${p.as2.id} is our own (edigate.yaml as2.id)` });
  }
  if (issues.length > 0) return { issues };
  return {
    config: {
      home,
      file,
      as2: { id: cfg.as2.id, ...(cfg.as2.url ? { url: cfg.as2.url } : {}), keys },
      ...(cfg.x12 ? { x12: cfg.x12 } : {}),
      ...(cfg.edifact ? { edifact: cfg.edifact } : {}),
      http: { ...cfg.http, port },
      database: {
        ...(env.DATABASE_URL || cfg.database.url ? { url: env.DATABASE_URL || cfg.database.url } : {}),
        dataDir: path.join(home, '.edigate', 'ledger'),
      },
      archive: {
        dir: cfg.archive.dir ? path.resolve(dir, cfg.archive.dir) : path.join(home, '.edigate', 'archive'),
        fsync: cfg.archive.fsync,
        syncPayloadBeforeMdn: cfg.archive.syncPayloadBeforeMdn,
      },
      log: cfg.log,
      crypto: cfg.crypto,
      partners,
      notices,
    },
    issues,
  };
}

/** {@link loadHome} that throws a {@link ConfigError} listing every issue. */
export function loadHomeStrict(home: string, opts: LoadHomeOptions = {}): HomeConfig {
  const { config, issues } = loadHome(home, opts);
  if (!config) throw new ConfigError(issues);
  return config;
}

function loadPartners(
  home: string,
  ctx: { issues: ConfigIssue[]; notices: string[]; generate: boolean },
): PartnerProfile[] {
  const dir = path.join(home, 'partner-profiles');
  if (!existsSync(dir)) return [];
  const out: PartnerProfile[] = [];
  const ids = new Map<string, string>();
  for (const name of readdirSync(dir).sort()) {
    if (!/\.ya?ml$/i.test(name)) continue;
    const file = path.join(dir, name);
    const parsed = parseYamlFile(file, partnerProfileSchema, ctx.issues);
    if (!parsed) continue;
    const { value: p, locate } = parsed;
    const expected = name.replace(/\.ya?ml$/i, '');
    if (p.id !== expected)
      ctx.issues.push({
        file,
        field: 'id',
        message: `id ${p.id} does not match the file name ${name}`,
        ...locate(['id']),
      });
    const other = ids.get(p.id);
    if (other) ctx.issues.push({ file, field: 'id', message: `partner id ${p.id} is also used by ${other}` });
    ids.set(p.id, file);
    const profile: PartnerProfile = {
      id: p.id,
      name: p.name,
      mode: p.mode,
      ...(p.contact !== undefined ? { contact: p.contact } : {}),
      ...(p.x12 ? { x12: p.x12 } : {}),
      ...(p.edifact ? { edifact: p.edifact } : {}),
      ...(p.sla ? { sla: p.sla } : {}),
      ...(p.retention ? { retention: p.retention } : {}),
      file,
      raw: p,
    };
    const as2 = p.as2;
    if (as2) {
      const loaded = loadPartnerAs2({ as2, file, home, locate, ...ctx, name: p.name, partnerId: p.id });
      if (loaded) profile.as2 = loaded;
    }
    out.push(profile);
  }
  return out;
}

function loadPartnerAs2(ctx: {
  as2: PartnerAs2File;
  file: string;
  home: string;
  partnerId: string;
  name: string;
  locate: (p: (string | number)[]) => { line?: number; column?: number };
  issues: ConfigIssue[];
  notices: string[];
  generate: boolean;
}): PartnerAs2 | undefined {
  const { as2, file } = ctx;
  const dir = path.dirname(file);
  const { certificate, certificates: certList, key, tls, ...rest } = as2;
  const listed = certList ?? (certificate ? [certificate] : []);
  const field = certList ? 'as2.certificates' : 'as2.certificate';
  const certificateFiles = listed.map((c) => path.resolve(dir, c));
  const keyFile = key ? path.resolve(dir, key) : undefined;
  if (
    as2.demo &&
    ctx.generate &&
    certificateFiles.length === 1 &&
    keyFile &&
    !existsSync(certificateFiles[0]!) &&
    !existsSync(keyFile)
  ) {
    writeDemoPair({ keyFile, certificateFile: certificateFiles[0]!, commonName: as2.id, organization: ctx.name });
    ctx.notices.push(
      `generated demo key and certificate for partner ${ctx.partnerId} (${as2.id}) in ${path.dirname(keyFile)} (demo only)`,
    );
  }
  const certs: string[] = [];
  certificateFiles.forEach((f, i) => {
    const pem = readPem({
      file: f,
      kind: 'CERTIFICATE',
      issues: ctx.issues,
      at: {
        file,
        field: certList ? `${field}.${i}` : field,
        ...ctx.locate(certList ? ['as2', 'certificates', i] : ['as2', 'certificate']),
      },
    });
    if (pem) certs.push(pem);
  });
  if (listed.length === 0 && (as2.requireSigned || as2.encrypt)) {
    ctx.issues.push({
      file,
      field: 'as2.certificate',
      message: 'a certificate is needed to verify signatures (requireSigned) or to encrypt',
      ...ctx.locate(['as2']),
    });
  }
  const keyPem = keyFile
    ? readPem({
        file: keyFile,
        kind: 'PRIVATE KEY',
        issues: ctx.issues,
        at: { file, field: 'as2.key', ...ctx.locate(['as2', 'key']) },
      })
    : undefined;
  const readOpt = (p: string | undefined, kind: string, f: string): string | undefined =>
    p
      ? readPem({
          file: path.resolve(dir, p),
          kind,
          issues: ctx.issues,
          at: { file, field: `as2.tls.${f}`, ...ctx.locate(['as2', 'tls', f]) },
        })
      : undefined;
  return {
    ...rest,
    certificates: certs,
    certificateFiles,
    ...(keyPem ? { key: keyPem } : {}),
    ...(tls
      ? {
          tls: {
            rejectUnauthorized: tls.rejectUnauthorized,
            ...(tls.key ? { key: readOpt(tls.key, 'PRIVATE KEY', 'key') } : {}),
            ...(tls.certificate ? { certificate: readOpt(tls.certificate, 'CERTIFICATE', 'certificate') } : {}),
            ...(tls.ca ? { ca: readOpt(tls.ca, 'CERTIFICATE', 'ca') } : {}),
          },
        }
      : {}),
  };
}

function writeDemoPair(o: {
  keyFile: string;
  certificateFile: string;
  commonName: string;
  organization?: string;
}): void {
  const pair = createSelfSigned({
    commonName: o.commonName,
    days: 3650,
    ...(o.organization ? { organization: o.organization } : {}),
  });
  mkdirSync(path.dirname(o.keyFile), { recursive: true });
  mkdirSync(path.dirname(o.certificateFile), { recursive: true });
  writeFileSync(o.keyFile, pair.privateKey, { mode: 0o600 });
  writeFileSync(o.certificateFile, pair.certificate);
}

function readPem(o: {
  file: string;
  kind: string;
  issues: ConfigIssue[];
  at: Omit<ConfigIssue, 'message'>;
}): string | undefined {
  let text: string;
  try {
    text = readFileSync(o.file, 'utf8');
  } catch (err) {
    o.issues.push({ ...o.at, message: `cannot read ${o.file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
    return undefined;
  }
  const ok =
    o.kind === 'CERTIFICATE'
      ? describeCertificate(text) !== undefined
      : /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.test(text);
  if (!ok) {
    o.issues.push({ ...o.at, message: `${o.file} is not a PEM ${o.kind.toLowerCase()}` });
    return undefined;
  }
  return text;
}

/**
 * Checks that a PEM private key can be used, and opens an encrypted one
 * (`ENCRYPTED PRIVATE KEY`, or a traditional `Proc-Type: 4,ENCRYPTED` key,
 * as OpenAS2 and pyas2 users bring them) with its passphrase. Returns
 * unencrypted PKCS#8 PEM, held only in memory, or undefined with an issue that
 * says what to fix.
 */
function openPrivateKey(
  pem: string,
  keyFile: string,
  passphrase: string | undefined,
  issues: ConfigIssue[],
  at: Omit<ConfigIssue, 'message'>,
): string | undefined {
  const encrypted = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/.test(pem);
  if (encrypted && passphrase === undefined) {
    issues.push({
      ...at,
      message: `${keyFile} is encrypted: set as2.keyPassphrase (or the environment variable EDIGATE_KEY_PASSPHRASE), or store the key unencrypted`,
    });
    return undefined;
  }
  try {
    const key = crypto.createPrivateKey(encrypted ? { key: pem, passphrase: passphrase! } : pem);
    return encrypted ? (key.export({ type: 'pkcs8', format: 'pem' }) as string) : pem;
  } catch (err) {
    issues.push({
      ...at,
      message: encrypted
        ? `${keyFile} could not be opened with the passphrase given (wrong passphrase, or a cipher OpenSSL does not offer here)`
        : `${keyFile} is not a usable private key: ${err instanceof Error ? err.message : String(err)}`,
    });
    return undefined;
  }
}

function isInside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** Reads a YAML file and validates it; issues carry line positions (yaml `LineCounter`). */
function parseYamlFile<S extends z.ZodType>(
  file: string,
  schema: S,
  issues: ConfigIssue[],
): { value: z.output<S>; locate: (p: (string | number)[]) => { line?: number; column?: number } } | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    issues.push({ file, field: '', message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
    return undefined;
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = lineCounter.linePos(e.pos[0]);
      issues.push({ file, line: pos.line, column: pos.col, field: '', message: e.message.split('\n')[0] ?? e.message });
    }
    return undefined;
  }
  const locate = (p: (string | number)[]): { line?: number; column?: number } => {
    // The deepest node that exists on the path: a missing key points at its parent.
    let node: unknown = doc.contents;
    let found: Node | undefined = doc.contents ?? undefined;
    for (const k of p) {
      if (isMap(node)) {
        const pair = node.items.find((it) => (it.key as { value?: unknown } | null)?.value === k);
        if (!pair) break;
        node = pair.value;
        found = (pair.key as Node | null) ?? found;
      } else if (isSeq(node) && typeof k === 'number') {
        node = node.items[k];
        if (!node) break;
        found = node as Node;
      } else break;
    }
    const start = found?.range?.[0];
    if (start === undefined) return {};
    const pos = lineCounter.linePos(start);
    return { line: pos.line, column: pos.col };
  };
  const result = schema.safeParse(doc.toJS() ?? {});
  if (!result.success) {
    for (const i of result.error.issues) {
      const p = i.path.filter((x): x is string | number => typeof x !== 'symbol');
      issues.push({ file, field: p.join('.'), message: i.message, ...locate(p) });
    }
    return undefined;
  }
  return { value: result.data, locate };
}
