/**
 * The standards' own error code tables, in one place, so that issues carry
 * the code an acknowledgment reports and no other module keeps its own copy.
 *
 * Sources (code values and meanings as published; checked against several
 * independent implementations of the 997/999/TA1/CONTRL code lists):
 * - X12 data element I18 Interchange Note Code (TA105), X12.5 / 005010.
 * - X12 data element 720 Segment Syntax Error Code (997 AK304, 999 IK304).
 * - X12 data element 723 Data Element Syntax Error Code (997 AK403, 999 IK403).
 * - X12 data element 717 Transaction Set Syntax Error Code (997 AK502, 999 IK502).
 * - X12 data element 716 Functional Group Syntax Error Code (997/999 AK905).
 * - UN/EDIFACT service code list, data element 0085 Syntax error, coded
 *   (ISO 9735 CONTRL UCI/UCM/UCS/UCD).
 *
 * Version 004010 and 005010 differ for 720 and 723: 005010 adds the
 * implementation ("I") codes and, for 723, codes 12 (too many repetitions)
 * and 13 (too many components). Use {@link ak304CodesFor} / {@link ak403CodesFor}.
 */

/** A code table: code value → meaning. */
export type CodeTable = Readonly<Record<string, string>>;

/** X12 I18 Interchange Note Code, reported in TA105 (000–031). */
export const ta105Codes: CodeTable = {
  '000': 'No error',
  '001':
    'The Interchange Control Number in the Header and Trailer Do Not Match. The Value From the Header is Used in the Acknowledgment',
  '002': 'This Standard as Noted in the Control Standards Identifier is Not Supported',
  '003': 'This Version of the Controls is Not Supported',
  '004': 'The Segment Terminator is Invalid',
  '005': 'Invalid Interchange ID Qualifier for Sender',
  '006': 'Invalid Interchange Sender ID',
  '007': 'Invalid Interchange ID Qualifier for Receiver',
  '008': 'Invalid Interchange Receiver ID',
  '009': 'Unknown Interchange Receiver ID',
  '010': 'Invalid Authorization Information Qualifier Value',
  '011': 'Invalid Authorization Information Value',
  '012': 'Invalid Security Information Qualifier Value',
  '013': 'Invalid Security Information Value',
  '014': 'Invalid Interchange Date Value',
  '015': 'Invalid Interchange Time Value',
  '016': 'Invalid Interchange Standards Identifier Value',
  '017': 'Invalid Interchange Version ID Value',
  '018': 'Invalid Interchange Control Number Value',
  '019': 'Invalid Acknowledgment Requested Value',
  '020': 'Invalid Test Indicator Value',
  '021': 'Invalid Number of Included Groups Value',
  '022': 'Invalid Control Structure',
  '023': 'Improper (Premature) End-of-File (Transmission)',
  '024': 'Invalid Interchange Content (e.g., Invalid GS Segment)',
  '025': 'Duplicate Interchange Control Number',
  '026': 'Invalid Data Element Separator',
  '027': 'Invalid Component Element Separator',
  '028': 'Invalid Delivery Date in Deferred Delivery Request',
  '029': 'Invalid Delivery Time in Deferred Delivery Request',
  '030': 'Invalid Delivery Time Code in Deferred Delivery Request',
  '031': 'Invalid Grade of Service Code',
};

/** X12 720 Segment Syntax Error Code as of 004010 (997 AK304). */
export const ak304Codes4010: CodeTable = {
  '1': 'Unrecognized segment ID',
  '2': 'Unexpected segment',
  '3': 'Mandatory segment missing',
  '4': 'Loop Occurs Over Maximum Times',
  '5': 'Segment Exceeds Maximum Use',
  '6': 'Segment Not in Defined Transaction Set',
  '7': 'Segment Not in Proper Sequence',
  '8': 'Segment Has Data Element Errors',
};

/** X12 720 Segment Syntax Error Code as of 005010 (997 AK304, 999 IK304): 004010 plus the implementation codes. */
export const ak304Codes5010: CodeTable = {
  ...ak304Codes4010,
  I4: 'Implementation "Not Used" Segment Present',
  I6: 'Implementation Dependent Segment Missing',
  I7: 'Implementation Loop Occurs Under Minimum Times',
  I8: 'Implementation Segment Below Minimum Use',
  I9: 'Implementation Dependent "Not Used" Segment Present',
};

/** X12 723 Data Element Syntax Error Code as of 004010 (997 AK403). */
export const ak403Codes4010: CodeTable = {
  '1': 'Mandatory data element missing',
  '2': 'Conditional required data element missing',
  '3': 'Too many data elements',
  '4': 'Data element too short',
  '5': 'Data element too long',
  '6': 'Invalid character in data element',
  '7': 'Invalid code value',
  '8': 'Invalid Date',
  '9': 'Invalid Time',
  '10': 'Exclusion Condition Violated',
};

