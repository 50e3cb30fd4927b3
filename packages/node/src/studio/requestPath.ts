/**
 * The path part of a request URL, checked before any route is looked up. The studio serves a fixed table of files,
 * so a traversal could never reach a file outside it; refusing `..` (raw or percent-encoded), backslashes, NUL and
 * scheme- or host-relative forms outright still matters: it answers such probes with a plain 403 instead of
 * depending on every route staying a table lookup.
 */
export type RequestPath = { ok: true; path: string } | { ok: false; status: 400 | 403 };

export function parseRequestPath(rawUrl: string | undefined): RequestPath {
  if (!rawUrl?.startsWith('/') || rawUrl.startsWith('//')) return { ok: false, status: 403 };
  const rawPath = rawUrl.split(/[?#]/, 1)[0]!;
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { ok: false, status: 400 };
  }
  // Checked after decoding so that %2e%2e, %2f and %5c count; decoding once more catches double encoding
  // (%252e%252e), which a proxy in front of the studio might decode a second time.
  for (const candidate of [decoded, safeDecode(decoded)]) {
    if (candidate.includes('\\') || candidate.includes('\0')) return { ok: false, status: 403 };
    if (candidate.split('/').some((segment) => segment === '..' || segment === '.')) return { ok: false, status: 403 };
    if (candidate.startsWith('//')) return { ok: false, status: 403 };
  }
  return { ok: true, path: decoded };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
