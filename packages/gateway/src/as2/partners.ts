import crypto from 'node:crypto';
import type { HomeConfig, PartnerProfile } from '../config/load.js';

/**
 * The security settings @edigate/as2 needs for one partner (its
 * `PartnerSecurity`), built from the partner profile and our edigate.yaml.
 */
export interface PartnerSecuritySettings {
  partnerId: string;
  ourId: string;
  partnerCertificates: string[];
  ourKeys: { privateKey: crypto.KeyObject; certificate: string }[];
  requireSigned: boolean;
  requireEncrypted: boolean;
  allowExpiredCertificate: boolean;
  acceptedSigningAlgorithms?: string[];
  acceptedEncryptionAlgorithms?: string[];
  mdnSigningAlgorithm?: string;
  micalgNames?: 'rfc5751' | 'legacy';
}

/** Partner lookup by AS2 name, with keys parsed once. */
export class PartnerDirectory {
  private readonly byAs2Id = new Map<string, PartnerProfile>();
  private readonly byAs2IdLower = new Map<string, PartnerProfile>();
  private readonly byId = new Map<string, PartnerProfile>();
  readonly ourKeys: { privateKey: crypto.KeyObject; certificate: string }[];
  readonly ourId: string;

  constructor(private readonly config: HomeConfig) {
    this.ourId = config.as2.id;
    this.ourKeys = config.as2.keys.map((k) => ({
      privateKey: crypto.createPrivateKey(k.privateKey),
      certificate: k.certificate,
    }));
    for (const p of config.partners) {
      this.byId.set(p.id, p);
      if (!p.as2) continue;
      this.byAs2Id.set(p.as2.id, p);
      this.byAs2IdLower.set(p.as2.id.toLowerCase(), p);
    }
  }

  /** Every partner profile. */
  get partners(): PartnerProfile[] {
    return this.config.partners;
  }

  /** A partner by our id (`p_003`). */
  byPartnerId(id: string): PartnerProfile | undefined {
    return this.byId.get(id);
  }

  /**
   * A partner by AS2 name. RFC 4130 §6.2 names are compared exactly; a
   * case-only difference is accepted too, since several products upper-case
   * the names they were given.
   */
  byAs2Name(as2From: string): PartnerProfile | undefined {
    return this.byAs2Id.get(as2From) ?? this.byAs2IdLower.get(as2From.toLowerCase());
  }

  /** True when `as2To` names us (same comparison as {@link byAs2Name}). */
  isUs(as2To: string): boolean {
    return as2To === this.ourId || as2To.toLowerCase() === this.ourId.toLowerCase();
  }

  /** The as2 package's PartnerSecurity for a partner. */
  security(p: PartnerProfile): PartnerSecuritySettings | undefined {
    if (!p.as2) return undefined;
    return {
      partnerId: p.id,
      ourId: this.ourId,
      partnerCertificates: p.as2.certificates,
      ourKeys: this.ourKeys,
      requireSigned: p.as2.requireSigned,
      requireEncrypted: p.as2.requireEncrypted,
      allowExpiredCertificate: p.as2.allowExpiredCertificate,
      ...(p.as2.acceptedSigningAlgorithms ? { acceptedSigningAlgorithms: p.as2.acceptedSigningAlgorithms } : {}),
      ...(p.as2.acceptedEncryptionAlgorithms
        ? { acceptedEncryptionAlgorithms: p.as2.acceptedEncryptionAlgorithms }
        : {}),
      mdnSigningAlgorithm: p.as2.signingAlgorithm,
      ...(p.as2.micalgNames ? { micalgNames: p.as2.micalgNames } : {}),
    };
  }
}

/** RFC 4130 §6.2: an AS2 name may be sent as a quoted-string; returns the bare name. */
export function unquoteAs2Name(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined) return undefined;
  const t = v.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1).replace(/\\(.)/g, '$1');
  return t;
}
