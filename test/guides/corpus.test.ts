/**
 * The third-party corpus (/work/shared/corpus, see its README) through the
 * guide validator: supported sets validate with the findings listed here and
 * no others. Envelope findings (SE01 counts, control numbers) belong to the
 * envelope checker and are left out. Skipped when the corpus is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { elementProblems, parseEdi, segmentProblems, setProblems, validateGuides } from '@edigate/edi';

const corpus = '/work/shared/corpus';
const guideCodes = new Set<string>([
  ...Object.keys(segmentProblems),
  ...Object.keys(elementProblems),
  ...Object.keys(setProblems),
]);

/** Per set: `<set id> <supported?>` then its guide findings as `CODE@TAGposition[.element]`. */
const expected: Record<string, string[][]> = {
  // Origin verdict "valid": no guide findings.
  'x12/aaronhuggins-node-x12__850.edi': [['850 supported']],
  'x12/kputnam-stupidedi__004010_FA997_pass_1.edi': [['997 supported']],
  'x12/kputnam-stupidedi__005010_X231A1_FA999_pass_response-to-functional-group-containing-3-837s.edi': [
    ['999 supported'],
  ],
  'x12/xlate-staedi__simple997-multiple-interchanges.edi': [['997 supported'], ['997 supported'], ['997 supported']],
  // "valid" at the origin, but IT102..IT104 break the X12 4010 IT1 syntax note P020304 (IT102 present, IT103 empty).
  'x12/kputnam-stupidedi__004010_IN810_pass_1.edi': [
    [
      '810 supported',
      'ELEMENT_CONDITIONAL_MISSING@IT17.3',
      'ELEMENT_CONDITIONAL_MISSING@IT19.3',
      'SET_SEGMENTS_IN_ERROR',
    ],
  ],
  // "parsed" at the origin.
  'x12/aaronhuggins-node-x12__850_fat.edi': [['850 supported'], ['850 supported']],
  // REF01 `ZZZ` is not in the 004010 code list of data element 128 (`ZZ` is the mutually defined code).
  'x12/aaronhuggins-node-x12__855.edi': [['855 supported', 'ELEMENT_INVALID_CODE@REF4.1', 'SET_SEGMENTS_IN_ERROR']],
  'x12/aaronhuggins-node-x12__856.edi': [['856 unsupported', 'SET_NOT_SUPPORTED']], // version 004060: no guide
  'x12/xlate-staedi__invoice810_po850_dual.edi': [
    ['810 supported'],
    ['810 supported'],
    ['850 unsupported', 'SET_NOT_SUPPORTED'],
  ], // 850 is 003010
  'x12/xlate-staedi__optionalInterchangeServices.edi': [['997 supported']],
  'x12/xlate-staedi__x12_interchange_ack.txt': [],
  // N402 `State` is five characters for a 2/2 ID element.
  'x12/indice-co-EDI.Net__x12.850a.edi': [['850 supported', 'ELEMENT_TOO_LONG@N422.2', 'SET_SEGMENTS_IN_ERROR']],
  // "invalid" at the origin: staedi lists UNEXPECTED_SEGMENT, DATA_ELEMENT_TOO_LONG, TOO_MANY_DATA_ELEMENTS x2,
  // INVALID_CODE_VALUE, SEGMENT_EXCEEDS_MAXIMUM_USE; edigate finds those and one more: CTX06 `C023:1325`,
  // where C999-01 (725, Data Element Reference Number) is numeric. (CTX01 may repeat 10 times in 005010.)
  'x12/xlate-staedi__invalid999.edi': [
    [
      '999 supported',
      'SEGMENT_UNEXPECTED@IK52',
      'ELEMENT_TOO_LONG@AK13.1',
      'ELEMENT_TOO_MANY@AK24.4',
      'ELEMENT_TOO_MANY@AK24.5',
      'ELEMENT_INVALID_CODE@IK55.1',
      'SEGMENT_OVER_MAXIMUM_USE@IK56',
      'ELEMENT_INVALID_CHARACTER@CTX14.6',
      'SET_SEGMENTS_IN_ERROR',
    ],
  ],
  // Only one of its five errors is in the set (AK101); the others are envelope errors.
  'x12/xlate-staedi__invalid997_min.edi': [['997 supported', 'ELEMENT_TOO_LONG@AK12.1', 'SET_SEGMENTS_IN_ERROR']],
  'edifact/nerdocs-pydifact__order.edi': [['ORDERS supported']],
  // Messages cut down to UNH/DTM/UNT: the mandatory BGM, UNS and SG48 MOA are missing.
  'edifact/indice-co-EDI.Net__edifact.Issue188.edi': [
    ['IFTMIN unsupported', 'SET_NOT_SUPPORTED'],
    [
      'INVOIC supported',
      'SEGMENT_MANDATORY_MISSING@BGM2',
      'SEGMENT_MANDATORY_MISSING@UNS3',
      'SEGMENT_MANDATORY_MISSING@MOA3',
      'SET_SEGMENTS_IN_ERROR',
    ],
    ['IFTMIN unsupported', 'SET_NOT_SUPPORTED'],
    [
      'INVOIC supported',
      'SEGMENT_MANDATORY_MISSING@BGM2',
      'SEGMENT_MANDATORY_MISSING@UNS3',
      'SEGMENT_MANDATORY_MISSING@MOA3',
      'SET_SEGMENTS_IN_ERROR',
    ],
  ],
  // Versions edigate has no guide for.
  'edifact/xlate-staedi__orders-with-group.edi': [['ORDERS unsupported', 'SET_NOT_SUPPORTED']],
  'edifact/smooks-smooks-edi-cartridge__ORDERS_D.03B_Interchange.txt': [['ORDERS unsupported', 'SET_NOT_SUPPORTED']],
};

describe.skipIf(!existsSync(corpus))('third-party corpus through the guides', () => {
  it.each(Object.entries(expected))('%s', (file, want) => {
    const result = parseEdi(readFileSync(`${corpus}/${file}`));
    const got: string[][] = [];
    result.interchanges.forEach((interchange, interchangeIndex) => {
      validateGuides(interchange, { interchangeIndex });
      for (const group of interchange.groups) {
        for (const set of group.sets) {
          const findings = set.issues
            .filter((i) => guideCodes.has(i.code))
            .map((i) =>
              i.level === 'set'
                ? i.code
                : `${i.code}@${i.segmentTag ?? ''}${i.segmentPosition ?? ''}${i.element === undefined ? '' : `.${i.element}`}`,
            );
          got.push([`${set.id} ${set.supported === true ? 'supported' : 'unsupported'}`, ...findings]);
          if (set.supported === true) expect(set.tree?.root.id).toBe(set.id);
        }
      }
      expect(interchange.issues.filter((i) => i.code.startsWith('TA1_'))).toEqual([]);
    });
    expect(got).toEqual(want);
  });
});
