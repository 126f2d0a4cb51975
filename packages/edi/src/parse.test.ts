import { describe, expect, it } from 'vitest';
import { allIssues } from './envelope.js';
import { detectStandard, parseEdi, streamInterchanges } from './parse.js';
import type { Composite, Interchange, Repeated } from './types.js';
import { elementText } from './values.js';

const isa = (o: { el?: string; rep?: string; ver?: string; comp?: string; cn?: string } = {}): string => {
  const el = o.el ?? '*';
  return [
    'ISA',
    '00',
    ' '.repeat(10),
    '00',
    ' '.repeat(10),
    'ZZ',
    'SENDER'.padEnd(15),
    'ZZ',
    'RECEIVER'.padEnd(15),
    '240315',
    '1230',
    o.rep ?? 'U',
    o.ver ?? '00401',
    o.cn ?? '000000001',
    '0',
    'P',
    o.comp ?? '>',
  ].join(el);
};

function x12(
  o: { el?: string; rep?: string; ver?: string; comp?: string; term?: string; suffix?: string; body?: string[] } = {},
): string {
  const el = o.el ?? '*';
  const term = o.term ?? '~';
  const suffix = o.suffix ?? '\n';
  const body = o.body ?? ['BEG*00*SA*PO1**20240315', 'REF*DP*038'];
  const set = ['ST*850*0001', ...body, `SE*${body.length + 2}*0001`];
  const segs = ['GS*PO*S*R*20240315*1230*1*X*004010', ...set, 'GE*1*1', 'IEA*1*000000001'].map((s) =>
    s.replaceAll('*', el),
  );
  return isa(o) + term + suffix + segs.map((s) => s + term + suffix).join('');
}

function only(text: string | Uint8Array, options = {}): Interchange {
  const result = parseEdi(text, options);
  expect(result.interchanges).toHaveLength(1);
  return result.interchanges[0]!;
}

function codes(text: string | Uint8Array, options = {}): string[] {
  const r = parseEdi(text, options);
  return [...r.issues, ...r.interchanges.flatMap(allIssues)].map((i) => i.code);
}

async function streamed(data: Uint8Array, size: number): Promise<Interchange[]> {
  async function* chunks() {
    for (let i = 0; i < data.length; i += size) yield await Promise.resolve(data.subarray(i, i + size));
  }
  const out: Interchange[] = [];
  for await (const r of streamInterchanges(chunks())) out.push(r.interchange);
  return out;
}

