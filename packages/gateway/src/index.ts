/** @edigate/gateway — configuration, the AS2 receive and send paths, the HTTP server. */
export * from './config/load.js';
export { parseDuration, parseSize, partnerProfileSchema, gatewayConfigSchema } from './config/schema.js';
export * from './certs.js';
export * from './archive.js';
export * from './httpError.js';
export { createLogger, redactPaths, type Logger } from './logger.js';
export * from './recorder.js';
export { LedgerRecorder, openLedgerBackend } from './ledgerRecorder.js';
export { createApp, createRequestListener, listen } from './server.js';
export { startGateway, defaultReceive, type Gateway, type StartGatewayOptions } from './gateway.js';
export { PartnerDirectory, unquoteAs2Name, type PartnerSecuritySettings } from './as2/partners.js';
export {
  handleInbound,
  identify,
  ASYNC_MDN_QUEUE,
  type ReceiveFunction,
  type ReceiveOutcome,
  type InboundPayload,
  type HttpReply,
} from './as2/inbound.js';
export { httpPost, type HttpResponse, type HttpPostOptions } from './as2/httpClient.js';
export {
  importOpenAs2,
  profileToYaml,
  readOpenAs2Properties,
  type ImportedProfile,
  type OpenAs2Import,
} from './openas2.js';
export {
  sendMessage,
  enqueueSend,
  startOutboundWorker,
  OUTBOUND_QUEUE,
  type OutboundJob,
  fullJitterDelay,
  type SendMessageOptions,
  type SendResult,
  type RetryPolicy,
} from './as2/send.js';
