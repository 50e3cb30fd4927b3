import fc from 'fast-check';

/**
 * Mutations of valid files, as plans that fast-check generates and shrinks: a failing input is shown as the short
 * list of edits that made it from a known-good file, not as kilobytes of bytes.
 */

/** One edit of a byte string. Offsets are taken modulo the current length (+1), from the end when `fromEnd`. */
export type ByteEdit =
  | { op: 'set'; at: number; fromEnd: boolean; value: number }
  | { op: 'flip'; at: number; fromEnd: boolean; bit: number }
  | { op: 'truncate'; at: number; fromEnd: boolean }
  | { op: 'delete'; at: number; fromEnd: boolean; length: number }
  | { op: 'insert'; at: number; fromEnd: boolean; bytes: number[] }
  | { op: 'duplicate'; at: number; fromEnd: boolean; length: number; to: number }
  /** A text field overwritten (tar's octal sizes): a number spelled wrong, negative, huge, or not a number. */
  | { op: 'text'; at: number; fromEnd: boolean; text: string }
  /** A header field overwritten: 2, 4 or 8 bytes, big or little endian (8: a uint64 as two words). */
  | { op: 'word'; at: number; fromEnd: boolean; width: 2 | 4 | 8; littleEndian: boolean; value: number };

/** Numbers as text, as wrong as a text field can hold them. */
export const TEXT_VALUES = [
  '-1', '-1000', '-7777777', '0', '00000000000\0', '77777777777', '7777777777777', '99999999999', '1e9', '0x10', 'NaN',
  ' ', '\0', '+1000', '1.5', '\x80\0\0\0\0\0\0\0\0\0\xff\xff', '\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff',
];

/** Values a length, count or offset field is most wrong at. */
export const WORD_VALUES = [
  0, 1, 2, 3, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
];

function concat(...parts: ArrayLike<number>[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function position(length: number, at: number, fromEnd: boolean): number {
  const p = at % (length + 1);
  return fromEnd ? length - p : p;
}

export function applyByteEdits(valid: Uint8Array, edits: readonly ByteEdit[]): Uint8Array {
  let b: Uint8Array = Uint8Array.from(valid);
  for (const e of edits) {
    const p = position(b.length, e.at, e.fromEnd);
    switch (e.op) {
      case 'set':
        if (p < b.length) b[p] = e.value;
        break;
      case 'flip':
        if (p < b.length) b[p]! ^= 1 << e.bit;
        break;
      case 'truncate':
        b = b.slice(0, p);
        break;
      case 'delete':
        b = concat(b.subarray(0, p), b.subarray(p + e.length));
        break;
      case 'insert':
        b = concat(b.subarray(0, p), e.bytes, b.subarray(p));
        break;
      case 'duplicate': {
        const chunk = b.slice(p, p + e.length);
        const q = position(b.length, e.to, false);
        b = concat(b.subarray(0, q), chunk, b.subarray(q));
        break;
      }
      case 'text':
        for (let i = 0; i < e.text.length && p + i < b.length; i++) b[p + i] = e.text.charCodeAt(i) & 0xff;
        break;
      case 'word': {
        if (p + e.width > b.length) break;
        const view = new DataView(b.buffer, b.byteOffset + p, e.width);
        if (e.width === 2) view.setUint16(0, e.value & 0xffff, e.littleEndian);
        else if (e.width === 4) view.setUint32(0, e.value >>> 0, e.littleEndian);
        else view.setBigUint64(0, BigInt(e.value) << 24n, e.littleEndian); // up to 2^56
        break;
      }
    }
  }
  return b;
}

/**
 * Edits of a file whose interesting offsets (header fields, record boundaries) are `hints`: about half the edits land
 * on a hint, the others anywhere.
 */
export function byteEdits(hints: readonly number[] = [], maxEdits = 4): fc.Arbitrary<ByteEdit[]> {
  const at = hints.length > 0 ? fc.oneof(fc.nat({ max: 1 << 20 }), fc.constantFrom(...hints)) : fc.nat({ max: 1 << 20 });
  const fromEnd = fc.boolean();
  const edit: fc.Arbitrary<ByteEdit> = fc.oneof(
    fc.record({ op: fc.constant('set' as const), at, fromEnd, value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ op: fc.constant('flip' as const), at, fromEnd, bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ op: fc.constant('truncate' as const), at, fromEnd }),
    fc.record({ op: fc.constant('delete' as const), at, fromEnd, length: fc.integer({ min: 1, max: 600 }) }),
    fc.record({ op: fc.constant('insert' as const), at, fromEnd, bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 40 }) }),
    fc.record({ op: fc.constant('duplicate' as const), at, fromEnd, length: fc.integer({ min: 1, max: 1100 }), to: at }),
    fc.record({ op: fc.constant('text' as const), at, fromEnd, text: fc.constantFrom(...TEXT_VALUES, ...TEXT_VALUES.map((t) => `${t}\0`)) }),
    fc.record({
      op: fc.constant('word' as const),
      at,
      fromEnd,
      width: fc.constantFrom(2 as const, 4 as const, 8 as const),
      littleEndian: fc.boolean(),
      value: fc.oneof(fc.constantFrom(...WORD_VALUES), fc.nat()),
    }),
  );
  return fc.array(edit, { minLength: 1, maxLength: maxEdits });
}

/**
 * A value that goes where a field was. `deep` and `long` are placeholders, expanded only when the document is
 * written (deep nesting cannot go through JSON.stringify, and a counterexample stays readable).
 */
