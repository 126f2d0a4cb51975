/** Reading the maps folder and parsing EDI for the map tests. */
import { parseEdi, validateGuides, type ParseResult } from '@edigate/edi';

/** The maps folder as the CLI reads it (`edigate maps check|test`). */
export { readMapsFolder } from '@edigate/cli';

/** Parses EDI text and arranges each set by its guide, as the gateway does before translating. */
export function parseForMaps(input: Uint8Array | string): ParseResult {
  const parsed = parseEdi(input);
  parsed.interchanges.forEach((interchange, interchangeIndex) => validateGuides(interchange, { interchangeIndex }));
  return parsed;
}
