export { run, buildProgram } from './program.js';
export { ExitCode, resolveHome, CliError, type Io } from './context.js';
export { readMapsFolder } from './commands/maps.js';
