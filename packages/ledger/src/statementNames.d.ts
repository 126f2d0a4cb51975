/** Types of statementNames.js (plain JavaScript, so that the PGlite thread loads it under any loader). */
export declare class StatementNames {
  constructor(max?: number);
  readonly max: number;
  /** The text's name, or undefined while it should run unnamed (its first run, or every name is taken). */
  nameFor(text: string): string | undefined;
  /** Drops the text's name (after SQLSTATE 0A000); it is named anew, under a new name, when it repeats. */
  forget(text: string): void;
}
