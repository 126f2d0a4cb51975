import { parseStringPromise } from 'xml2js';
import { stringify } from 'yaml';

/** A partner profile made from an OpenAS2 partnership (the YAML keys of partner-profiles/). */
export interface ImportedProfile {
  id: string;
  name: string;
  mode: 'as2';
  contact?: string;
  as2: {
    id: string;
    url?: string;
    certificate: string;
    requireSigned: boolean;
    requireEncrypted: boolean;
    sign: boolean;
    encrypt: boolean;
    signingAlgorithm?: string;
    encryptionAlgorithm?: string;
    compress?: 'before-sign';
    mdn?: { signed: boolean; async?: string };
  };
}

/** What {@link importOpenAs2} gives: profiles plus what could not be carried over. */
export interface OpenAs2Import {
  /** The OpenAS2 partner taken to be us. */
  us?: { name: string; as2Id: string };
  profiles: ImportedProfile[];
  /** Per partner: x509 alias whose certificate must be exported to `as2.certificate`. */
  certificates: { partnerId: string; alias: string; file: string }[];
  warnings: string[];
}

/** OpenAS2's `encrypt` values (BouncyCastle names, any case, `-`/`_` ignored) to ours. */
const ENCRYPTION: Record<string, string> = {
  '3des': 'des-ede3-cbc',
  desede3: 'des-ede3-cbc',
  tripledes: 'des-ede3-cbc',
  aes128: 'aes-128-cbc',
  aes192: 'aes-192-cbc',
  aes256: 'aes-256-cbc',
  aes128cbc: 'aes-128-cbc',
  aes192cbc: 'aes-192-cbc',
  aes256cbc: 'aes-256-cbc',
  aes128gcm: 'aes-128-gcm',
  aes256gcm: 'aes-256-gcm',
};

/** OpenAS2's `sign` values (`SHA1`, `SHA-256`, `sha256`, `SHA2_256`, …) to our digest names. */
function signingName(raw: string): string | undefined {
  const m = /^sha[-_]?(?:2[-_])?(1|224|256|384|512)$/i.exec(raw);
  return m ? `sha-${m[1]}` : undefined;
}

/**
 * Replaces OpenAS2's `$properties.NAME$` (config.xml `<properties>`, resolved
 * repeatedly as OpenAS2 does for nested references) and `$attribute.NAME$`
 * (the partnership's own attributes). Undefined when a placeholder is left.
 */
function resolvePlaceholders(
  value: string,
  properties: Readonly<Record<string, string>>,
  attributes: Readonly<Record<string, string>>,
): string | undefined {
  let out = value;
  for (let round = 0; round < 10 && out.includes('$'); round++) {
    const next = out.replace(/\$(properties|attribute)\.([^$]+)\$/g, (whole, kind: string, name: string) => {
      const v = kind === 'properties' ? properties[name] : attributes[name];
      return v ?? whole;
    });
    if (next === out) break;
    out = next;
  }
  return /\$(?:properties|attribute)\.[^$]+\$/.test(out) ? undefined : out;
}

/** The `<properties>` attributes of an OpenAS2 config.xml (for `$properties.NAME$`); empty when unreadable. */
export async function readOpenAs2Properties(configXml: string): Promise<Record<string, string>> {
  try {
    const doc = (await parseStringPromise(configXml, { explicitArray: true })) as {
      openas2?: { properties?: { $?: Record<string, string> }[] };
    };
    return { ...(doc?.openas2?.properties?.[0]?.$ ?? {}) };
  } catch {
    return {};
  }
}

type XmlNode = { $?: Record<string, string>; attribute?: XmlNode[]; sender?: XmlNode[]; receiver?: XmlNode[] };

/**
 * Turns an OpenAS2 `partnerships.xml` (`<partner name= as2_id= x509_alias=
 * email=>`, `<partnership>` with `<sender>`, `<receiver>` and `<attribute
 * name= value=>`) into edigate partner profiles. The partner we are is
 * `usAs2Id` when given (our edigate.yaml `as2.id`), else the one that takes
 * part in every partnership. Settings come from the partnership from us to the
 * partner (what we send); inbound requirements follow the same choices.
 * Never throws for bad XML: the problem comes back as a warning.
 */