describe('X12 delimiters', () => {
  it('reads element separator at byte 4, ISA16 as component separator, terminator after it, line suffix', () => {
    const ic = only(x12({ el: '|', comp: '^', term: '!', suffix: '\r\n' }));
    expect(ic.delimiters).toEqual({ element: '|', component: '^', segment: '!', lineSuffix: '\r\n' });
    expect(ic.groups[0]!.sets[0]!.segments.map((s) => s.tag)).toEqual(['ST', 'BEG', 'REF', 'SE']);
  });

  it('finds ISA16 after the 16th separator when the ISA is not fixed width (and reports the widths)', () => {
    const text = x12().replace('SENDER         ', 'SENDER').replace('          ', ' ');
    const ic = only(text);
    expect(ic.delimiters.component).toBe('>');
    expect(ic.sender.id).toBe('SENDER');
    const widths = allIssues(ic).filter((i) => i.code === 'ISA_FIELD_WIDTH');
    expect(widths.map((i) => i.codes.ta105)).toEqual(['011', '006']);
  });

  it('ISA11 is the repetition separator only from 00402 on and only when not alphanumeric', () => {
    expect(only(x12({ rep: '^', ver: '00501' })).delimiters.repetition).toBe('^');
    expect(only(x12({ rep: 'U', ver: '00501' })).delimiters.repetition).toBeUndefined();
    expect(only(x12({ rep: 'U', ver: '00401' })).delimiters.repetition).toBeUndefined();
    expect(codes(x12({ rep: '^', ver: '00401' }))).toContain('INVALID_ENVELOPE_VALUE');
  });

  it('composites and repetitions come out as structure; plain strings otherwise', () => {
    const ic = only(x12({ rep: '^', ver: '00501', comp: ':', body: ['REF*ZZ*A^B:C', 'MEA*PD*WT*2.5*LB:1'] }));
    const [, ref, mea] = ic.groups[0]!.sets[0]!.segments;
    expect(ref!.elements[0]).toBe('ZZ');
    expect(ref!.elements[1]).toEqual({ repeats: ['A', { components: ['B', 'C'] }] } satisfies Repeated);
    expect(mea!.elements[3]).toEqual({ components: ['LB', '1'] } satisfies Composite);
    expect(elementText(mea!, 3)).toBe('2.5');
  });

  it('a multi-byte UTF-8 segment terminator (U+2026) is one terminator', () => {
    const ic = only(Buffer.from(x12({ term: '\u2026' }), 'utf8'));
    expect(ic.delimiters.segment).toBe('\u2026');
    expect(ic.encoding).toBe('utf8');
    expect(allIssues(ic)).toEqual([]);
  });

  it('keeps empty trailing elements', () => {
    const ic = only(x12({ body: ['REF*DP*038**'] }));
    expect(ic.groups[0]!.sets[0]!.segments[1]!.elements).toEqual(['DP', '038', '', '']);
  });

  it('ISA16 followed by a line break, lines ending with it: ISA16 read as terminator, reported', () => {
    const text = x12({ comp: '~', term: '\n', suffix: '' }).replace(/\n/g, '~\n').replace('*~~\n', '*~\n');
    const ic = only(text);
    expect(ic.delimiters.segment).toBe('~');
    expect(ic.delimiters.component).toBe('');
    expect(allIssues(ic).map((i) => i.code)).toEqual(['AMBIGUOUS_DELIMITERS']);
  });

  it('a line feed as terminator with ISA16 a component separator (the strict reading)', () => {
    const ic = only(x12({ comp: '`', term: '\n', suffix: '' }));
    expect(ic.delimiters).toMatchObject({ component: '`', segment: '\n', lineSuffix: '' });
    expect(allIssues(ic)).toEqual([]);
  });

  it('80-column wrapped input: issues by default, clean with ignoreExtraneousLineBreaks', () => {
    const flat = x12({ suffix: '' });
    const wrapped = flat.replace(/(.{80})/g, '$1\n');
    expect(codes(wrapped)).toContain('LINE_BREAK_IN_SEGMENT');
    const lenient = parseEdi(wrapped, { ignoreExtraneousLineBreaks: true });
    expect([...lenient.issues, ...lenient.interchanges.flatMap(allIssues)]).toEqual([]);
    expect(lenient.interchanges[0]!.groups[0]!.sets[0]!.segments.map((s) => s.tag)).toEqual(['ST', 'BEG', 'REF', 'SE']);
  });

  it('skips a UTF-8 byte order mark and blank lines between interchanges', () => {
    const text = `\ufeff${x12()}\n\n${x12().replace(/000000001/g, '000000002')}`;
    const result = parseEdi(Buffer.from(text, 'utf8'));
    expect(result.interchanges.map((i) => i.controlNumber)).toEqual(['000000001', '000000002']);
    expect(result.issues).toEqual([]);
  });

  it('TA1 and ISB stand in serviceSegments', () => {
    const text = `${isa({ rep: '^', ver: '00501', comp: ':' })}~\nTA1*000000050*240314*1200*A*000~\nIEA*0*000000001~\n`;
    const ic = only(text);
    expect(ic.serviceSegments.map((s) => s.tag)).toEqual(['TA1']);
    expect(allIssues(ic)).toEqual([]);
  });
});

