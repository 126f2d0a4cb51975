/**
 * Shared helpers for `pnpm bench` areas: flags, seeded data, child-process
 * cases with peak RSS, medians and markdown tables.
 */
export * from './args.js';
export * from './child.js';
export * from './data.js';
export * from './markdown.js';
export * from './profile.js';
export * from './rng.js';
export * from './stats.js';
