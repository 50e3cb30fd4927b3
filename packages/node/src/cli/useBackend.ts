import { type BackendChoice, selectBackend } from '../backend.js';

/**
 * Activates the backend a command's --backend asks for (default auto). Says so on stderr when it is not the usual
 * CPU pick: a GPU through webgpu, or auto's fall back to the slow cpu backend.
 */
export async function useBackend(choice: BackendChoice | undefined): Promise<void> {
  const backend = await selectBackend(choice ?? 'auto');
  if (backend.note && (backend.slow || backend.name === 'webgpu')) process.stderr.write(`dcgan: ${backend.note}\n`);
}
