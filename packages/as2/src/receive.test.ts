import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OpensslPeer, hasOpenssl, type TestIdentity } from './cms/opensslPeer.js';
import { compress, signDetached, type ContentEncryptionAlgorithm, type KeyTransport } from './cms/index.js';
import { As2Error } from './errors.js';
import { parseMdn } from './mdn.js';
import { computeMic, type MicAlgorithm } from './mic.js';
import { receiveMessage, type PartnerSecurity, type ReceiveContext } from './receive.js';
import { buildMessage, type BuildMessageOptions } from './send.js';

const EDI = Buffer.from(
  'ISA*00*          *00*          *ZZ*THEM           *ZZ*US             *260101*1200*U*00401*000000001*0*P*>~\r\nIEA*0*000000001~\r\n',
);

describe.skipIf(!hasOpenssl())('AS2 receive', () => {
  let peer: OpensslPeer;
  let us: TestIdentity;
  let usNext: TestIdentity;
  let them: TestIdentity;
  let stranger: TestIdentity;
  let partner: PartnerSecurity;
  let ctx: ReceiveContext;

  beforeAll(() => {
    peer = new OpensslPeer();
    us = peer.identity('us');
    usNext = peer.identity('us-next');
    them = peer.identity('them');
    stranger = peer.identity('stranger');
    partner = {
      partnerId: 'p_them',
      ourId: 'US',
      partnerCertificates: [them.cert],
      ourKeys: [{ privateKey: us.key, certificate: us.cert }],
    };
    ctx = { findPartner: (from, to) => (from === 'THEM' && to === 'US' ? partner : undefined) };
  });
  afterAll(() => peer?.dispose());

  /** The partner's side: a message from THEM to US. */
  const send = (o: Partial<BuildMessageOptions> = {}, payload: Buffer = EDI) =>
    buildMessage(payload, {
      as2From: 'THEM',
      as2To: 'US',
      contentType: 'application/edi-x12',
      filename: 'order.edi',
      mdn: { signed: true },
      ...o,
    });
  const sign = (digestAlgorithm: MicAlgorithm = 'sha-256') => ({
    privateKey: them.key,
    certificate: them.cert,
    digestAlgorithm,
  });
  const encrypt = (
    algorithm: ContentEncryptionAlgorithm = 'aes-256-cbc',
    keyTransport: KeyTransport = 'rsa-pkcs1v15',
  ) => ({
    certificates: [us.cert],
    algorithm,
    keyTransport,
  });

  describe('round trips: buildMessage -> receiveMessage -> MDN -> parseMdn', () => {
    const signs: (MicAlgorithm | undefined)[] = [undefined, 'sha-1', 'sha-256', 'sha-512'];
    const encrypts: ([ContentEncryptionAlgorithm, KeyTransport] | undefined)[] = [
      undefined,
      ['aes-256-cbc', 'rsa-pkcs1v15'],
      ['des-ede3-cbc', 'rsa-oaep-sha1'],
      ['aes-128-gcm', 'rsa-oaep-sha256'],
    ];
    const compressions = [undefined, 'before-sign', 'after-sign'] as const;
    for (const s of signs)
      for (const e of encrypts)
        for (const c of compressions) {
          it(`sign ${s ?? 'no'} / encrypt ${e?.join('+') ?? 'no'} / compress ${c ?? 'no'}`, async () => {
            const msg = send({
              ...(s ? { sign: sign(s) } : {}),
              ...(e ? { encrypt: encrypt(...e) } : {}),
              ...(c ? { compress: c } : {}),
            });
            const r = await receiveMessage({ headers: msg.headers, body: msg.body }, ctx);
            expect(r.error).toBeUndefined();
            expect(r.disposition).toEqual({ type: 'processed' });
            expect(r.payload?.content.equals(EDI)).toBe(true);
            expect(r.payload?.contentType).toBe('application/edi-x12');
            expect(r.payload?.filename).toBe('order.edi');
            expect([r.signed, r.encrypted, r.compressed]).toEqual([!!s, !!e, !!c]);
            expect(r.mic).toEqual(msg.mic);
            expect(r.messageId).toBe(msg.messageId);
            const mdn = await r.buildMdn();
            expect(mdn.headers['AS2-From']).toBe('US');
            expect(mdn.headers['AS2-To']).toBe('THEM');
            const parsed = parseMdn(mdn, { partnerCertificates: [us.cert], expectedMic: msg.mic, requireSigned: true });
            expect(parsed).toMatchObject({
              signed: true,
              signatureValid: true,
              micMatches: true,
              originalMessageId: msg.messageId,
              disposition: { type: 'processed' },
            });
            expect(parsed.error).toBeUndefined();
          });
        }
  });

  it('any payload bytes and filename survive the trip (property)', async () => {
    const modes = fc.constantFrom<Partial<BuildMessageOptions>>(
      {},
      { sign: sign() },
      { encrypt: encrypt() },
      { sign: sign('sha-1'), encrypt: encrypt('aes-128-gcm'), compress: 'before-sign' },
      { sign: sign('sha-512'), compress: 'after-sign' },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2000 }),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
        modes,
        async (bytes, filename, mode) => {
          const payload = Buffer.from(bytes);
          const msg = send({ ...mode, filename }, payload);
          const r = await receiveMessage(msg, ctx);
          expect(r.error).toBeUndefined();
          expect(r.payload?.content.equals(payload)).toBe(true);
          expect(r.payload?.filename).toBe(filename.replace(/[^\x20-\x7e\x80-\uffff]/g, ' '));
          expect(r.mic).toEqual(msg.mic);
        },
      ),
      { numRuns: 60 },
    );
  });

  describe('interop quirks', () => {
    const entity = Buffer.concat([
      Buffer.from('Content-Type: application/edi-x12\r\nContent-Transfer-Encoding: binary\r\n\r\n'),
      EDI,
    ]);
    const signedHeaders = (boundary: string, extra: Record<string, string> = {}) => ({
      'as2-from': 'THEM',
      'as2-to': 'US',
      'message-id': '<quirk@them>',
      'content-type': `multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="${boundary}"`,
      'disposition-notification-to': 'them@example.com',
      'disposition-notification-options':
        'signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256',
      ...extra,
    });
    const opensslSign = (args: string[]) =>
      peer.run(
        [
          'cms',
          '-sign',
          '-binary',
          '-outform',
          'DER',
          '-signer',
          them.certFile,
          '-inkey',
          them.keyFile,
          '-md',
          'sha256',
          ...args,
        ],
        entity,
      );
    const multipartBody = (boundary: string, sigHeaders: string, sig: Buffer) =>
      Buffer.concat([
        Buffer.from(`--${boundary}\r\n`),
        entity,
        Buffer.from(`\r\n--${boundary}\r\n${sigHeaders}\r\n\r\n`),
        sig,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);

    it('Sterling: no signedAttrs, binary signature part without Content-Transfer-Encoding', async () => {
      const sig = opensslSign(['-noattr']);
      const body = multipartBody('sterling', 'Content-Type: application/pkcs7-signature', sig);
      const r = await receiveMessage({ headers: signedHeaders('sterling'), body }, ctx);
      expect(r.error).toBeUndefined();
      expect(r.signature?.signedAttributes).toBe(false);
      expect(r.payload?.content.equals(EDI)).toBe(true);
      expect(r.mic).toEqual({ digest: computeMic(entity, 'sha-256'), algorithm: 'sha-256' });
    });

    it('openssl smime -sign output (base64 signature, x-pkcs7-signature, lower-case folded headers)', async () => {
      const smime = peer.run(
        ['smime', '-sign', '-binary', '-signer', them.certFile, '-inkey', them.keyFile, '-md', 'sha256'],
        entity,
      );
      const text = smime.toString('latin1');
      const split = text.indexOf('\n\n');
      const head = text.slice(0, split);
      const ct = /Content-Type: (multipart\/signed;[^]*?)(?:\n(?! )|$)/.exec(head)![1]!;
      expect(ct).toContain('x-pkcs7-signature');
      const body = Buffer.from(text.slice(split + 2), 'latin1');
      const r = await receiveMessage(
        { headers: { ...signedHeaders('x'), 'content-type': ct.replace(/\n/g, '\r\n\t') }, body },
        ctx,
      );
      expect(r.error).toBeUndefined();
      expect(r.signed).toBe(true);
      expect(r.payload?.content.equals(EDI)).toBe(true);
      expect(r.mic?.digest).toBe(computeMic(entity, 'sha-256'));
    });

    it('opaque signed-data (application/pkcs7-mime; smime-type=signed-data)', async () => {
      const der = opensslSign(['-nodetach']);
      const headers = {
        ...signedHeaders('x'),
        'content-type': 'application/pkcs7-mime; smime-type=signed-data; name=smime.p7m',
      };
      const r = await receiveMessage({ headers, body: der }, ctx);
      expect(r.error).toBeUndefined();
      expect(r.signed).toBe(true);
      expect(r.payload?.content.equals(EDI)).toBe(true);
      expect(r.mic?.digest).toBe(computeMic(entity, 'sha-256'));
      const i = der.indexOf(Buffer.from('IEA*0'));
      const tampered = Buffer.from(der);
      tampered[i + 4] = 0x39;
      expect((await receiveMessage({ headers, body: tampered }, ctx)).error?.code).toBe('integrity-check-failed');
    });

    it('signer counted the CRLF before the boundary as content', async () => {
      const sig = peer.run(
        [
          'cms',
          '-sign',
          '-binary',
          '-outform',
          'DER',
          '-signer',
          them.certFile,
          '-inkey',
          them.keyFile,
          '-md',
          'sha256',
        ],
        Buffer.concat([entity, Buffer.from('\r\n')]),
      );
      const body = multipartBody(
        'crlf',
        'Content-Type: application/pkcs7-signature\r\nContent-Transfer-Encoding: binary',
        sig,
      );
      const r = await receiveMessage({ headers: signedHeaders('crlf'), body }, ctx);
      expect(r.error).toBeUndefined();
      expect(r.payload?.content.equals(EDI)).toBe(true);
      expect(r.mic?.digest).toBe(computeMic(Buffer.concat([entity, Buffer.from('\r\n')]), 'sha-256'));
    });

    it.each([
      [
        'base64',
        'Content-Type: application/edi-x12\r\nContent-Transfer-Encoding: base64\r\n\r\n' +
          EDI.toString('base64').replace(/(.{40})/g, '$1\r\n') +
          '\r\n',
      ],
      [
        'quoted-printable',
        'Content-Type: application/edi-x12\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n' +
          EDI.toString('latin1').replace(/\r\n/g, '=0D=0A=\r\n'),
      ],
    ])('signed payload entity in %s transfer encoding', async (_name, text) => {
      const signedEntity = Buffer.from(text, 'latin1');
      const sig = peer.run(
        ['cms', '-sign', '-binary', '-outform', 'DER', '-signer', them.certFile, '-inkey', them.keyFile],
        signedEntity,
      );
      const body = Buffer.concat([
        Buffer.from('--q\r\n'),
        signedEntity,
        Buffer.from(
          '\r\n--q\r\nContent-Type: application/pkcs7-signature\r\nContent-Transfer-Encoding: base64\r\n\r\n' +
            sig.toString('base64') +
            '\r\n--q--\r\n',
        ),
      ]);
      const r = await receiveMessage({ headers: signedHeaders('q'), body }, ctx);
      expect(r.error).toBeUndefined();
      expect(r.payload?.content.equals(EDI)).toBe(true);
      expect(r.mic?.digest).toBe(computeMic(signedEntity, 'sha-256'));
    });

    it('non-ASCII filename and subject, RSA-PSS signature', async () => {
      const msg = send({
        filename: 'Lieferschein Köln.edi',
        subject: 'Bestellung für Köln\r\nX-Injected: 1',
        sign: { ...sign(), pss: true },
      });
      expect(msg.headers.Subject).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
      expect(Object.values(msg.headers).every((v) => /^[\x20-\x7e]*$/.test(v))).toBe(true);
      const r = await receiveMessage(msg, ctx);
      expect(r.error).toBeUndefined();
      expect(r.payload?.filename).toBe('Lieferschein Köln.edi');
    });

    it('RFC 2231 filename* in Content-Disposition', async () => {
      const signedEntity = Buffer.concat([
        Buffer.from(
          "Content-Type: application/edi-x12\r\nContent-Disposition: attachment; filename*=UTF-8''Bestellung%20M%C3%BCnchen.edi\r\n\r\n",
        ),
        EDI,
      ]);
      const r = await receiveMessage(
        {
          headers: {
            'AS2-From': 'THEM',
            'AS2-To': 'US',
            'Content-Type': 'application/pkcs7-mime; smime-type=compressed-data',
          },
          body: compress(signedEntity),
        },
        ctx,
      );
      expect(r.payload?.filename).toBe('Bestellung München.edi');
    });

    it('MIME headers in the body instead of HTTP (no Content-Type header on the POST)', async () => {
      const msg = send({ sign: sign(), encrypt: encrypt() });
      const { 'Content-Type': ct, 'Content-Transfer-Encoding': cte, ...rest } = msg.headers;
      const body = Buffer.concat([
        Buffer.from(`Content-Type: ${ct}\r\nContent-Transfer-Encoding: ${cte}\r\n\r\n`),
        msg.body,
      ]);
      const r = await receiveMessage({ headers: rest, body }, ctx);
      expect(r.error).toBeUndefined();
      expect(r.mic).toEqual(msg.mic);
    });

    it('LF-only stored message: verified and MIC computed in canonical CRLF form', async () => {
      const msg = send({ sign: sign() }, Buffer.from('UNB+UNOC:3+THEM+US\r\nUNZ+0+1\r\n'));
      const lfBody = Buffer.from(msg.body.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
      const r = await receiveMessage({ headers: msg.headers, body: lfBody }, ctx);
      expect(r.error).toBeUndefined();
      expect(r.mic).toEqual(msg.mic);
    });

    it('LF-only stored binary part (as mendelson messages are kept on disk): header block made CRLF, binary body as is', async () => {
      // mendelson signs "Content-Transfer-Encoding: binary" content as it is
      // (RFC 4130 §7.3.1) under CRLF MIME headers; the stored message lost its
      // CRs everywhere. The body's own bare LFs must not become CRLF.
      const body = Buffer.from("UNB+UNOA:2+THEM:14+US:14+140407:0910+5'\nUNH+1+ORDERS:D:96A:UN'\nUNZ+1+5'\n");
      const entity = Buffer.concat([
        Buffer.from(
          'Content-Type: application/EDI-Consent\r\nContent-Transfer-Encoding: binary\r\nContent-Disposition: attachment; filename=payload.txt\r\n\r\n',
        ),
        body,
      ]);
      const signature = signDetached(entity, {
        privateKey: them.key,
        certificate: them.cert,
        digestAlgorithm: 'sha-256',
      });
      const boundary = '----=_Part_211_306083396.1641304626706';
      const wire = Buffer.concat([
        Buffer.from(`--${boundary}\r\n`),
        entity,
        Buffer.from(
          `\r\n--${boundary}\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\nContent-Transfer-Encoding: base64\r\n\r\n${signature.toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n--${boundary}--\r\n`,
        ),
      ]);
      const stored = Buffer.from(wire.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
      const headers = {
        'as2-from': 'THEM',
        'as2-to': 'US',
        'message-id': '<mendelson_opensource_AS2-1641304626706-55@them_us>',
        'content-type': `multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="${boundary}"`,
        'disposition-notification-to': 'http://them.example/as2',
        'disposition-notification-options':
          'signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256',
      };
      const r = await receiveMessage({ headers, body: stored }, ctx);
      expect(r.error).toBeUndefined();
      expect(r.signed).toBe(true);
      expect(r.payload?.content).toEqual(body);
      expect(r.mic).toEqual({ digest: computeMic(entity, 'sha-256'), algorithm: 'sha-256' });
    });

    it('AS2-From/AS2-To quoted, header names in any case, Message-ID echoed exactly', async () => {
      const spaced: PartnerSecurity = { ...partner, partnerId: 'p_acme' };
      const msg = buildMessage(EDI, {
        as2From: 'Acme Corp',
        as2To: 'Our Co',
        contentType: 'application/edi-x12',
        sign: sign(),
        messageId: '<odd id@acme>',
        mdn: { signed: true },
      });
      expect(msg.headers['AS2-From']).toBe('"Acme Corp"');
      const lower = Object.fromEntries(Object.entries(msg.headers).map(([k, v]) => [k.toUpperCase(), v]));
      const r = await receiveMessage(
        { headers: lower, body: msg.body },
        { findPartner: (f, t) => (f === 'Acme Corp' && t === 'Our Co' ? spaced : undefined) },
      );
      expect(r.error).toBeUndefined();
      expect(r.messageId).toBe('<odd id@acme>');
      const mdn = await r.buildMdn();
      expect(mdn.body.toString('latin1')).toContain('Original-Message-ID: <odd id@acme>\r\n');
      expect(mdn.headers['AS2-To']).toBe('"Acme Corp"');
    });

    it.each([
      ['sha1', 'sha1'],
      ['sha-1', 'sha-1'],
      ['sha256', 'sha256'],
      ['md5, sha-256', 'sha-256'],
    ])('micalg %s requested -> MIC named %s, signed receipt micalg in the same style', async (requested, named) => {
      const msg = send({ sign: sign() });
      const headers = {
        ...msg.headers,
        'Disposition-Notification-Options': `signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, ${requested}`,
      };
      const r = await receiveMessage({ headers, body: msg.body }, ctx);
      expect(r.mic?.algorithm).toBe(named);
      const mdn = await r.buildMdn();
      expect(mdn.headers['Content-Type']).toContain(`micalg=${named.includes('-') ? 'sha-' : 'sha'}`);
      expect(parseMdn(mdn, { partnerCertificates: [us.cert] }).signatureValid).toBe(true);
    });

    it('partner configured for legacy names gets sha256 whatever it asked', async () => {
      const msg = send({ sign: sign() });
      const r = await receiveMessage(msg, { findPartner: () => ({ ...partner, micalgNames: 'legacy' }) });
      expect(r.mic?.algorithm).toBe('sha256');
    });

    it('only md5 with importance required -> failed/Failure: unsupported MIC-algorithms', async () => {
      const msg = send({ sign: sign() });
      const headers = {
        ...msg.headers,
        'Disposition-Notification-Options':
          'signed-receipt-protocol=required, pkcs7-signature; signed-receipt-micalg=required, md5',
      };
      const r = await receiveMessage({ headers, body: msg.body }, ctx);
      expect(r.disposition).toEqual({ type: 'failed', modifier: 'failure', description: 'unsupported MIC-algorithms' });
      expect(r.payload).toBeUndefined();
      const mdn = await r.buildMdn();
      expect(parseMdn(mdn, { partnerCertificates: [us.cert] }).dispositionText).toBe(
        'automatic-action/MDN-sent-automatically; failed/Failure: unsupported MIC-algorithms',
      );
    });

    it('x-pkcs7-mime media type and a missing smime-type', async () => {
      const msg = send({ encrypt: encrypt(), compress: 'before-sign' });
      for (const ct of [
        'application/x-pkcs7-mime; smime-type=enveloped-data',
        'application/pkcs7-mime',
        'application/x-pkcs7-mime; name=smime.p7m',
      ]) {
        const r = await receiveMessage({ headers: { ...msg.headers, 'Content-Type': ct }, body: msg.body }, ctx);
        expect(r.error, ct).toBeUndefined();
        expect(r.payload?.content.equals(EDI)).toBe(true);
      }
    });

    it('base64 transfer encoding on the encrypted body', async () => {
      const msg = send({ encrypt: encrypt() });
      const r = await receiveMessage(
        {
          headers: { ...msg.headers, 'Content-Transfer-Encoding': 'base64' },
          body: Buffer.from(msg.body.toString('base64').replace(/(.{64})/g, '$1\r\n')),
        },
        ctx,
      );
      expect(r.error).toBeUndefined();
    });

    it('encrypt-only payload without MIME headers (openssl cms -encrypt of the bare interchange)', async () => {
      const der = peer.run(['cms', '-encrypt', '-binary', '-outform', 'DER', '-aes256', '-recip', us.certFile], EDI);
      const headers = {
        'AS2-From': 'THEM',
        'AS2-To': 'US',
        'Message-ID': '<raw@them>',
        'Content-Type': 'application/pkcs7-mime; smime-type=enveloped-data',
      };
      const r = await receiveMessage({ headers, body: der }, ctx);
      expect(r.error).toBeUndefined();
      expect(r.encrypted).toBe(true);
      expect(r.payload?.content.equals(EDI)).toBe(true);
      expect(r.payload?.contentType).toBe('application/edi-x12');
      expect(r.mic).toEqual({ digest: computeMic(EDI, 'sha-256'), algorithm: 'sha-256' });
    });

    it('key rollover: a message encrypted for our next certificate', async () => {
      const rolling = {
        ...partner,
        ourKeys: [...partner.ourKeys, { privateKey: usNext.key, certificate: usNext.cert }],
      };
      const msg = send({ encrypt: { certificates: [usNext.cert] }, sign: sign() });
      const r = await receiveMessage(msg, { findPartner: () => rolling });
      expect(r.error).toBeUndefined();
    });
  });

  describe('what we send, openssl reads', () => {
    const eml = (m: { headers: Record<string, string>; body: Buffer }) =>
      Buffer.concat([
        Buffer.from(
          `MIME-Version: 1.0\r\nContent-Type: ${m.headers['Content-Type']}\r\n${m.headers['Content-Transfer-Encoding'] ? `Content-Transfer-Encoding: ${m.headers['Content-Transfer-Encoding']}\r\n` : ''}\r\n`,
        ),
        m.body,
      ]);

    it('signed: openssl cms -verify gives back the payload entity', () => {
      const msg = send({ sign: sign('sha-384') });
      // Without -binary: OpenSSL 3.0's MIME reader in -binary mode keeps the CR of the CRLF that RFC 2046 gives to the
      // delimiter (it fails on any CRLF-delimited multipart/signed, observed); in its default mode it reads it right.
      const out = peer.run(['cms', '-verify', '-noverify', '-in', peer.write('signed.eml', eml(msg))]);
      expect(out.toString('latin1')).toContain('Content-Type: application/edi-x12');
      expect(out.subarray(out.length - EDI.length).equals(EDI)).toBe(true);
    });

    it('encrypted and signed: openssl cms -decrypt then -verify', () => {
      const msg = send({ sign: sign(), encrypt: encrypt('aes-128-cbc') });
      // openssl reads S/MIME with base64 bodies; hand it the DER directly.
      const inner = peer.run([
        'cms',
        '-decrypt',
        '-binary',
        '-inform',
        'DER',
        '-in',
        peer.write('enc.der', msg.body),
        '-recip',
        us.certFile,
        '-inkey',
        us.keyFile,
      ]);
      expect(inner.toString('latin1')).toMatch(/^Content-Type: multipart\/signed/);
      const out = peer.run(['cms', '-verify', '-noverify', '-in', peer.write('inner.eml', inner)]);
      expect(out.subarray(out.length - EDI.length).equals(EDI)).toBe(true);
    });
  });

  describe('failures are dispositions, never throws', () => {
    const expectFailure = async (
      input: { headers: Record<string, string>; body: Buffer },
      code: string,
      c: ReceiveContext = ctx,
    ) => {
      const r = await receiveMessage(input, c);
      expect(r.error?.code).toBe(code);
      expect(r.disposition).toEqual({ type: 'processed', modifier: 'error', description: code });
      expect(r.payload).toBeUndefined();
      expect(r.mic).toBeUndefined();
      const mdn = await r.buildMdn();
      expect(parseMdn(mdn, { partnerCertificates: [us.cert] }).disposition).toEqual(r.disposition);
      return r;
    };

    it('tampered signed content -> integrity-check-failed', async () => {
      const msg = send({ sign: sign() });
      const body = Buffer.from(msg.body.toString('latin1').replace('IEA*0', 'IEA*9'), 'latin1');
      await expectFailure({ headers: msg.headers, body }, 'integrity-check-failed');
    });

    it('unknown signer -> authentication-failed', async () => {
      const msg = send({ sign: { privateKey: stranger.key, certificate: stranger.cert } });
      await expectFailure(msg, 'authentication-failed');
    });

    it('encrypted for someone else -> decryption-failed', async () => {
      const msg = send({ encrypt: { certificates: [stranger.cert] }, sign: sign() });
      await expectFailure(msg, 'decryption-failed');
    });

    it('unsigned where a signature is required -> insufficient-message-security', async () => {
      const msg = send({ encrypt: encrypt() });
      await expectFailure(msg, 'insufficient-message-security', {
        findPartner: () => ({ ...partner, requireSigned: true }),
      });
      await expectFailure(send({ sign: sign() }), 'insufficient-message-security', {
        findPartner: () => ({ ...partner, requireEncrypted: true }),
      });
    });

    it('algorithms outside the partner policy -> insufficient-message-security', async () => {
      const msg = send({ sign: sign('sha-1'), encrypt: encrypt('des-ede3-cbc') });
      await expectFailure(msg, 'insufficient-message-security', {
        findPartner: () => ({ ...partner, acceptedSigningAlgorithms: ['sha256', 'sha-512'] }),
      });
      await expectFailure(msg, 'insufficient-message-security', {
        findPartner: () => ({ ...partner, acceptedEncryptionAlgorithms: ['aes-256-cbc'] }),
      });
    });

    it('unknown partner -> authentication-failed, unsigned MDN', async () => {
      const msg = buildMessage(EDI, {
        as2From: 'NOBODY',
        as2To: 'US',
        contentType: 'application/edi-x12',
        mdn: { signed: true },
      });
      const r = await expectFailure(msg, 'authentication-failed');
      expect(r.partner).toBeUndefined();
      expect((await r.buildMdn()).headers['Content-Type']).toMatch(/^multipart\/report/);
    });

    it('duplicate Message-ID -> processed/warning: duplicate-document, payload still returned', async () => {
      const msg = send({ sign: sign() });
      const seen: [string, string][] = [];
      const r = await receiveMessage(msg, { ...ctx, isDuplicate: (id, p) => (seen.push([id, p]), true) });
      expect(seen).toEqual([[msg.messageId, 'p_them']]);
      expect(r.disposition).toEqual({ type: 'processed', modifier: 'warning', description: 'duplicate-document' });
      expect(r.payload?.content.equals(EDI)).toBe(true);
      expect(r.mic).toEqual(msg.mic);
    });

    it('buildMdn can report a later failure instead (payload not stored)', async () => {
      const msg = send({ sign: sign() });
      const r = await receiveMessage(msg, ctx);
      expect(r.disposition).toEqual({ type: 'processed' });
      const mdn = await r.buildMdn({ error: new As2Error('unexpected-processing-error') });
      const parsed = parseMdn(mdn, { partnerCertificates: [us.cert] });
      expect(parsed).toMatchObject({
        signatureValid: true,
        disposition: { type: 'processed', modifier: 'error', description: 'unexpected-processing-error' },
      });
      expect(parsed.receivedMic).toBeUndefined();
    });

    it('truncated bodies give a failed disposition', async () => {
      for (const o of [{ sign: sign() }, { encrypt: encrypt(), sign: sign() }, { compress: 'after-sign' as const }]) {
        const msg = send(o);
        for (const cut of [0, 10, Math.floor(msg.body.length / 2), msg.body.length - 80]) {
          const r = await receiveMessage({ headers: msg.headers, body: msg.body.subarray(0, cut) }, ctx);
          expect(r.disposition.modifier, `${JSON.stringify(Object.keys(o))} cut ${cut}`).toBe('error');
        }
      }
    });

    it('missing AS2 headers, and a throwing partner lookup -> unexpected-processing-error', async () => {
      await expectFailure(
        { headers: { 'Content-Type': 'application/edi-x12' }, body: EDI },
        'unexpected-processing-error',
      );
      const msg = send();
      const r = await receiveMessage(msg, {
        findPartner: () => {
          throw new Error('database down');
        },
      });
      expect(r.error?.code).toBe('unexpected-processing-error');
    });

    it('garbage of any content type never throws (property)', async () => {
      const types = fc.constantFrom(
        'multipart/signed; boundary=b; protocol="application/pkcs7-signature"',
        'application/pkcs7-mime; smime-type=enveloped-data',
        'application/pkcs7-mime; smime-type=compressed-data',
        'application/pkcs7-mime',
        'application/pkcs7-signature',
        'application/edi-x12',
        '',
      );
      const bodies = fc.oneof(
        fc.uint8Array({ maxLength: 200 }),
        fc
          .array(
            fc.constantFrom(
              '--b\r\n',
              '--b--',
              '\r\n',
              'Content-Type: application/pkcs7-mime\r\n',
              '0\x82\x01\x00',
              'MIIB',
              'x',
            ),
            { maxLength: 20 },
          )
          .map((a) => Buffer.from(a.join(''), 'latin1')),
      );
      await fc.assert(
        fc.asyncProperty(types, bodies, async (type, body) => {
          const r = await receiveMessage(
            { headers: { 'AS2-From': 'THEM', 'AS2-To': 'US', 'Content-Type': type }, body },
            ctx,
          );
          expect(r.disposition.type).toBeDefined();
          await r.buildMdn();
        }),
        { numRuns: 150 },
      );
    });
  });
});
