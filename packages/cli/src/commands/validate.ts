import type { Register } from '../program.js';

/** `edigate validate <file…>` — filled in with the syntax core. */
export const registerValidate: Register = () => {};
