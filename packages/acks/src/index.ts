/**
 * @edigate/acks — acknowledgments built from validation findings: TA1, 997,
 * 999 and CONTRL, chosen per partner policy by {@link acknowledge}. Pure:
 * interchanges in, interchange values and bytes out; control numbers are
 * handed in by the caller (the ledger allocates them).
 */
export {
  acknowledge,
  type AckKind,
  type AckPolicy,
  type AckControlNumbers,
  type AcknowledgeOptions,
  type Acknowledgment,
} from './acknowledge.js';
export {
  build997,
  build999,
  buildTa1,
  x12Interchange,
  ourX12Delimiters,
  type FunctionalAck,
  type FunctionalAckOptions,
  type GroupAckCode,
  type SetAckCode,
  type Ta1,
  type Ta1Code,
  type X12AckGroup,
  type X12InterchangeOptions,
} from './x12.js';
export {
  buildContrl,
  edifactInterchange,
  ourEdifactDelimiters,
  contrlMessageType,
  type Contrl,
  type ContrlAction,
  type ContrlOptions,
  type EdifactInterchangeOptions,
} from './contrl.js';
export { clockOf, type AckClock } from './common.js';
