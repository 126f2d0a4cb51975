/**
 * A maps folder held as data: every map file by its path relative to the
 * maps root (`standard/x12/004010/850.yaml`, `p_003/850.yaml`). Loads and
 * checks them all, picks the map for a set, and finds the partner for an
 * envelope sender. The caller (CLI, gateway) reads the files.
 */
import type { Interchange } from '@edigate/edi';
import { parse as parseYaml } from 'yaml';
import type { MapIssue } from './issues.js';
import { loadMap, type LoadedMap } from './map.js';
import type { MapSelector } from './translate.js';

/** One partner's envelope ids, as in `partner-profiles/<id>.yaml`. */
export interface PartnerIds {
  id: string;
  x12?: { qualifier?: string; id: string };
  edifact?: { qualifier?: string; id: string };
}

/** Reads the ids of a partner profile (`id`, `x12`, `edifact`); undefined when the text has none. */
export function partnerIdsFromProfile(text: string): PartnerIds | undefined {
  try {
    const doc = parseYaml(text) as {
      id?: unknown;
      x12?: { qualifier?: unknown; id?: unknown };
      edifact?: { qualifier?: unknown; id?: unknown };
    } | null;
    if (!doc || typeof doc.id !== 'string') return undefined;
    const out: PartnerIds = { id: doc.id };
    if (doc.x12 && typeof doc.x12.id === 'string')
      out.x12 = { id: doc.x12.id, ...(typeof doc.x12.qualifier === 'string' ? { qualifier: doc.x12.qualifier } : {}) };
    if (doc.edifact && typeof doc.edifact.id === 'string')
      out.edifact = {
        id: doc.edifact.id,
        ...(typeof doc.edifact.qualifier === 'string' ? { qualifier: doc.edifact.qualifier } : {}),
      };
    return out;
  } catch {
    return undefined;
  }
}

/** The partner whose envelope id matches the interchange sender (ISA06 / UNB S002), or null. */
export function partnerOf(interchange: Interchange, partners: readonly PartnerIds[]): string | null {
  const sender = interchange.sender;
  for (const p of partners) {
    const ids = interchange.standard === 'x12' ? p.x12 : p.edifact;
    if (!ids || ids.id.trim() !== sender.id.trim()) continue;
    if (ids.qualifier && sender.qualifier && ids.qualifier.trim() !== sender.qualifier.trim()) continue;
    return p.id;
  }
  return null;
}

/** X12 versions compare on the first six characters (`004010VICS` reads as `004010`). */
function sameVersion(standard: 'x12' | 'edifact', a: string, b: string): boolean {
  return standard === 'x12' ? a.slice(0, 6) === b.slice(0, 6) : a === b;
}

/** Every map of a maps folder, loaded and checked. */
export class MapRepository {
  /** Loaded maps by file. */
  readonly maps = new Map<string, LoadedMap>();
  /** Issues by file (files with errors have no entry in `maps`). */
  readonly issues = new Map<string, MapIssue[]>();

  /** @param files map file text by path relative to the maps root; other files (tests, docs) are ignored. */
  constructor(readonly files: ReadonlyMap<string, string>) {
    const resolveExtends = (name: string): { file: string; text: string } | undefined => {
      for (const ext of ['.yaml', '.yml']) {
        const text = files.get(name + ext);
        if (text !== undefined) return { file: name + ext, text };
      }
      return undefined;
    };
    for (const [file, text] of files) {
      if (!/\.ya?ml$/.test(file) || file.includes('/tests/')) continue;
      const r = loadMap(text, { file, resolveExtends });
      this.issues.set(file, r.issues);
      if (r.map) this.maps.set(file, r.map);
    }
    // Two maps of one owner for the same set and version: only the first (by file name) is ever used.
    const seen = new Map<string, string>();
    for (const file of [...this.maps.keys()].sort()) {
      const m = this.maps.get(file)!;
      const key = [
        MapRepository.partnerOfFile(file) ?? '',
        m.direction,
        m.standard,
        m.standard === 'x12' ? m.version.slice(0, 6) : m.version,
        m.set,
      ].join('|');
      const first = seen.get(key);
      if (first === undefined) seen.set(key, file);
      else
        this.issues.get(file)!.push({
          code: 'DUPLICATE_MAP',
          severity: 'warning',
          message: `${file} maps the same ${m.direction} ${m.standard} ${m.version} ${m.set} as ${first}; ${first} is the one used`,
          hint: 'keep one map per partner, set and version',
          rule: { file, line: 1, column: 1, field: 'set' },
        });
    }
  }

  /** The partner of a map file (`p_003/850.yaml` → `p_003`), or null for standard maps. */
  static partnerOfFile(file: string): string | null {
    const first = file.split('/')[0]!;
    return first === 'standard' ? null : first;
  }

  /**
   * The map for a set: the partner's own map for the set and version when it
   * has one, else the standard base. A sender with no partner gets the
   * standard maps.
   */
  select(query: Parameters<MapSelector>[0] & { direction?: 'inbound' | 'outbound' }): LoadedMap | undefined {
    const direction = query.direction ?? 'inbound';
    const fits = (m: LoadedMap): boolean =>
      m.direction === direction &&
      m.standard === query.standard &&
      m.set === query.setId &&
      sameVersion(query.standard, m.version, query.version);
    let standard: LoadedMap | undefined;
    for (const file of [...this.maps.keys()].sort()) {
      const m = this.maps.get(file)!;
      if (!fits(m)) continue;
      const owner = MapRepository.partnerOfFile(file);
      if (query.partner && owner === query.partner) return m;
      if (owner === null) standard ??= m;
    }
    return standard;
  }

  /** A selector bound to this repository, for {@link translateAll}. */
  get selector(): MapSelector {
    return (q) => this.select(q);
  }
}