describe('EDIFACT delimiters', () => {
  const body = "UNB+UNOA:3+S+R+240315:1230+R1'UNH+1+ORDERS:D:96A:UN'BGM+220+X+9'UNT+3+1'UNZ+1+R1'";

  it('defaults without UNA', () => {
    const ic = only(body);
    expect(ic.delimiters).toEqual({
      element: '+',
      component: ':',
      segment: "'",
      release: '?',
      decimal: '.',
      lineSuffix: '',
    });
    expect(ic.una).toBeUndefined();
    expect(ic.groups[0]!.implicit).toBe(true);
    expect(ic.groups[0]!.sets[0]!).toMatchObject({ id: 'ORDERS', version: 'D96A', agency: 'UN', controlNumber: '1' });
  });

  it('UNA sets every service character, release resolved', () => {
    const text =
      'UNA=*,! ~UNB*UNOA=3*S*R*240315=1230*R1~UNH*1*ORDERS=D=96A=UN~FTX*AAI+++A!*B!=C!~D!!E~UNT*3*1~UNZ*1*R1~';
    const ic = only(text);
    expect(ic.una).toBe('UNA=*,! ~');
    expect(ic.delimiters).toMatchObject({ component: '=', element: '*', decimal: ',', release: '!', segment: '~' });
    expect(ic.groups[0]!.sets[0]!.segments[1]!.elements).toEqual(['AAI+++A*B=C~D!E']);
  });

  it("release sequences ?+ ?: ?' ?? and components", () => {
    const text = body.replace("BGM+220+X+9'", "FTX+AAI+++A?+B?:C?'D??E:F'");
    const seg = only(text).groups[0]!.sets[0]!.segments[1]!;
    expect(seg.elements[3]).toEqual({ components: ["A+B:C'D?E", 'F'] });
  });

  it('syntax 4 without UNA: repetition separator *', () => {
    const text = body.replace('UNOA:3', 'UNOC:4').replace("BGM+220+X+9'", "COM+1:TE*2:EM'");
    const ic = only(text);
    expect(ic.delimiters.repetition).toBe('*');
    expect(ic.groups[0]!.sets[0]!.segments[1]!.elements[0]).toEqual({
      repeats: [{ components: ['1', 'TE'] }, { components: ['2', 'EM'] }],
    });
  });

  it('UNOC is decoded as ISO-8859-1, UNOW as UTF-8', () => {
    const latin = Buffer.from(body.replace('UNOA', 'UNOC').replace('+X+', '+CAF\u00c9+'), 'latin1');
    expect(elementText(only(latin).groups[0]!.sets[0]!.segments[1]!, 2)).toBe('CAF\u00c9');
    const utf8 = Buffer.from(body.replace('UNOA', 'UNOW').replace('+X+', '+M\u00dcNCHEN+'), 'utf8');
    const ic = only(utf8);
    expect(ic.encoding).toBe('utf8');
    expect(elementText(ic.groups[0]!.sets[0]!.segments[1]!, 2)).toBe('M\u00dcNCHEN');
  });

  it('UNOA with 8-bit bytes: an issue, not a crash; decoded as UTF-8 when they are UTF-8', () => {
    const ic = only(Buffer.from(body.replace('+X+', '+M\u00dcNCHEN+'), 'utf8'));
    expect(allIssues(ic).map((i) => i.code)).toEqual(['CHARACTER_SET_VIOLATION']);
    expect(elementText(ic.groups[0]!.sets[0]!.segments[1]!, 2)).toBe('M\u00dcNCHEN');
  });
});

describe('detectStandard', () => {
  it('tells X12 from EDIFACT', () => {
    expect(detectStandard(x12())).toBe('x12');
    expect(detectStandard("\ufeffUNA:+.? 'UNB")).toBe('edifact');
    expect(detectStandard('UNB+UNOA:1')).toBe('edifact');
    expect(detectStandard('hello')).toBeUndefined();
  });
});

