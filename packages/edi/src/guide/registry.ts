/**
 * The guides edigate ships, loaded with static JSON imports so the package
 * stays free of file I/O, and compiled on first use.
 */

import type { Standard } from '../types.js';
import { compileGuide, resolveDictionary, type CompiledGuide, type ResolvedDictionary } from './compile.js';
import type { SegmentDictionary, SetGuideFile, StructureEntry } from './format.js';

import x12v4010Segments from '../../guides/x12/004010/segments.json' with { type: 'json' };
import x12v4010s810 from '../../guides/x12/004010/810.json' with { type: 'json' };
import x12v4010s846 from '../../guides/x12/004010/846.json' with { type: 'json' };
import x12v4010s850 from '../../guides/x12/004010/850.json' with { type: 'json' };
import x12v4010s855 from '../../guides/x12/004010/855.json' with { type: 'json' };
import x12v4010s856 from '../../guides/x12/004010/856.json' with { type: 'json' };
import x12v4010s997 from '../../guides/x12/004010/997.json' with { type: 'json' };
import x12v4010s999 from '../../guides/x12/004010/999.json' with { type: 'json' };
import x12v5010Segments from '../../guides/x12/005010/segments.json' with { type: 'json' };
import x12v5010s810 from '../../guides/x12/005010/810.json' with { type: 'json' };
import x12v5010s846 from '../../guides/x12/005010/846.json' with { type: 'json' };
import x12v5010s850 from '../../guides/x12/005010/850.json' with { type: 'json' };
import x12v5010s855 from '../../guides/x12/005010/855.json' with { type: 'json' };
import x12v5010s856 from '../../guides/x12/005010/856.json' with { type: 'json' };
import x12v5010s997 from '../../guides/x12/005010/997.json' with { type: 'json' };
import x12v5010s999 from '../../guides/x12/005010/999.json' with { type: 'json' };
import d96aSegments from '../../guides/edifact/D96A/segments.json' with { type: 'json' };
import d96aCONTRL from '../../guides/edifact/D96A/CONTRL.json' with { type: 'json' };
import d96aDESADV from '../../guides/edifact/D96A/DESADV.json' with { type: 'json' };
import d96aINVOIC from '../../guides/edifact/D96A/INVOIC.json' with { type: 'json' };
import d96aINVRPT from '../../guides/edifact/D96A/INVRPT.json' with { type: 'json' };
import d96aORDERS from '../../guides/edifact/D96A/ORDERS.json' with { type: 'json' };
import d96aORDRSP from '../../guides/edifact/D96A/ORDRSP.json' with { type: 'json' };

/** Every version dictionary, as stored (the shapes are checked by the guide format test). */
export const dictionaryFiles: readonly SegmentDictionary[] = [
  x12v4010Segments,
  x12v5010Segments,
  d96aSegments,
] as unknown as SegmentDictionary[];

/** Every set guide file, as stored. */
export const setGuideFiles: readonly SetGuideFile[] = [
  x12v4010s810,
  x12v4010s846,
  x12v4010s850,
  x12v4010s855,
  x12v4010s856,
  x12v4010s997,
  x12v4010s999,
  x12v5010s810,
  x12v5010s846,
  x12v5010s850,
  x12v5010s855,
  x12v5010s856,
  x12v5010s997,
  x12v5010s999,
  d96aCONTRL,
  d96aDESADV,
  d96aINVOIC,
  d96aINVRPT,
  d96aORDERS,
  d96aORDRSP,
] as unknown as SetGuideFile[];

/** Syntax-version-3 CONTRL version labels read as the D96A CONTRL guide. */
const contrlAliases = new Set(['D3', '22', '21', '2']);

const dictionaries = new Map<string, ResolvedDictionary>();
const guides = new Map<string, CompiledGuide | null>();

function key(standard: Standard, version: string, id = ''): string {
  return `${standard}/${version}/${id}`;
}

/**
 * The guide version a set's declared version selects, or undefined.
 * X12: the first six characters of ST03/GS08 (`004010VICS` → `004010`); a
 * five-character ISA12-style value (`00401`) is read as its six-character
 * form. EDIFACT: S009 0052 + 0054 (`D96A`, also written `D:96A`).
 */
export function guideVersion(standard: Standard, version: string): string {
  if (standard === 'x12') {
    const digits = /^\d{5,6}/.exec(version.trim())?.[0] ?? '';
    return digits.length === 5 ? `${digits}0` : digits;
  }
  return version.replace(/[:\s]/g, '').toUpperCase();
}

