/**
 * Outbound maps: an OrderAcknowledgment through the standard 855 and ORDRSP
 * maps; the bytes re-parse with our parser and guides without findings, and
 * the X12 also with node-x12.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { X12Parser } from 'node-x12';
import { allIssues, parseEdi, validateGuides } from '@edigate/edi';
import {
  MapRepository,
  renderOutbound,
  translateSet,
  type OrderAcknowledgment,
  type OutboundEnvelope,
} from '@edigate/maps';
import { readMapsFolder } from './support.js';

const repository = new MapRepository(readMapsFolder(path.resolve(import.meta.dirname, '../../maps')));
const ack: OrderAcknowledgment = {
  type: 'OrderAcknowledgment',
  externalId: 'ACK-45001',
  orderExternalId: 'PO-45001',
  orderDate: '2026-11-20',
  ackDate: '2026-11-21',
  status: 'acceptedWithChanges',
  currency: 'USD',
  parties: [{ role: 'buyer', id: 'INIT-BY-01', idQualifier: '92', name: 'Initech Procurement' }],
  lines: [
    {
      lineNumber: '1',
      status: 'accepted',
      item: { upc: '012345678905', vendorPartNumber: 'TPS-100', gtin: '00012345678905' },
      quantity: { value: 24, unit: 'EA' },
      unitPrice: { amountMinor: 1250, currency: 'USD' },
      scheduledDate: '2026-12-01',
    },
    {
      lineNumber: '2',
      status: 'backordered',
      item: { vendorPartNumber: "STP-RED+1'" },
      quantity: { value: 3, unit: 'CS' },
    },
  ],
};
const envelope: OutboundEnvelope = {
  sender: { qualifier: 'ZZ', id: 'EDIGATE' },
  receiver: { qualifier: 'ZZ', id: 'INITECH' },
  interchangeControlNumber: '42',
  setControlNumber: '0001',
  at: new Date('2026-11-21T09:30:00Z'),
  test: true,
};

describe('outbound maps', () => {
  it('855: renders, and re-parses with no findings (edigate and node-x12)', async () => {
    const map = repository.select({
      partner: 'p_003',
      standard: 'x12',
      version: '004010',
      setId: '855',
      direction: 'outbound',
    })!;
    const x12Ack = {
      ...ack,
      lines: ack.lines.map((l) => ({
        ...l,
        item: { ...l.item, vendorPartNumber: l.item.vendorPartNumber?.replace(/[+']/g, '') },
      })),
    };
    const r = await renderOutbound(map, x12Ack, envelope);
    expect(r.issues).toEqual([]);
    expect(r.text).toContain('BAK*00*AC*PO-45001*20261120****ACK-45001*20261121~');
    expect(r.text).toContain('PO1*1*24*EA*12.50**UP*012345678905*VN*TPS-100~\nACK*IA*24*EA*068*20261201~');
    expect(r.text).toContain('PO1*2*3*CA*****VN*STP-RED1~\nACK*IA*3*CA~'); // Initech: backordered is IA (p_003/855.yaml)
    expect(map.file).toBe('p_003/855.yaml');
    const standard = repository.select({
      partner: null,
      standard: 'x12',
      version: '004010',
      setId: '855',
      direction: 'outbound',
    })!;
    expect((await renderOutbound(standard, x12Ack, envelope)).text).toContain('ACK*IB*3*CA~');
    const parsed = parseEdi(r.text!);
    expect(parsed.issues).toEqual([]);
    validateGuides(parsed.interchanges[0]!);
    expect(allIssues(parsed.interchanges[0]!).map((i) => i.message)).toEqual([]);
    const set = parsed.interchanges[0]!.groups[0]!.sets[0]!;
    expect(set.supported).toBe(true);
    const nodeX12 = new X12Parser(true).parse(r.text!) as { functionalGroups: { transactions: unknown[] }[] };
    expect(nodeX12.functionalGroups[0]!.transactions).toHaveLength(1);
  });
  it('ORDRSP: renders with EDIFACT release characters, and re-parses with no findings', async () => {
    const map = repository.select({
      partner: 'p_004',
      standard: 'edifact',
      version: 'D96A',
      setId: 'ORDRSP',
      direction: 'outbound',
    })!;
    const r = await renderOutbound(
      map,
      {
        ...ack,
        parties: [{ role: 'shipTo', id: '4012345000016', idQualifier: '9', name: 'Nordwind Lager Süd' }],
        currency: 'EUR',
        lines: ack.lines.map((l) => ({ ...l, unitPrice: l.unitPrice && { ...l.unitPrice, currency: 'EUR' } })),
      },
      { ...envelope, receiver: { qualifier: 'ZZZ', id: 'NORDWIND' }, sender: { qualifier: 'ZZZ', id: 'EDIGATE' } },
    );
    expect(r.issues).toEqual([]);
    expect(r.text).toMatch(
      /^UNA:\+\.\? '\nUNB\+UNOC:3\+EDIGATE:ZZZ\+NORDWIND:ZZZ\+261121:0930\+42\+\+\+\+\+\+1'\nUNH\+0001\+ORDRSP:D:96A:UN'\nBGM\+231\+ACK-45001\+4'/,
    );
    expect(r.text).toContain("PIA+1+STP-RED?+1?':SA'");
    expect(r.text).toContain("LIN+1+5+00012345678905:EN'");
    const parsed = parseEdi(r.bytes!);
    validateGuides(parsed.interchanges[0]!);
    expect([...parsed.issues, ...allIssues(parsed.interchanges[0]!)].map((i) => i.message)).toEqual([]);
    expect(
      parsed.interchanges[0]!.groups[0]!.sets[0]!.segments.filter((s) => s.tag === 'PIA').at(-1)!.elements[1],
    ).toEqual({ components: ["STP-RED+1'", 'SA'] });
    expect(Buffer.from(r.bytes!).includes(Buffer.from('Lager Süd', 'latin1'))).toBe(true);
    expect(parsed.interchanges[0]!.groups[0]!.sets[0]!.segments.find((s) => s.tag === 'NAD')!.elements[3]).toBe(
      'Nordwind Lager Süd',
    );
  });
  it('refuses a document that is not a valid OrderAcknowledgment, naming the field', async () => {
    const map = repository.select({
      partner: null,
      standard: 'x12',
      version: '004010',
      setId: '855',
      direction: 'outbound',
    })!;
    const r = await renderOutbound(map, { ...ack, status: 'maybe' }, envelope);
    expect(r.text).toBeUndefined();
    expect(r.issues[0]).toMatchObject({
      code: 'SCHEMA_MISMATCH',
      message: expect.stringContaining('OrderAcknowledgment.status'),
    });
  });
  it('an inbound map cannot render', async () => {
    const map = repository.select({ partner: null, standard: 'x12', version: '004010', setId: '850' })!;
    expect((await renderOutbound(map, ack, envelope)).issues[0]!.code).toBe('MAP_SCHEMA');
    void translateSet;
  });
});
