/** Reading the maps folder and parsing EDI for the map tests. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEdi, validateGuides, type ParseResult } from '@edigate/edi';

/** Every file under the maps root, by its relative path with `/` separators. */
export function readMapsFolder(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(e.name))
        files.set(path.relative(root, full).split(path.sep).join('/'), readFileSync(full, 'utf8'));
    }
  };
  walk(root);
  return files;
}

/** Parses EDI text and arranges each set by its guide, as the gateway does before translating. */
export function parseForMaps(input: Uint8Array | string): ParseResult {
  const parsed = parseEdi(input);
  parsed.interchanges.forEach((interchange, interchangeIndex) => validateGuides(interchange, { interchangeIndex }));
  return parsed;
}
