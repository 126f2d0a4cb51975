/** @edigate/as2 — MIME, CMS, MIC, MDN and AS2 message build/unwrap (RFC 4130). Pure: bytes and callbacks in, values out. */
export * from './errors.js';
export * from './mime.js';
export * from './mic.js';
export * from './mdn.js';
export * from './receive.js';
export * from './send.js';
export * from './cms/index.js';
export * from './signedEntity.js';
