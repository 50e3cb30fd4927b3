import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The CLI's entry file, for commands that run parts of themselves in child processes. */
export const CLI_ENTRY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'main.js');
