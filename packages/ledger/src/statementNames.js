// @ts-check
// Which statement texts get a name, for both drivers: db.ts (pg, a name per
// pooled connection) and pgliteWorker.js (PGlite in its thread). Plain
// JavaScript so that the worker loads it under any loader.

/**
 * A text seen a second time gets a name, so the database parses and plans it
 * once instead of on every call. Bounded: at most `max` texts get a name; the
 * rest run unnamed. Names are never reused, so a name dropped after a change
 * of the table under it cannot meet a statement still prepared under it.
 */
export class StatementNames {
  /** @param {number} [max] */
  constructor(max = 256) {
    /** @readonly */
    this.max = max;
    /** @type {Map<string, string>} */
    this.named = new Map();
    /** @type {Set<string>} texts seen once, candidates for a name */
    this.seenOnce = new Set();
    this.last = 0;
  }

  /**
   * The text's name, or undefined while it should run unnamed (its first
   * run, or every name is taken).
   * @param {string} text @returns {string | undefined}
   */
  nameFor(text) {
    const known = this.named.get(text);
    if (known !== undefined) return known;
    if (!this.seenOnce.has(text) || this.named.size >= this.max) {
      if (this.seenOnce.size >= 4 * this.max) this.seenOnce.clear();
      this.seenOnce.add(text);
      return undefined;
    }
    this.seenOnce.delete(text);
    const name = `edigate_${++this.last}`;
    this.named.set(text, name);
    return name;
  }

  /**
   * Drops the text's name (after SQLSTATE 0A000: its result columns changed);
   * the text is named anew, under a new name, when it repeats.
   * @param {string} text
   */
  forget(text) {
    this.named.delete(text);
  }
}