/** X12 723 Data Element Syntax Error Code as of 005010 (997 AK403, 999 IK403). */
export const ak403Codes5010: CodeTable = {
  ...ak403Codes4010,
  '12': 'Too Many Repetitions',
  '13': 'Too Many Components',
  I6: 'Code Value Not Used in Implementation',
  I9: 'Implementation Dependent Data Element Missing',
  I10: 'Implementation "Not Used" Data Element Present',
  I11: 'Implementation Too Few Repetitions',
  I12: 'Implementation Pattern Match Failure',
  I13: 'Implementation Dependent "Not Used" Data Element Present',
};

/** X12 717 Transaction Set Syntax Error Code (997 AK502, 999 IK502; I5/I6 only in 999). */
export const ak502Codes: CodeTable = {
  '1': 'Transaction Set Not Supported',
  '2': 'Transaction Set Trailer Missing',
  '3': 'Transaction Set Control Number in Header and Trailer Do Not Match',
  '4': 'Number of Included Segments Does Not Match Actual Count',
  '5': 'One or More Segments in Error',
  '6': 'Missing or Invalid Transaction Set Identifier',
  '7': 'Missing or Invalid Transaction Set Control Number',
  '8': 'Authentication Key Name Unknown',
  '9': 'Encryption Key Name Unknown',
  '10': 'Requested Service (Authentication or Encrypted) Not Available',
  '11': 'Unknown Security Recipient',
  '12': 'Incorrect Message Length (Encryption Only)',
  '13': 'Message Authentication Code Failed',
  '15': 'Unknown Security Originator',
  '16': 'Syntax Error in Decrypted Text',
  '17': 'Security Not Supported',
  '18': 'Transaction Set not in Functional Group',
  '19': 'Invalid Transaction Set Implementation Convention Reference',
  '23': 'Transaction Set Control Number Not Unique within the Functional Group',
  '24': 'S3E Security End Segment Missing for S3S Security Start Segment',
  '25': 'S3S Security Start Segment Missing for S3E Security End Segment',
  '26': 'S4E Security End Segment Missing for S4S Security Start Segment',
  '27': 'S4S Security Start Segment Missing for S4E Security End Segment',
  I5: 'Implementation One or More Segments in Error',
  I6: 'Implementation Convention Not Supported',
};

/** 999 IK502: the same data element 717 as AK502. */
export const ik502Codes: CodeTable = ak502Codes;
/** 999 IK304: data element 720 in its 005010 form. */
export const ik304Codes: CodeTable = ak304Codes5010;
/** 999 IK403: data element 723 in its 005010 form. */
export const ik403Codes: CodeTable = ak403Codes5010;

/** X12 716 Functional Group Syntax Error Code (997/999 AK905). */
export const ak905Codes: CodeTable = {
  '1': 'Functional Group Not Supported',
  '2': 'Functional Group Version Not Supported',
  '3': 'Functional Group Trailer Missing',
  '4': 'Group Control Number in the Functional Group Header and Trailer Do Not Agree',
  '5': 'Number of Included Transaction Sets Does Not Match Actual Count',
  '6': 'Group Control Number Violates Syntax',
  '10': 'Authentication Key Name Unknown',
  '11': 'Encryption Key Name Unknown',
  '12': 'Requested Service (Authentication or Encryption) Not Available',
  '13': 'Unknown Security Recipient',
  '14': 'Unknown Security Originator',
  '15': 'Syntax Error in Decrypted Text',
  '16': 'Security Not Supported',
  '17': 'Incorrect Message Length (Encryption Only)',
  '18': 'Message Authentication Code Failed',
  '19': 'Functional Group Control Number not Unique within Interchange',
  '23': 'S3E Security End Segment Missing for S3S Security Start Segment',
  '24': 'S3S Security Start Segment Missing for S3E Security End Segment',
  '25': 'S4E Security End Segment Missing for S4S Security Start Segment',
  '26': 'S4S Security Start Segment Missing for S4E Security End Segment',
};

/** UN/EDIFACT 0085 Syntax error, coded (CONTRL UCI 0085, UCM 0085, UCS 0085, UCD 0085). */
export const contrlSyntaxErrorCodes: CodeTable = {
  '2': 'Syntax version or level not supported',
  '7': 'Interchange recipient not actual recipient',
  '12': 'Invalid value',
  '13': 'Missing',
  '14': 'Value not supported in this position',
  '15': 'Not supported in this position',
  '16': 'Too many constituents',
  '17': 'No agreement',
  '18': 'Unspecified error',
  '19': 'Invalid decimal notation',
  '20': 'Character invalid as service character',
  '21': 'Invalid character(s)',
  '22': 'Invalid service character(s)',
  '23': 'Unknown Interchange sender',
  '24': 'Too old',
  '25': 'Test indicator not supported',
  '26': 'Duplicate detected',
  '27': 'Security function not supported',
  '28': 'References do not match',
  '29': 'Control count does not match number of instances received',
  '30': 'Groups and messages/packages mixed',
  '31': 'More than one message type in group',
  '32': 'Lower level empty',
  '33': 'Invalid occurrence outside message, package or group',
  '34': 'Nesting indicator not allowed',
  '35': 'Too many data element or segment repetitions',
  '36': 'Too many segment group repetitions',
  '37': 'Invalid type of character(s)',
  '38': 'Missing digit in front of decimal sign',
  '39': 'Data element too long',
  '40': 'Data element too short',
  '41': 'Permanent communication network error',
  '42': 'Temporary communication network error',
  '43': 'Unknown interchange recipient',
  '45': 'Trailing separator',
  '46': 'Character set not supported',
  '47': 'Envelope functionality not supported',
  '48': 'Dependency condition violated',
};

