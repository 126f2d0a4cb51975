import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSelfSigned, loadHome } from '@edigate/gateway';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../program.js';
import { captureIo } from '../testing.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'edigate-partners-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const io = captureIo;

// The shape of an OpenAS2 partnerships.xml (partner elements, partnerships with sender/receiver/attributes).
const xml = `<partnerships>
  <partner name="edigate" as2_id="EDIGATE" x509_alias="edigate" email="edi@us.example"/>
  <partner name="Bolt Supply" as2_id="BOLT_AS2" x509_alias="bolt" email="as2@bolt.example"/>
  <partnership name="edigate-to-Bolt">
    <sender name="edigate"/>
    <receiver name="Bolt Supply"/>
    <attribute name="protocol" value="as2"/>
    <attribute name="as2_url" value="https://as2.bolt.example:4080/as2"/>
    <attribute name="as2_mdn_to" value="edi@us.example"/>
    <attribute name="as2_mdn_options" value="signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, SHA256"/>
    <attribute name="encrypt" value="3DES"/>
    <attribute name="sign" value="SHA256"/>
    <attribute name="compression_type" value="ZLIB"/>
  </partnership>
  <partnership name="Bolt-to-edigate">
    <sender name="Bolt Supply"/>
    <receiver name="edigate"/>
    <attribute name="encrypt" value="AES256"/>
    <attribute name="sign" value="SHA1"/>
  </partnership>
</partnerships>`;