export type NastyValue = { plain: unknown } | { deep: number; open: '[' | '{"a":' } | { long: number; char: string };

const NASTY_PLAIN: unknown[] = [
  null, true, false, 0, -1, 1, 0.5, -0.5, 2, 3, 7, 255, 65_535, 65_536, 2 ** 31, 2 ** 32, 2 ** 32 + 1, 2 ** 40, 2 ** 53,
  2 ** 53 + 2, 1e308, -1e308, 1e-320, '', '0', '1', '-1', '3', '1e3', 'NaN', 'Infinity', '..', '.', '/', '../../etc/passwd',
  '/etc/passwd', 'C:\\Windows', 'a/../../b', 'weights.bin', 'a\nb', '\u0000', '\u202e', [], {}, [1], [[1]], [0, 0, 0, 0], { a: 1 },
  { length: 3 }, ['weights.bin'], { '0': 1, length: 1 }, { __proto__: null, toString: 1 },
];

export function nastyValue(): fc.Arbitrary<NastyValue> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...NASTY_PLAIN).map((plain) => ({ plain })) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((plain) => ({ plain })) },
    { weight: 1, arbitrary: fc.record({ deep: fc.integer({ min: 100, max: 200_000 }), open: fc.constantFrom('[' as const, '{"a":' as const) }) },
    { weight: 1, arbitrary: fc.record({ long: fc.integer({ min: 1000, max: 2_000_000 }), char: fc.constantFrom('a', '9', '\n', '.') }) },
  );
}

/** One edit of a JSON document: a node (pre-order index, modulo the node count) replaced, removed or given a sibling. */
export type JsonEdit =
  | { op: 'replace'; node: number; value: NastyValue }
  | { op: 'remove'; node: number }
  | { op: 'addKey'; node: number; key: string; value: NastyValue };

export function jsonEdits(maxEdits = 3): fc.Arbitrary<JsonEdit[]> {
  const node = fc.nat({ max: 10_000 });
  const edit: fc.Arbitrary<JsonEdit> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ op: fc.constant('replace' as const), node, value: nastyValue() }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('remove' as const), node }) },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('addKey' as const),
        node,
        key: fc.constantFrom('__proto__', 'constructor', 'toString', 'length', 'paths', 'weights', 'z', 'extra'),
        value: nastyValue(),
      }),
    },
  );
  return fc.array(edit, { minLength: 1, maxLength: maxEdits });
}

type Container = Record<string, unknown> | unknown[];
interface JsonNode {
  parent: Container | null;
  key: string | number;
  value: unknown;
}

/** Every node of a document in pre-order, with its parent (the root's is null). */
function nodesOf(root: unknown): JsonNode[] {
  const out: JsonNode[] = [];
  const walk = (value: unknown, parent: Container | null, key: string | number) => {
    out.push({ parent, key, value });
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, value, i));
    else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) walk(v, value as Record<string, unknown>, k);
  };
  walk(root, null, '');
  return out;
}

/** Placeholders for deep and long values: strings no real document holds, swapped for the text on writing. */
const placeholders = new Map<string, string>();

function materialize(v: NastyValue): unknown {
  if ('plain' in v) return structuredClone(v.plain);
  const token = `\u0001nasty${placeholders.size}\u0001`;
  if ('deep' in v) placeholders.set(token, v.open.repeat(v.deep) + '0' + (v.open === '[' ? ']' : '}').repeat(v.deep));
  else placeholders.set(token, JSON.stringify(v.char.repeat(v.long)));
  return token;
}

/** The document after the edits, as JSON text. */
export function applyJsonEdits(valid: unknown, edits: readonly JsonEdit[]): string {
  let root: unknown = structuredClone(valid);
  placeholders.clear();
  for (const e of edits) {
    const nodes = nodesOf(root);
    const n = nodes[e.node % nodes.length]!;
    if (e.op === 'replace') {
      const value = materialize(e.value);
      if (n.parent === null) root = value;
      else (n.parent as Record<string | number, unknown>)[n.key] = value;
    } else if (e.op === 'remove') {
      if (n.parent === null) continue;
      if (Array.isArray(n.parent)) n.parent.splice(n.key as number, 1);
      else delete n.parent[n.key as string];
    } else if (typeof n.value === 'object' && n.value !== null && !Array.isArray(n.value)) {
      Object.defineProperty(n.value, e.key, { value: materialize(e.value), enumerable: true, writable: true, configurable: true });
    }
  }
  let text = JSON.stringify(root) ?? 'null';
  for (const [token, replacement] of placeholders) text = text.split(JSON.stringify(token)).join(replacement);
  return text;
}

/** A JSON file mutated: its tree edited (fields of wrong types, removed, huge), or its text edited as bytes. */
export type JsonCase = { tree: JsonEdit[] } | { bytes: ByteEdit[] } | { tree: JsonEdit[]; bytes: ByteEdit[] };

export function jsonCase(): fc.Arbitrary<JsonCase> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.record({ tree: jsonEdits() }) },
    { weight: 2, arbitrary: fc.record({ bytes: byteEdits([], 3) }) },
    { weight: 1, arbitrary: fc.record({ tree: jsonEdits(2), bytes: byteEdits([], 2) }) },
  );
}

const encoder = new TextEncoder();

export function applyJsonCase(valid: unknown, c: JsonCase): Uint8Array {
  const text = 'tree' in c ? applyJsonEdits(valid, c.tree) : JSON.stringify(valid);
  const bytes = encoder.encode(text);
  return 'bytes' in c ? applyByteEdits(bytes, c.bytes) : bytes;
}