describe('streaming', () => {
  const text = x12() + x12({ el: '|', comp: '^', term: '\u2026', suffix: '\r\n' }).replace(/000000001/g, '000000002');
  const edifact = Buffer.from(
    "UNA:+.? '\nUNB+UNOW:3+S+R+240315:1230+R1'\nUNH+1+ORDERS:D:96A:UN'\nFTX+AAI+++A?'B??C?+D:M\u00dcNCHEN'\nUNT+3+1'\nUNZ+1+R1'\n",
    'utf8',
  );

  it('gives the same interchanges for every chunk size, incl. cuts inside ISA, UNA, release sequences and multi-byte characters', async () => {
    for (const data of [Buffer.from(text, 'utf8'), edifact]) {
      const whole = JSON.stringify(parseEdi(data).interchanges);
      for (const size of [1, 2, 3, 5, 13, 64, 4096]) {
        expect(JSON.stringify(await streamed(data, size)), `chunk size ${size}`).toBe(whole);
      }
    }
  });

  it('yields an interchange before the rest of the input arrives', async () => {
    const first = Buffer.from(x12(), 'latin1');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* source() {
      yield first;
      await gate;
      yield Buffer.from(x12().replace(/000000001/g, '000000002'), 'latin1');
    }
    const it = streamInterchanges(source());
    const one = await it.next();
    expect(one.value?.interchange.controlNumber).toBe('000000001');
    release();
    const two = await it.next();
    expect(two.value?.interchange.controlNumber).toBe('000000002');
    expect((await it.next()).done).toBe(true);
  });

  it('reports file-level issues through onFileIssue', async () => {
    const seen: string[] = [];
    async function* source() {
      yield await Promise.resolve(Buffer.from('garbage'));
    }
    for await (const _ of streamInterchanges(source(), { onFileIssue: (i) => seen.push(i.code) })) void _;
    expect(seen).toEqual(['GARBAGE_OUTSIDE_INTERCHANGE', 'NO_INTERCHANGE']);
  });
});

describe('set segments kept as offsets until read', () => {
  const body = Array.from({ length: 40 }, (_, i) => `REF*DP*${i}`);

  it('read as a plain array of segments, an own data property after the first read', () => {
    const text = x12({ body });
    const set = only(text).groups[0]!.sets[0]!;
    expect(Object.keys(set)).toContain('segments');
    const segments = set.segments;
    expect(segments).toHaveLength(42);
    expect(Object.getOwnPropertyDescriptor(set, 'segments')).toMatchObject({
      value: segments,
      writable: true,
      enumerable: true,
    });
    expect(set.segments).toBe(segments);
    segments.forEach((seg) => {
      expect(text.slice(seg.offset, seg.offset + seg.length)).toBe(
        `${[seg.tag, ...seg.elements.map((e) => (typeof e === 'string' ? e : '?'))].join('*')}~`,
      );
    });
    expect(elementText(segments[40]!, 2)).toBe('39');
  });

  it('JSON, spread and assignment see the segments like any property', () => {
    const ic = only(x12({ body }));
    const set = ic.groups[0]!.sets[0]!;
    const json = JSON.parse(JSON.stringify(ic)) as Interchange;
    expect(json.groups[0]!.sets[0]!.segments.map((s) => s.tag)).toEqual(['ST', ...body.map(() => 'REF'), 'SE']);
    const other = only(x12({ body })).groups[0]!.sets[0]!;
    expect({ ...other }.segments).toHaveLength(42);
    set.segments = [];
    expect(set.segments).toEqual([]);
    other.segments.push(other.segments[1]!);
    expect(other.segments).toHaveLength(43);
  });

  it('a set longer than one store chunk (65,536 segments), and the sets after it', () => {
    const long = Array.from({ length: 70_000 }, (_, i) => `REF*DP*${i}`);
    const text =
      x12({ body: long, suffix: '' }) +
      x12({ body: ['REF*DP*after'], suffix: '' }).replaceAll('000000001', '000000002');
    const { interchanges } = parseEdi(text);
    expect(interchanges.flatMap(allIssues)).toEqual([]);
    const [a, b] = interchanges.map((ic) => ic.groups[0]!.sets[0]!);
    expect(a!.segments).toHaveLength(70_002);
    const last = a!.segments[70_000]!;
    expect(text.slice(last.offset, last.offset + last.length)).toBe('REF*DP*69999~');
    expect(b!.segments.map((s) => s.elements)).toEqual([
      ['850', '0001'],
      ['DP', 'after'],
      ['3', '0001'],
    ]);
  });

  it('a set streamed in many pieces (segments made at once) equals the whole-buffer parse (kept as offsets)', async () => {
    const text = x12({ body: Array.from({ length: 3000 }, (_, i) => `REF*DP*${i}`) });
    const bytes = new TextEncoder().encode(text);
    const [streamedSet] = (await streamed(bytes, 777)).map((ic) => ic.groups[0]!.sets[0]!);
    expect(JSON.stringify(streamedSet!.segments)).toBe(JSON.stringify(only(bytes).groups[0]!.sets[0]!.segments));
  });
});
