/**
 * Seeded X12 interchange generators for benchmarks: 850 purchase orders
 * (4010, N1 and PO1/PID loops) and 856 ship notices (5010, HL S/O/P/I).
 * Each call returns one complete interchange (ISA…IEA) with correct
 * SE01/GE01/IEA01 counts, so a conformant parser reports no envelope issues.
 */
import type { Rng } from '../lib/rng.js';

const partners = ['ACMECORP', 'GLOBEX', 'INITECH', 'UMBRELLA', 'HOOLI', 'STARK', 'WAYNE', 'TYRELL'];
const cities: readonly (readonly [string, string, string])[] = [
  ['SPRINGFIELD', 'IL', '62701'],
  ['ATLANTA', 'GA', '31139'],
  ['DENVER', 'CO', '80202'],
  ['PORTLAND', 'OR', '97201'],
  ['AUSTIN', 'TX', '78701'],
  ['COLUMBUS', 'OH', '43215'],
];
const streets = ['MAIN STREET', 'OAK AVENUE', 'INDUSTRIAL PKWY', 'HARBOR BLVD', 'COMMERCE DR'];
const words = [
  'WIDGET',
  'BOLT',
  'GASKET',
  'CABLE',
  'BRACKET',
  'VALVE',
  'FILTER',
  'HINGE',
  'SPRING',
  'SHIM',
  'BLUE',
  'STEEL',
  'LARGE',
  'PACK',
];
const units = ['EA', 'CA', 'BX', 'PK', 'DZ'];

function pad(value: string, width: number): string {
  return value.length >= width ? value.slice(0, width) : value + ' '.repeat(width - value.length);
}

function date8(rng: Rng): string {
  return `2024${String(rng.int(1, 12)).padStart(2, '0')}${String(rng.int(1, 28)).padStart(2, '0')}`;
}

function hhmm(rng: Rng): string {
  return `${String(rng.int(0, 23)).padStart(2, '0')}${String(rng.int(0, 59)).padStart(2, '0')}`;
}

function description(rng: Rng): string {
  const n = rng.int(2, 5);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(rng.pick(words));
  return parts.join(' ');
}

function price(rng: Rng): string {
  return (rng.int(50, 99_999) / 100).toFixed(2);
}

interface EnvelopeOptions {
  /** ISA12, e.g. `00401`. */
  isaVersion: string;
  /** ISA11: `U` before 4020, the repetition separator after. */
  isa11: string;
  /** GS01 functional identifier. */
  functionalId: string;
  /** GS08. */
  gsVersion: string;
  /** Segment terminator plus line suffix, e.g. `~\n`. */
  terminator: string;
}

/** Wraps sets (each a list of segments without ST/SE) in ST/SE, GS/GE and ISA/IEA. */
function interchange(rng: Rng, index: number, env: EnvelopeOptions, setId: string, sets: string[][]): string {
  const control = String(index + 1).padStart(9, '0');
  const sender = rng.pick(partners);
  let receiver = rng.pick(partners);
  if (receiver === sender) receiver = 'EDIGATE';
  const yymmdd = date8(rng).slice(2);
  const time = hhmm(rng);
  const t = env.terminator;
  // X12.5: ISA is fixed width — 106 bytes with its terminator; ISA16 sits at offset 104.
  const out: string[] = [
    `ISA*00*${pad('', 10)}*00*${pad('', 10)}*ZZ*${pad(sender, 15)}*ZZ*${pad(receiver, 15)}*${yymmdd}*${time}*${env.isa11}*${env.isaVersion}*${control}*0*P*>`,
  ];
  const groupControl = String((index % 999_999_999) + 1);
  out.push(`GS*${env.functionalId}*${sender}*${receiver}*20${yymmdd}*${time}*${groupControl}*X*${env.gsVersion}`);
  sets.forEach((body, i) => {
    const setControl = String(i + 1).padStart(4, '0');
    out.push(`ST*${setId}*${setControl}`, ...body, `SE*${body.length + 2}*${setControl}`);
  });
  out.push(`GE*${sets.length}*${groupControl}`, `IEA*1*${control}`);
  return out.join(t) + t;
}

function partyLoop(rng: Rng, qualifier: string, name: string): string[] {
  const [city, state, zip] = rng.pick(cities);
  return [
    `N1*${qualifier}*${name}*92*${rng.digits(4)}`,
    `N3*${rng.int(1, 9999)} ${rng.pick(streets)}`,
    `N4*${city}*${state}*${zip}*US`,
  ];
}

