/**
 * Seeded EDIFACT ORDERS (D.96A, EAN008) interchange generator for benchmarks:
 * UNA, UNB, 1–5 messages with RFF, NAD/CTA/COM, CUX and LIN/PIA/IMD/QTY/DTM/PRI
 * groups, UNS/CNT, correct UNT/UNZ counts. Free text occasionally carries
 * release sequences (`?+`, `?:`, `?'`, ISO 9735 §4.2).
 */
import type { Rng } from '../lib/rng.js';

const names = ['ACME GMBH', 'GLOBEX SA', 'INITECH BV', 'UMBRELLA AG', 'HOOLI SRL', 'STARK OY'];
const cities: readonly (readonly [string, string, string])[] = [
  ['BERLIN', '10115', 'DE'],
  ['LYON', '69001', 'FR'],
  ['UTRECHT', '3511', 'NL'],
  ['GRAZ', '8010', 'AT'],
  ['TORINO', '10121', 'IT'],
];
const words = ['SCHRAUBE', 'MUTTER', 'KABEL', 'FILTER', 'VENTIL', 'DICHTUNG', 'BLAU', 'GROSS', 'PACK'];

function date8(rng: Rng): string {
  return `2024${String(rng.int(1, 12)).padStart(2, '0')}${String(rng.int(1, 28)).padStart(2, '0')}`;
}

function hhmm(rng: Rng): string {
  return `${String(rng.int(0, 23)).padStart(2, '0')}${String(rng.int(0, 59)).padStart(2, '0')}`;
}

function gln(rng: Rng): string {
  return `54${rng.digits(11)}`;
}

function freeText(rng: Rng): string {
  const parts: string[] = [];
  const n = rng.int(2, 5);
  for (let i = 0; i < n; i++) parts.push(rng.pick(words));
  if (rng.chance(0.1)) parts.push(rng.pick(['?+', '?:', "?'", '??']));
  // 7008 (IMD item description) is an..35; a release character does not count.
  let text = parts.join(' ');
  while (text.replace(/\?(.)/g, '$1').length > 35) text = text.slice(0, text.lastIndexOf(' '));
  return text;
}

function message(rng: Rng, reference: string): string[] {
  const seg: string[] = [
    `UNH+${reference}+ORDERS:D:96A:UN:EAN008`,
    `BGM+220+PO${rng.digits(8)}+9`,
    `DTM+137:${date8(rng)}:102`,
    `DTM+2:${date8(rng)}:102`,
  ];
  if (rng.chance(0.5)) seg.push(`FTX+ZZZ+++${freeText(rng)}`);
  seg.push(`RFF+CT:${rng.alnum(10)}`, `DTM+171:${date8(rng)}:102`);
  for (const role of ['BY', 'SU', 'DP']) {
    const [city, zip, country] = rng.pick(cities);
    seg.push(
      `NAD+${role}+${gln(rng)}::9++${rng.pick(names)}+${rng.int(1, 200)} ${rng.pick(words)}STRASSE+${city}++${zip}+${country}`,
    );
    if (role === 'BY') seg.push(`CTA+PD+:${rng.pick(words)} EINKAUF`, `COM+${rng.digits(10)}:TE`);
  }
  seg.push('CUX+2:EUR:9');
  const lines = rng.int(5, 40);
  for (let line = 1; line <= lines; line++) {
    seg.push(
      `LIN+${line}++${rng.digits(13)}:EN`,
      `PIA+1+${rng.alnum(8)}:SA`,
      `IMD+F++:::${freeText(rng)}`,
      `QTY+21:${rng.int(1, 500)}`,
    );
    if (rng.chance(0.3)) seg.push(`DTM+2:${date8(rng)}:102`);
    seg.push(`PRI+AAA:${(rng.int(50, 99_999) / 100).toFixed(2)}`);
  }
  seg.push('UNS+S', `CNT+2:${lines}`);
  seg.push(`UNT+${seg.length + 1}+${reference}`);
  return seg;
}

/** One EDIFACT ORDERS D.96A interchange (UNA…UNZ) with 1–5 messages; no line suffix. */
export function edifactOrders(rng: Rng, index: number): string {
  const reference = `R${String(index + 1).padStart(9, '0')}`;
  const [sender, receiver] = [gln(rng), gln(rng)];
  const seg: string[] = [
    `UNB+UNOC:3+${sender}:14+${receiver}:14+${date8(rng).slice(2)}:${hhmm(rng)}+${reference}++ORDERS`,
  ];
  const n = rng.int(1, 5);
  for (let i = 0; i < n; i++) seg.push(...message(rng, String(i + 1)));
  seg.push(`UNZ+${n}+${reference}`);
  return `UNA:+.? '${seg.join("'")}'`;
}
