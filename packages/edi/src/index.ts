/**
 * @edigate/edi — X12 and EDIFACT syntax: tokenizer, streaming reader,
 * envelopes, guide validation, loop tree, serializer. Pure: bytes in, values out.
 */
export type * from './types.js';
export * from './values.js';
export * from './codes.js';
