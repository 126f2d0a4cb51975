/**
 * @edigate/maps — the internal document schema (zod), the map-file language
 * (YAML, checked when loaded), inbound and outbound translation, golden tests.
 * Pure: map texts and parsed EDI in, documents and issues out.
 */
export * from './schema.js';
export * from './convert.js';
export * from './issues.js';
export * from './path.js';
export {
  loadMap,
  checkAgainstGuide,
  builtinTables,
  jsonataLimits,
  type LoadedMap,
  type LoadMapOptions,
  type LoadMapResult,
  type ExtendsResolver,
  type FieldRule,
  type ValueRule,
  type ObjectRule,
  type OutboundItem,
  type OutboundElement,
  type Condition,
  type ValueType,
  type CompiledExpression,
} from './map.js';
export { mapFileSchema, mapFileJsonSchema, checkMapFile } from './mapFile.js';
export * from './translate.js';
export * from './repository.js';
export * from './golden.js';
export { setOutline, arrangeByOutline, nestHierarchy, type SetOutline, type LoopOutline } from './structures.js';
export * from './outbound.js';
