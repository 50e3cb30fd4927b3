import { DcganError } from '@dcgan-ts/core';

/**
 * A loader for a package whose prebuilt binary comes in an optional dependency of its own (sharp's libvips, resvg),
 * left out by `npm install --omit=optional`: imported on first use, so that only the work that needs it needs it. A
 * failed import is one line, `${needs} for <platform>-<arch>, which did not load (...)`, naming the install that fixes
 * it; the next call tries again.
 */
export function optionalNative<T>(importer: () => Promise<T>, needs: string, pkg: string): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= importer().catch((e: unknown) => {
      loaded = undefined;
      const first = String((e as Error).message ?? e).split('\n')[0];
      throw new DcganError(
        `${needs} for ${process.platform}-${process.arch}, which did not load (${first}); ` +
          `an install with --omit=optional leaves it out: npm install --include=optional ${pkg}`,
      );
    });
    return loaded;
  };
}
