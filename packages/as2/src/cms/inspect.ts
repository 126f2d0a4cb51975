/** Which kind of CMS ContentInfo a blob holds. */
import type { CmsType } from './types.js';

/** Reads the outer ContentInfo's contentType. Never throws; `unknown` for anything else. */
export function inspectCms(_der: Uint8Array): { type: CmsType } {
  return { type: 'unknown' };
}
