import { Option } from 'commander';
import {
  BACKEND_CHOICES,
  BACKEND_HELP,
  type BackendChoice,
  PRECISION_CHOICES,
  PRECISION_HELP,
  type PrecisionChoice,
  type PrecisionSelection,
  selectBackend,
  selectPrecision,
} from '@dcgan-ts/node';

/** `--backend <name>`, as every command that computes declares it. */
export function backendOption(help: string = BACKEND_HELP): Option {
  return new Option('--backend <name>', help).choices(BACKEND_CHOICES);
}

/** `--precision <p>`, as the commands that run the generator or train declare it. */
export function precisionOption(help: string = PRECISION_HELP): Option {
  return new Option('--precision <p>', help).choices(PRECISION_CHOICES);
}

/**
 * Activates the backend a command's --backend asks for (default auto). Says so on stderr when it is not the usual
 * CPU pick: a GPU through webgpu, or auto's fall back to the slow cpu backend. A command with --precision passes it
 * (default auto) and tells the user what it got itself (returned); without it, the convolutions run in fp32.
 */
export async function useBackend(choice: BackendChoice | undefined, precision?: PrecisionChoice): Promise<PrecisionSelection> {
  const backend = await selectBackend(choice ?? 'auto');
  if (backend.note && (backend.slow || backend.name === 'webgpu')) process.stderr.write(`dcgan: ${backend.note}\n`);
  return selectPrecision(precision ?? 'fp32', backend.name);
}