/** The resolved segment dictionary of a version (`004010`, `005010`, `D96A`), or undefined. */
export function findDictionary(standard: Standard, version: string): ResolvedDictionary | undefined {
  const k = key(standard, version);
  const cached = dictionaries.get(k);
  if (cached !== undefined) return cached;
  const file = dictionaryFiles.find((d) => d.standard === standard && d.version === version);
  if (file === undefined) return undefined;
  const base = file.base === undefined ? undefined : findDictionary(standard, file.base);
  const resolved = resolveDictionary(file, base);
  dictionaries.set(k, resolved);
  return resolved;
}

function structureOf(file: SetGuideFile): readonly StructureEntry[] | undefined {
  if (file.structure !== undefined) return file.structure;
  if (file.structureFrom === undefined) return undefined;
  const from = setGuideFiles.find(
    (g) => g.standard === file.standard && g.version === file.structureFrom && g.id === file.id,
  );
  return from === undefined ? undefined : structureOf(from);
}

/**
 * The compiled guide for a set id in a version, or undefined when edigate has
 * none (the set is then "not supported", AK502 1). `version` may be the set's
 * declared version (`004010VICS`, `005010X231A1`, `D96A`).
 */
export function findGuide(standard: Standard, version: string, setId: string): CompiledGuide | undefined {
  // Consecutive sets of a file mostly ask for the same guide: no key string for them.
  const last = lastFound;
  if (last.setId === setId && last.version === version && last.standard === standard) return last.guide;
  // Declared versions repeat from set to set: remember them as given, before any normalising.
  const declared = `${standard}|${version}|${setId}`;
  const known = byDeclared.get(declared);
  let guide: CompiledGuide | undefined;
  if (known !== undefined) guide = known ?? undefined;
  else {
    guide = lookupGuide(standard, version, setId);
    if (byDeclared.size < 1000) byDeclared.set(declared, guide ?? null);
  }
  lastFound = { standard, version, setId, guide };
  return guide;
}

let lastFound: { standard: Standard | ''; version: string; setId: string; guide: CompiledGuide | undefined } = {
  standard: '',
  version: '',
  setId: '',
  guide: undefined,
};

const byDeclared = new Map<string, CompiledGuide | null>();

function lookupGuide(standard: Standard, version: string, setId: string): CompiledGuide | undefined {
  let v = guideVersion(standard, version);
  // CONTRL travels with its service directory version (`CONTRL:D:3:UN`, `CONTRL:2:2:UN`), not a D.96A one.
  if (standard === 'edifact' && setId === 'CONTRL' && contrlAliases.has(v)) v = 'D96A';
  const k = key(standard, v, setId);
  const cached = guides.get(k);
  if (cached !== undefined) return cached ?? undefined;
  const file = setGuideFiles.find((g) => g.standard === standard && g.version === v && g.id === setId);
  const dictionary = file === undefined ? undefined : findDictionary(standard, v);
  const structure = file === undefined ? undefined : structureOf(file);
  const compiled =
    file === undefined || dictionary === undefined || structure === undefined
      ? null
      : compileGuide(file, structure, dictionary);
  guides.set(k, compiled);
  return compiled ?? undefined;
}

/** Which guides exist: standard, version and set id of each. */
export function listGuides(): { standard: Standard; version: string; id: string; name: string; coverage: string }[] {
  return setGuideFiles.map((g) => ({
    standard: g.standard,
    version: g.version,
    id: g.id,
    name: g.name,
    coverage: g.coverage,
  }));
}

/**
 * A guide's loop structure in one line: segment tags in order, loops as
 * `ID(…)` with their first segment first — e.g. `ST BEG … PO1(PO1 LIN …) CTT(CTT AMT) SE`.
 * For consumers that need only the outline (maps checking a map file against
 * the set); undefined when there is no guide.
 */
export function guideOutline(standard: Standard, version: string, setId: string): string | undefined {
  const guide = findGuide(standard, version, setId);
  if (guide === undefined) return undefined;
  const write = (entries: CompiledGuide['root']['entries']): string =>
    entries.map((e) => (e.loop === undefined ? e.tag : `${e.loop.id}(${write(e.loop.entries)})`)).join(' ');
  return write(guide.root.entries);
}