describe('edigate partners', () => {
  it('import-openas2 writes profiles that load once the certificate is exported', async () => {
    const pair = createSelfSigned({ commonName: 'EDIGATE', days: 5 });
    mkdirSync(path.join(dir, 'keys'));
    writeFileSync(path.join(dir, 'keys/k.pem'), pair.privateKey);
    writeFileSync(path.join(dir, 'keys/c.pem'), pair.certificate);
    writeFileSync(path.join(dir, 'edigate.yaml'), 'as2: { id: EDIGATE, key: keys/k.pem, certificate: keys/c.pem }\n');
    writeFileSync(path.join(dir, 'partnerships.xml'), xml);
    const o = io();
    expect(
      await run(['partners', 'import-openas2', path.join(dir, 'partnerships.xml'), '--home', dir, '--json'], o.io),
    ).toBe(0);
    const res = JSON.parse(o.out.join('')) as {
      us: { as2Id: string };
      written: string[];
      certificates: { alias: string; file: string }[];
    };
    expect(res.us.as2Id).toBe('EDIGATE');
    expect(res.written).toEqual([path.join(dir, 'partner-profiles/bolt_supply.yaml')]);
    const text = readFileSync(res.written[0]!, 'utf8');
    expect(text).toContain('id: BOLT_AS2');
    expect(text).toContain('encryptionAlgorithm: des-ede3-cbc');
    expect(text).toContain('signingAlgorithm: sha-256');
    expect(text).toContain('compress: before-sign');
    // The certificate is missing until exported: the error names file and field.
    expect(loadHome(dir, { env: {} }).issues.map((i) => `${path.basename(i.file)} ${i.field}`)).toEqual([
      'bolt_supply.yaml as2.certificate',
    ]);
    mkdirSync(path.join(dir, 'partner-profiles/certs'));
    writeFileSync(
      path.join(dir, 'partner-profiles', res.certificates[0]!.file),
      createSelfSigned({ commonName: 'BOLT_AS2', days: 5 }).certificate,
    );
    const { config, issues } = loadHome(dir, { env: {} });
    expect(issues).toEqual([]);
    expect(config!.partners[0]!.as2!.url).toBe('https://as2.bolt.example:4080/as2');

    const l = io();
    expect(await run(['partners', 'list', '--home', dir, '--json'], l.io)).toBe(0);
    const listed = JSON.parse(l.out.join('')) as {
      us: string;
      partners: { id: string; as2Id: string; certificates: { expired: boolean }[] }[];
    };
    expect(listed.us).toBe('EDIGATE');
    expect(listed.partners.map((p) => [p.id, p.as2Id, p.certificates[0]!.expired])).toEqual([
      ['bolt_supply', 'BOLT_AS2', false],
    ]);

    const again = io();
    expect(await run(['partners', 'import-openas2', path.join(dir, 'partnerships.xml'), '--home', dir], again.io)).toBe(
      1,
    );
    expect(again.err.join('')).toMatch(/skipped/);
  });

  it("import-openas2 reads OpenAS2's other algorithm spellings and resolves $properties.NAME$ from config.xml beside it", async () => {
    // As OpenAS2's own files write them: SHA2_256 / AES128_CBC, and the async MDN URL as a config.xml property
    // that itself refers to another property.
    const sub = path.join(dir, 'openas2-config');
    mkdirSync(sub);
    writeFileSync(
      path.join(sub, 'partnerships.xml'),
      `<partnerships>
  <partner name="MyCompany" as2_id="MyCompany_OID" x509_alias="mycompany"/>
  <partner name="PartnerA" as2_id="PartnerA_OID" x509_alias="partnera"/>
  <partnership name="MyCompany-to-PartnerA">
    <sender name="MyCompany"/>
    <receiver name="PartnerA"/>
    <attribute name="as2_url" value="http://localhost:$properties.partner_port$"/>
    <attribute name="as2_mdn_to" value="edi@mycompany.example"/>
    <attribute name="as2_receipt_option" value="$properties.as2_async_mdn_url$"/>
    <attribute name="as2_mdn_options" value="signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, $attribute.sign$"/>
    <attribute name="encrypt" value="AES128_CBC"/>
    <attribute name="sign" value="SHA2_256"/>
  </partnership>
</partnerships>`,
    );
    writeFileSync(
      path.join(sub, 'config.xml'),
      `<openas2><properties partner_port="20080" async_mdn_receiver_port="10081" as2_async_mdn_url="http://localhost:$properties.async_mdn_receiver_port$"/></openas2>`,
    );
    const out = path.join(sub, 'profiles');
    const importAs = async (...extra: string[]) => {
      const o = io();
      const args = ['partners', 'import-openas2', path.join(sub, 'partnerships.xml'), '--us', 'MyCompany_OID'];
      expect(await run([...args, '--out', out, '--json', ...extra], o.io)).toBe(0);
      return JSON.parse(o.out.join('')) as { warnings: string[] };
    };
    const res = await importAs();
    expect(res.warnings).toEqual([]);
    const text = readFileSync(path.join(out, 'partnera.yaml'), 'utf8');
    expect(text).toContain('url: http://localhost:20080');
    expect(text).toContain('async: http://localhost:10081');
    expect(text).toContain('signingAlgorithm: sha-256');
    expect(text).toContain('encryptionAlgorithm: aes-128-cbc');

    // Without config.xml the property cannot be resolved: a warning, and the setting left out.
    rmSync(path.join(sub, 'config.xml'));
    const res2 = await importAs('--force');
    expect(res2.warnings.join('\n')).toMatch(
      /as2_receipt_option "\$properties\.as2_async_mdn_url\$" refers to an OpenAS2 property/,
    );
    const text2 = readFileSync(path.join(out, 'partnera.yaml'), 'utf8');
    expect(text2).not.toContain('async:');
    expect(text2).not.toContain('$properties');
  });

  it('unreadable XML is exit 1 with a warning; a missing file exit 2', async () => {
    writeFileSync(path.join(dir, 'bad.xml'), '<partnerships><partner');
    const o = io();
    expect(await run(['partners', 'import-openas2', path.join(dir, 'bad.xml'), '--home', dir], o.io)).toBe(1);
    expect(o.err.join('')).toMatch(/not readable XML/);
    expect(await run(['partners', 'import-openas2', path.join(dir, 'nope.xml'), '--home', dir], io().io)).toBe(2);
  });

  it('list reports an invalid configuration with file and line', async () => {
    const bad = mkdtempSync(path.join(os.tmpdir(), 'edigate-partners-bad-'));
    writeFileSync(path.join(bad, 'edigate.yaml'), 'as2:\n  id: X\n');
    const o = io();
    expect(await run(['partners', 'list', '--home', bad], o.io)).toBe(1);
    expect(o.err.join('')).toMatch(/edigate\.yaml:1:1: as2\.key/);
    rmSync(bad, { recursive: true, force: true });
  });
});