/**
 * True when an X12 version string (ISA12 `00501`, GS08 `005010X222A1`, ST03)
 * is 005010 or later, i.e. the 005010 forms of 720/723 apply.
 */
export function isX12Version5010OrLater(version: string): boolean {
  const digits = /^\d{5,6}/.exec(version)?.[0];
  if (digits === undefined) return false;
  // ISA12 has 5 digits (00501), GS08 6 (005010): compare the version+release part.
  const n = Number(digits.length === 5 ? digits.slice(0, 4) : digits.slice(0, 5));
  return digits.length === 5 ? n >= 50 : n >= 501;
}

/** The 720 table (AK304 / IK304) that applies to a set or group of the given X12 version. */
export function ak304CodesFor(version: string): CodeTable {
  return isX12Version5010OrLater(version) ? ak304Codes5010 : ak304Codes4010;
}

/** The 723 table (AK403 / IK403) that applies to a set or group of the given X12 version. */
export function ak403CodesFor(version: string): CodeTable {
  return isX12Version5010OrLater(version) ? ak403Codes5010 : ak403Codes4010;
}

/**
 * Named constants for the codes edigate's envelope checks emit, so call sites
 * read as words and a typo is a type error.
 */
export const Ta105 = {
  controlNumberMismatch: '001',
  standardNotSupported: '002',
  versionNotSupported: '003',
  invalidSegmentTerminator: '004',
  invalidSenderQualifier: '005',
  invalidSenderId: '006',
  invalidReceiverQualifier: '007',
  invalidReceiverId: '008',
  invalidAuthorizationQualifier: '010',
  invalidAuthorization: '011',
  invalidSecurityQualifier: '012',
  invalidSecurity: '013',
  invalidDate: '014',
  invalidTime: '015',
  invalidStandardsIdentifier: '016',
  invalidVersion: '017',
  invalidControlNumber: '018',
  invalidAckRequested: '019',
  invalidTestIndicator: '020',
  invalidGroupCount: '021',
  invalidControlStructure: '022',
  prematureEndOfFile: '023',
  invalidContent: '024',
  duplicateControlNumber: '025',
  invalidElementSeparator: '026',
  invalidComponentSeparator: '027',
} as const;

/** Named 716 (AK905) codes used by the envelope checks. */
export const Ak905 = {
  notSupported: '1',
  versionNotSupported: '2',
  trailerMissing: '3',
  controlNumberMismatch: '4',
  countMismatch: '5',
  controlNumberSyntax: '6',
  duplicateControlNumber: '19',
} as const;

/** Named 717 (AK502) codes used by the envelope checks. */
export const Ak502 = {
  notSupported: '1',
  trailerMissing: '2',
  controlNumberMismatch: '3',
  countMismatch: '4',
  segmentsInError: '5',
  invalidSetId: '6',
  invalidControlNumber: '7',
  notInGroup: '18',
  duplicateControlNumber: '23',
} as const;

/** Named 0085 (CONTRL) codes used by the envelope checks. */
export const Contrl = {
  syntaxVersionNotSupported: '2',
  invalidValue: '12',
  missing: '13',
  valueNotSupported: '14',
  notSupportedInPosition: '15',
  tooManyConstituents: '16',
  unspecified: '18',
  invalidDecimalNotation: '19',
  invalidServiceCharacter: '20',
  invalidCharacter: '21',
  invalidServiceCharacters: '22',
  duplicate: '26',
  referencesDoNotMatch: '28',
  countMismatch: '29',
  groupsAndMessagesMixed: '30',
  outsideEnvelope: '33',
  tooManyRepetitions: '35',
  invalidCharacterType: '37',
  tooLong: '39',
  tooShort: '40',
  trailingSeparator: '45',
  characterSetNotSupported: '46',
} as const;

/** X12 I05 Interchange ID Qualifier, the 005010 list (01–38, AM, NR, SA, SN, ZZ): what ISA05/ISA07 may hold. */
export const x12IdQualifiers: ReadonlySet<string> = new Set([
  ...Array.from({ length: 38 }, (_, i) => String(i + 1).padStart(2, '0')),
  'AM',
  'NR',
  'SA',
  'SN',
  'ZZ',
]);
