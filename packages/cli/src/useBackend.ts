import { Option } from 'commander';
import { BACKEND_CHOICES, BACKEND_HELP, type BackendChoice, selectBackend } from '@dcgan-ts/node';

/** `--backend <name>`, as every command that computes declares it. */
export function backendOption(help: string = BACKEND_HELP): Option {
  return new Option('--backend <name>', help).choices(BACKEND_CHOICES);
}

/**
 * Activates the backend a command's --backend asks for (default auto). Says so on stderr when it is not the usual
 * CPU pick: a GPU through webgpu, or auto's fall back to the slow cpu backend.
 */
export async function useBackend(choice: BackendChoice | undefined): Promise<void> {
  const backend = await selectBackend(choice ?? 'auto');
  if (backend.note && (backend.slow || backend.name === 'webgpu')) process.stderr.write(`dcgan: ${backend.note}\n`);
}
