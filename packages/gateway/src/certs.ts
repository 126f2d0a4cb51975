import crypto from 'node:crypto';
import forge from 'node-forge';

/** Options of {@link createSelfSigned}. */
export interface SelfSignedOptions {
  /** Common name (and AS2 name, by habit). */
  commonName: string;
  /** Validity in days from `notBefore` (default 730). */
  days?: number;
  /** RSA modulus length (default 2048). */
  modulusLength?: number;
  /** Start of validity (default: now minus one hour, for clock skew). */
  notBefore?: Date;
  /** Organisation name (O=). */
  organization?: string;
  /** subjectAltName entries (DNS names or IP addresses), for TLS server certificates. */
  altNames?: string[];
}

/** A PEM key pair with a self-signed certificate. */
export interface KeyAndCertificate {
  privateKey: string;
  certificate: string;
  /** Lower-case hex SHA-256 of the certificate DER. */
  fingerprint: string;
  notBefore: Date;
  notAfter: Date;
  serialNumber: string;
}

/**
 * Makes an RSA key (Node crypto, fast) and a self-signed X.509 v3 certificate
 * for it (node-forge builds and signs the certificate: no openssl binary is
 * needed at run time). Good for tests and demo partners; production keys come
 * from the operator.
 */
export function createSelfSigned(opts: SelfSignedOptions): KeyAndCertificate {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: opts.modulusLength ?? 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  // RFC 5280 §4.1.2.2: positive, at most 20 octets; a leading 0x01 keeps it positive.
  cert.serialNumber = '01' + crypto.randomBytes(15).toString('hex');
  const notBefore = opts.notBefore ?? new Date(Date.now() - 3_600_000);
  const notAfter = new Date(notBefore.getTime() + (opts.days ?? 730) * 86_400_000);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  const attrs: forge.pki.CertificateField[] = [{ name: 'commonName', value: opts.commonName }];
  if (opts.organization) attrs.push({ name: 'organizationName', value: opts.organization });
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, dataEncipherment: true, nonRepudiation: true },
    { name: 'subjectKeyIdentifier' },
    ...(opts.altNames?.length
      ? [
          {
            name: 'subjectAltName',
            // RFC 5280 §4.2.1.6: GeneralName dNSName [2] / iPAddress [7].
            altNames: opts.altNames.map((n) => (/^[\d.]+$|:/.test(n) ? { type: 7, ip: n } : { type: 2, value: n })),
          },
        ]
      : []),
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  const certificate = forge.pki.certificateToPem(cert);
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
  return {
    privateKey: keyPem,
    certificate,
    fingerprint: crypto.createHash('sha256').update(der).digest('hex'),
    notBefore,
    notAfter,
    serialNumber: cert.serialNumber,
  };
}

/** What {@link describeCertificate} tells about a PEM certificate. */
export interface CertificateInfo {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  fingerprint: string;
}

/** Reads subject, validity and fingerprint of a PEM certificate; undefined when it is not one. */
export function describeCertificate(pem: string): CertificateInfo | undefined {
  try {
    const x = new crypto.X509Certificate(pem);
    return {
      subject: x.subject.replace(/\n/g, ', '),
      issuer: x.issuer.replace(/\n/g, ', '),
      serialNumber: x.serialNumber.toLowerCase(),
      notBefore: new Date(x.validFrom),
      notAfter: new Date(x.validTo),
      fingerprint: x.fingerprint256.replace(/:/g, '').toLowerCase(),
    };
  } catch {
    return undefined;
  }
}
