import { type BackendChoice, selectBackend } from '../backend.js';

/** Activates the backend a command's --backend asks for (default auto), saying on stderr when auto fell back to cpu. */
export async function useBackend(choice: BackendChoice | undefined): Promise<void> {
  const backend = await selectBackend(choice ?? 'auto');
  if (backend.fallbackNote) process.stderr.write(`dcgan: ${backend.fallbackNote}\n`);
}
