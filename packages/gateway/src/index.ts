export * from './config/load.js';
export { parseDuration, parseSize, partnerProfileSchema, gatewayConfigSchema } from './config/schema.js';
export * from './certs.js';