export async function importOpenAs2(
  xml: string,
  opts: {
    usAs2Id?: string;
    usName?: string;
    /** config.xml's `<properties>` (see {@link readOpenAs2Properties}), for `$properties.NAME$` in attribute values. */
    properties?: Record<string, string>;
  } = {},
): Promise<OpenAs2Import> {
  let doc: { partnerships?: { partner?: XmlNode[]; partnership?: XmlNode[] } };
  try {
    doc = (await parseStringPromise(xml, { explicitArray: true })) as typeof doc;
  } catch (err) {
    return {
      profiles: [],
      certificates: [],
      warnings: [`not readable XML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`],
    };
  }
  const root = doc?.partnerships;
  if (!root) return { profiles: [], certificates: [], warnings: ['no <partnerships> element'] };
  const partners = (root.partner ?? []).map((p) => {
    const a = p.$ ?? {};
    // Older files put the partner's fields into nested <attribute> elements.
    for (const at of p.attribute ?? []) if (at.$?.name) a[at.$.name] = at.$.value ?? '';
    return a;
  });
  const ships = (root.partnership ?? []).map((s) => ({
    name: s.$?.name ?? '',
    sender: s.sender?.[0]?.$?.name ?? '',
    receiver: s.receiver?.[0]?.$?.name ?? '',
    attrs: Object.fromEntries((s.attribute ?? []).filter((a) => a.$?.name).map((a) => [a.$!.name!, a.$!.value ?? ''])),
  }));
  const warnings: string[] = [];
  let us = partners.find((p) => (opts.usName && p.name === opts.usName) || (opts.usAs2Id && p.as2_id === opts.usAs2Id));
  if (!us) {
    const inAll = partners.filter(
      (p) => ships.length > 0 && ships.every((s) => s.sender === p.name || s.receiver === p.name),
    );
    if (inAll.length === 1) us = inAll[0];
  }
  if (!us) warnings.push('could not tell which OpenAS2 partner is us (pass our AS2 id); importing every partner');
  const profiles: ImportedProfile[] = [];
  const certificates: OpenAs2Import['certificates'] = [];
  const taken = new Set<string>();
  for (const p of partners) {
    if (p === us || !p.name) continue;
    if (!p.as2_id) {
      warnings.push(`partner ${p.name}: no as2_id, skipped`);
      continue;
    }
    let id = p.name.replace(/[^A-Za-z0-9_.-]+/g, '_').toLowerCase();
    while (taken.has(id)) id += '_';
    taken.add(id);
    const out = ships.find((s) => s.receiver === p.name && (!us || s.sender === us.name));
    const inbound = ships.find((s) => s.sender === p.name && (!us || s.receiver === us.name));
    const attrs = out?.attrs ?? inbound?.attrs ?? {};
    if (!out)
      warnings.push(
        `partner ${p.name}: no partnership from us to them; settings taken from ${inbound ? inbound.name : 'defaults'}`,
      );
    const encryptRaw = (attrs.encrypt ?? '').trim();
    const signRaw = (attrs.sign ?? '').trim();
    const encryptionAlgorithm = encryptRaw ? ENCRYPTION[encryptRaw.toLowerCase().replace(/[-_]/g, '')] : undefined;
    const signingAlgorithm = signRaw ? signingName(signRaw) : undefined;
    // URLs may name OpenAS2 properties; one left unresolved is not a URL we can use.
    const setting = (name: 'as2_url' | 'as2_receipt_option'): string | undefined => {
      const raw = attrs[name]?.trim();
      if (!raw) return undefined;
      const resolved = resolvePlaceholders(raw, opts.properties ?? {}, attrs);
      if (resolved === undefined)
        warnings.push(
          `partner ${p.name}: ${name} "${raw}" refers to an OpenAS2 property that is not known here (pass config.xml beside partnerships.xml); left out`,
        );
      return resolved;
    };
    const url = setting('as2_url');
    const receiptOption = setting('as2_receipt_option');
    if (encryptRaw && !encryptionAlgorithm)
      warnings.push(`partner ${p.name}: encryption ${encryptRaw} is not supported; using aes-256-cbc`);
    if (signRaw && !signingAlgorithm)
      warnings.push(`partner ${p.name}: signing digest ${signRaw} is not supported; using sha-256`);
    const mdnOptions = attrs.as2_mdn_options ?? '';
    const alias = p.x509_alias ?? id;
    const certificateFile = `certs/${alias}.cert.pem`;
    certificates.push({ partnerId: id, alias, file: certificateFile });
    const compression = (attrs.compression_type ?? '').trim();
    const profile: ImportedProfile = {
      id,
      name: p.name,
      mode: 'as2',
      ...(p.email ? { contact: p.email } : {}),
      as2: {
        id: p.as2_id,
        ...(url ? { url } : {}),
        certificate: certificateFile,
        requireSigned: signRaw !== '',
        requireEncrypted: encryptRaw !== '',
        sign: signRaw !== '',
        encrypt: encryptRaw !== '',
        ...(signingAlgorithm ? { signingAlgorithm } : {}),
        ...(encryptionAlgorithm ? { encryptionAlgorithm } : {}),
        ...(compression && compression.toUpperCase() !== 'NONE' ? { compress: 'before-sign' as const } : {}),
        ...(attrs.as2_mdn_to || attrs.as2_receipt_option
          ? {
              mdn: {
                signed: /signed-receipt-protocol/i.test(mdnOptions),
                ...(receiptOption ? { async: receiptOption } : {}),
              },
            }
          : {}),
      },
    };
    profiles.push(profile);
  }
  return { ...(us ? { us: { name: us.name!, as2Id: us.as2_id ?? '' } } : {}), profiles, certificates, warnings };
}

/** A profile as partner-profiles YAML text. */
export function profileToYaml(profile: ImportedProfile): string {
  return stringify(profile);
}
