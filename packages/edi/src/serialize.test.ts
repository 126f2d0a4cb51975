import { describe, expect, it } from 'vitest';
import { parseEdi } from './parse.js';
import { EdiSerializeError, serialize, serializeSegment } from './serialize.js';
import type { Interchange } from './types.js';

const x12 =
  'ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240315*1230*^*00501*000000001*0*P*:~\n' +
  'GS*PO*S*R*20240315*1230*1*X*005010~\nST*850*0001~\nBEG*00*SA*PO1**20240315~\nREF*ZZ*A^B:C~\nSE*4*0001~\nGE*1*1~\nIEA*1*000000001~\n';
const edifact =
  "UNA:+.? '\nUNB+UNOC:3+S+R+240315:1230+R1'\nUNH+1+ORDERS:D:96A:UN'\nFTX+AAI+++A?+B?:C?'D??E'\nUNT+3+1'\nUNZ+1+R1'\n";

function one(text: string): Interchange {
  return parseEdi(Buffer.from(text, 'latin1')).interchanges[0]!;
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

describe('serialize', () => {
  it('gives valid input back byte for byte (X12 and EDIFACT with UNA and release sequences)', () => {
    expect(text(serialize(one(x12)))).toBe(x12);
    expect(text(serialize(one(edifact)))).toBe(edifact);
    const noSuffix = x12.replaceAll('\n', '');
    expect(text(serialize(one(noSuffix)))).toBe(noSuffix);
  });

  it('writes with other delimiters: ISA11/ISA16 follow, EDIFACT UNA and escaping follow', () => {
    const out = text(
      serialize(one(x12), {
        delimiters: { element: '|', component: '>', repetition: '~', segment: '\n', lineSuffix: '' },
      }),
    );
    expect(out.split('\n')[0]).toBe(
      'ISA|00|          |00|          |ZZ|SENDER         |ZZ|RECEIVER       |240315|1230|~|00501|000000001|0|P|>',
    );
    expect(out).toContain('REF|ZZ|A~B>C\n');
    const fact = text(serialize(one(edifact), { delimiters: { release: '!', element: '*' } }));
    expect(fact.startsWith("UNA:*.! '\n")).toBe(true);
    expect(fact).toContain("FTX*AAI***A+B!:C!'D?E'");
  });

  it('recomputes trailer counts and references, keeping zero padding', () => {
    const broken = edifact.replace("UNT+3+1'", "UNT+000009+7'").replace("UNZ+1+R1'", "UNZ+5+XX'");
    expect(text(serialize(one(broken)))).toBe(edifact.replace("UNT+3+1'", "UNT+000003+1'"));
    const x = x12
      .replace('SE*4*0001', 'SE*9*0002')
      .replace('GE*1*1', 'GE*3*2')
      .replace('IEA*1*000000001', 'IEA*4*000000009');
    expect(text(serialize(one(x)))).toBe(x12);
  });

  it('writes missing trailers', () => {
    const truncated = x12.slice(0, x12.indexOf('SE*'));
    expect(text(serialize(one(truncated)))).toBe(x12.slice(0, -1));
  });

  it('refuses an X12 value that holds a delimiter (X12 has no release character)', () => {
    const ic = one(x12);
    const set = ic.groups[0]!.sets[0]!;
    set.segments[1] = { tag: 'BEG', elements: ['00', 'S*A'], offset: 0, length: 0 };
    expect(() => serialize(ic)).toThrow(EdiSerializeError);
  });

  it('serializeSegment escapes EDIFACT values', () => {
    const d = { element: '+', component: ':', segment: "'", release: '?' };
    expect(
      serializeSegment(
        { tag: 'FTX', elements: ['A+B', { components: ["C'D", 'E'] }], offset: 0, length: 0 },
        d,
        'edifact',
      ),
    ).toBe("FTX+A?+B+C?'D:E'");
  });
});

describe('plainSegment', () => {
  it('gives a parsed segment as a plain value', async () => {
    const { plainSegment } = await import('./values.js');
    const seg = one(x12).groups[0]!.sets[0]!.segments[1]!;
    expect(plainSegment(seg)).toEqual({
      tag: 'BEG',
      elements: ['00', 'SA', 'PO1', '', '20240315'],
      offset: seg.offset,
      length: 24,
    });
  });
});