function purchaseOrder(rng: Rng): string[] {
  const seg: string[] = [
    `BEG*00*SA*PO${rng.digits(8)}**${date8(rng)}`,
    'CUR*BY*USD',
    `REF*DP*${rng.digits(3)}`,
    `REF*IA*${rng.digits(6)}`,
    `PER*BD*${rng.pick(words)} BUYER*TE*${rng.digits(10)}`,
    'FOB*PP',
    `ITD*01*3*2**30**31`,
    `DTM*002*${date8(rng)}`,
    `DTM*010*${date8(rng)}`,
  ];
  seg.push(
    ...partyLoop(rng, 'ST', `STORE ${rng.digits(4)}`),
    ...partyLoop(rng, 'BT', `${rng.pick(partners)} ACCOUNTS`),
  );
  if (rng.chance(0.5)) seg.push(...partyLoop(rng, 'VN', `${rng.pick(partners)} SUPPLY`));
  const lines = rng.int(5, 40);
  let quantity = 0;
  for (let line = 1; line <= lines; line++) {
    const qty = rng.int(1, 500);
    quantity += qty;
    seg.push(
      `PO1*${line}*${qty}*${rng.pick(units)}*${price(rng)}**UP*${rng.digits(12)}*VN*${rng.alnum(8)}*IN*${rng.digits(6)}`,
    );
    seg.push(`PID*F****${description(rng)}`);
    if (rng.chance(0.3)) seg.push(`PO4*${rng.int(1, 24)}*1*EA`);
    if (rng.chance(0.2)) seg.push(`DTM*002*${date8(rng)}`);
  }
  seg.push(`CTT*${lines}*${quantity}`);
  return seg;
}

/** One X12 850 (4010) interchange with 1–5 purchase orders; `~` + LF after each segment. */
export function x12_850(rng: Rng, index: number): string {
  const sets: string[][] = [];
  const n = rng.int(1, 5);
  for (let i = 0; i < n; i++) sets.push(purchaseOrder(rng));
  return interchange(
    rng,
    index,
    { isaVersion: '00401', isa11: 'U', functionalId: 'PO', gsVersion: '004010', terminator: '~\n' },
    '850',
    sets,
  );
}

function shipNotice(rng: Rng): string[] {
  const seg: string[] = [`BSN*00*SH${rng.digits(8)}*${date8(rng)}*${hhmm(rng)}*0001`];
  let hl = 1;
  seg.push(
    `HL*${hl}**S`,
    `TD1*CTN25*${rng.int(1, 60)}****G*${rng.int(10, 2000)}*LB`,
    `TD5*B*2*${rng.pick(['UPSN', 'FDEG', 'RDWY'])}*M*${rng.pick(words)} FREIGHT`,
    `REF*BM*${rng.digits(10)}`,
    `DTM*011*${date8(rng)}`,
    ...partyLoop(rng, 'SF', `${rng.pick(partners)} DC`),
    ...partyLoop(rng, 'ST', `STORE ${rng.digits(4)}`),
  );
  const shipment = hl;
  const orders = rng.int(1, 3);
  for (let o = 0; o < orders; o++) {
    const order = ++hl;
    seg.push(`HL*${order}*${shipment}*O`, `PRF*PO${rng.digits(8)}***${date8(rng)}`, `REF*IA*${rng.digits(6)}`);
    const packs = rng.int(1, 6);
    for (let p = 0; p < packs; p++) {
      const pack = ++hl;
      seg.push(`HL*${pack}*${order}*P`, `MAN*GM*00${rng.digits(18)}`);
      const items = rng.int(1, 4);
      for (let i = 0; i < items; i++) {
        seg.push(
          `HL*${++hl}*${pack}*I`,
          `LIN**UP*${rng.digits(12)}*VN*${rng.alnum(8)}`,
          `SN1**${rng.int(1, 200)}*${rng.pick(units)}`,
          `PID*F****${description(rng)}`,
        );
      }
    }
  }
  seg.push(`CTT*${hl}`);
  return seg;
}

/** One X12 856 (5010) interchange with 1–3 ship notices, HL S/O/P/I; `~` with no line suffix; ISA11 `^`. */
export function x12_856(rng: Rng, index: number): string {
  const sets: string[][] = [];
  const n = rng.int(1, 3);
  for (let i = 0; i < n; i++) sets.push(shipNotice(rng));
  return interchange(
    rng,
    index,
    { isaVersion: '00501', isa11: '^', functionalId: 'SH', gsVersion: '005010', terminator: '~' },
    '856',
    sets,
  );
}
