/**
 * Verification of one multipart/signed entity (RFC 1847 §2.1, RFC 5751
 * §3.4.3), shared by message receipt and MDN parsing, with the readings of
 * the signed bytes that products in the field need.
 */
import { verifyDetached, type VerifyOptions } from './cms/index.js';
import { As2Error } from './errors.js';
import {
  canonicalizeEntity,
  canonicalizeLineEndings,
  decodeDerBody,
  headerValue,
  parseEntity,
  splitMultipart,
  type MimeEntity,
} from './mime.js';

/** Media types of a detached signature part (the `x-` ones from older S/MIME agents). */
export const PKCS7_SIGNATURE_TYPES: ReadonlySet<string> = new Set([
  'application/pkcs7-signature',
  'application/x-pkcs7-signature',
]);

/** A multipart/signed that verified. */
export interface VerifiedSignedEntity {
  ok: true;
  /** The bytes the signature covers, exactly (what the MIC is computed over). */
  signedBytes: Buffer;
  /** The signed entity, parsed. */
  content: MimeEntity;
  /** The signature, DER. */
  signature: Buffer;
  digestAlgorithm: string;
  signer: { subject: string; serialNumber: string };
  signedAttributes: boolean;
}

/** A multipart/signed that did not verify; `content` is the first part when there was one. */
export interface FailedSignedEntity {
  ok: false;
  error: As2Error;
  content?: MimeEntity;
}

/**
 * Splits a multipart/signed and verifies its first part against the
 * signature part. Never throws. Handles the signature part as binary DER
 * without Content-Transfer-Encoding (IBM Sterling) or base64, and, only after
 * the bytes as received failed, three other readings that still have to
 * verify: the CRLF-canonical form of a message stored with LF line ends
 * (RFC 5751 §3.1.1); the same with only the header block made CRLF, for
 * binary content (RFC 4130 §7.3.1); and the first part with the CRLF before
 * the boundary, which some senders count as content (RFC 2046 §5.1.1 gives
 * it to the delimiter).
 */
export function verifySignedEntity(entity: MimeEntity, opts: VerifyOptions): VerifiedSignedEntity | FailedSignedEntity {
  const split = splitMultipart(entity.body, entity.contentType.params.boundary ?? '');
  const [signedPart, sigPart] = split.value.parts;
  if (!signedPart || !sigPart) {
    return {
      ok: false,
      error: new As2Error('integrity-check-failed', 'multipart/signed without both the content and the signature part'),
    };
  }
  const sigEntity = parseEntity(sigPart).value;
  if (
    !PKCS7_SIGNATURE_TYPES.has(sigEntity.contentType.type) &&
    headerValue(sigEntity.headers, 'content-type') !== undefined
  ) {
    return {
      ok: false,
      error: new As2Error(
        'authentication-failed',
        `the signature part is ${sigEntity.contentType.type}, not application/pkcs7-signature`,
      ),
      content: parseEntity(signedPart).value,
    };
  }
  const signature = decodeDerBody(sigEntity.body, sigEntity.transferEncoding).value;
  const readings: { signed: Buffer; content: Buffer }[] = [{ signed: signedPart, content: signedPart }];
  let verified = verifyDetached(signature, signedPart, opts);
  let chosen = readings[0]!;
  if (!verified.ok) {
    const canonical = canonicalizeLineEndings(signedPart);
    if (canonical !== signedPart) readings.push({ signed: canonical, content: canonical });
    // Binary content stored with LF line ends (mendelson's messages as saved in
    // pyas2lib's fixtures): the header block was CRLF when signed, the binary
    // body is as it was (RFC 4130 §7.3.1: binary content is not canonicalized).
    const headersOnly = canonicalizeEntity(parseEntity(signedPart).value);
    if (!headersOnly.equals(signedPart) && !headersOnly.equals(canonical))
      readings.push({ signed: headersOnly, content: headersOnly });
    const withLineEnd = lineEndAfter(entity.body, signedPart);
    if (withLineEnd) readings.push({ signed: withLineEnd, content: signedPart });
    for (const reading of readings.slice(1)) {
      const again = verifyDetached(signature, reading.signed, opts);
      if (again.ok) {
        verified = again;
        chosen = reading;
        break;
      }
    }
  }
  if (!verified.ok) return { ok: false, error: verified.error, content: parseEntity(signedPart).value };
  return {
    ok: true,
    signedBytes: chosen.signed,
    content: parseEntity(chosen.content).value,
    signature,
    digestAlgorithm: verified.digestAlgorithm,
    signer: verified.signer,
    signedAttributes: verified.signedAttributes,
  };
}

/** `part` extended by the CRLF (or LF) that follows it in `body`, when there is one. */
function lineEndAfter(body: Buffer, part: Buffer): Buffer | undefined {
  const start = part.byteOffset - body.byteOffset;
  const end = start + part.length;
  if (start < 0 || end > body.length) return undefined;
  if (body[end] === 0x0d && body[end + 1] === 0x0a) return body.subarray(start, end + 2);
  if (body[end] === 0x0a) return body.subarray(start, end + 1);
  return undefined;
}
