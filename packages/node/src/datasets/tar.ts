import { DcganError } from '@dcgan-ts/core';
import { unpackTar } from 'modern-tar';

/** One regular file of a tar archive. */
export interface TarEntry {
  /** As the archive spells it (prefix, GNU long name or PAX path applied); `../` and absolute names included. */
  name: string;
  data: Uint8Array;
}

/**
 * The regular files of an uncompressed tar archive (ustar, GNU long names, PAX), read by modern-tar in strict mode:
 * every header's checksum and number fields are checked, and a file that runs past the end, a header that is not one,
 * or an archive without its end marker is refused, as one DcganError. `wanted` picks the files (by name) whose bytes
 * are copied out; the others are passed over. Names are only returned, for the caller to match: nothing is written
 * under them, so a `../` or absolute name cannot reach outside anything.
 */
export async function readTar(archive: Uint8Array, name: string, wanted: (entry: string) => boolean = () => true): Promise<TarEntry[]> {
  let entries: Awaited<ReturnType<typeof unpackTar>>;
  try {
    entries = await unpackTar(archive, { strict: true, filter: (header) => header.type === 'file' && wanted(header.name) });
  } catch (e) {
    const why = e instanceof Error ? e.message.replace(/\.$/, '') : String(e);
    throw new DcganError(/truncated/i.test(why) ? `${name} is truncated (${why})` : `${name} is not a tar archive, or is corrupt (${why})`);
  }
  return entries.map((e) => ({ name: e.header.name, data: e.data ?? new Uint8Array(0) }));
}
