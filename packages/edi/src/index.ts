/**
 * @edigate/edi — X12 and EDIFACT syntax: tokenizer, streaming reader,
 * envelopes, guide validation, loop tree, serializer. Pure: bytes in, values out.
 */
export type * from './types.js';
export * from './values.js';
export * from './codes.js';
export { IssueCode, type IssueCodeValue } from './issues.js';
export { parseEdi, detectStandard, streamInterchanges, type ParseOptions, type InterchangeResult } from './parse.js';
export { serialize, serializeSegment, EdiSerializeError, type SerializeOptions } from './serialize.js';
export { allIssues, isValidDate, isValidTime } from './envelope.js';
export * from './guide/index.js';
