import { DcganError } from '@dcgan-ts/core';
import { closeSync, fstatSync, readSync } from 'node:fs';
import path from 'node:path';
import { openForReading } from '../io/openForReading.js';

/**
 * A read-only reader of LMDB databases in LMDB 0.9's on-disk format (data format 1), the format of the LSUN
 * releases (made with py-lmdb): `DIR/data.mdb`, one B+tree of (key, value) pairs. Written here because the npm
 * binding that ships prebuilt binaries (lmdb-js) writes and reads LMDB's newer data format 2 and crashes on these
 * files; the format-1 one (node-lmdb) needs a C++ toolchain at install. Reading is a walk of the tree, once, that
 * records where each value lies; values are then read by position (pread), never mapped or loaded whole, so a
 * 43 GB database costs its entries' offsets in memory (16 bytes each).
 *
 * The layout (lmdb's mdb.c, 64-bit little-endian):
 *   page header (16 bytes): pgno u64, pad u16, flags u16, lower u16, upper u16 (overflow pages: page count u32)
 *   meta pages 0 and 1 (the one with the larger txnid is current): magic 0xBEEFC0DE, version 1, address, mapsize,
 *     two MDB_db records (free list, main: pad=page size for the free list, flags, depth, page counts, entries,
 *     root page), last page, txnid
 *   branch and leaf pages: u16 offsets of their nodes from byte 16 to `lower`; a node is lo u16, hi u16, flags u16,
 *     key size u16, the key, then (leaf) the value or, with F_BIGDATA, the u64 page of the overflow pages holding it
 *     (value size lo | hi << 16), or (branch) the child page lo | hi << 16 | flags << 32.
 */

const PAGE_HEADER = 16;
const META_MAGIC = 0xbeefc0de;
const DATA_VERSION = 1;
const P_BRANCH = 0x01;
const P_LEAF = 0x02;
const P_LEAF2 = 0x20;
const F_BIGDATA = 0x01;
const F_SUBDATA = 0x02;
const F_DUPDATA = 0x04;
const MDB_DUPSORT = 0x04;
/** Deeper trees than this are corrupt (a 4 KiB-page tree of 2^64 entries is far shallower). */
const MAX_DEPTH = 64;

/** One database's entries: where each value lies in data.mdb, in key order. Made by LmdbEntries.open. */
export class LmdbEntries {
  constructor(
    readonly file: string,
    private readonly fd: number,
    /** Byte offset of each value in data.mdb. */
    private readonly offsets: Float64Array,
    private readonly lengths: Uint32Array,
    /** Each entry's key, as text (LSUN's keys are hex image ids). */
    private readonly keyOffsets: Float64Array,
    private readonly keyLengths: Uint16Array,
  ) {}

  get size(): number {
    return this.offsets.length;
  }

  /** The value of entry `i` (0-based, in key order). */
  value(i: number): Uint8Array {
    const out = new Uint8Array(this.lengths[i]!);
    readFully(this.fd, out, this.offsets[i]!, this.file);
    return out;
  }

  /** The key of entry `i`, as latin-1 text. */
  key(i: number): string {
    const out = Buffer.alloc(this.keyLengths[i]!);
    readFully(this.fd, out, this.keyOffsets[i]!, this.file);
    return out.toString('latin1');
  }

  close(): void {
    closeSync(this.fd);
  }

  /**
   * Opens `dir`/data.mdb (or `dir` itself when it is the file) and walks its main database. Throws a DcganError naming
   * the file for anything that is not an LMDB database of data format 1, or a tree that does not hold together.
   */
  static open(dir: string): LmdbEntries {
    const file = path.basename(dir) === 'data.mdb' ? dir : path.join(dir, 'data.mdb');
    const fd = openForReading(file);
    try {
      return walk(file, fd);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }
}

function readFully(fd: number, out: Uint8Array, position: number, file: string): void {
  let done = 0;
  while (done < out.length) {
    const n = readSync(fd, out, done, out.length - done, position + done);
    if (n === 0) throw new DcganError(`${file} is truncated: a value ends past the end of the file`);
    done += n;
  }
}

interface Meta {
  pageSize: number;
  root: number;
  depth: number;
  entries: number;
  flags: number;
  txnid: number;
}

function readMeta(page: Buffer): Meta | null {
  if (page.length < 152 || page.readUInt32LE(16) !== META_MAGIC) return null;
  const version = page.readUInt32LE(20);
  if (version !== DATA_VERSION) return { pageSize: -version, root: 0, depth: 0, entries: 0, flags: 0, txnid: 0 };
  const u64 = (at: number) => Number(page.readBigUInt64LE(at));
  const main = 40 + 48; // mm_dbs[MAIN_DBI]
  return {
    pageSize: page.readUInt32LE(40), // mm_dbs[FREE_DBI].md_pad: the environment's page size
    flags: page.readUInt16LE(main + 4),
    depth: page.readUInt16LE(main + 6),
    entries: u64(main + 32),
    root: u64(main + 40),
    txnid: u64(144),
  };
}

function walk(file: string, fd: number): LmdbEntries {
  const fileSize = fstatSync(fd).size;
  const first = Buffer.alloc(Math.min(4096, fileSize));
  readSync(fd, first, 0, first.length, 0);
  const meta0 = readMeta(first);
  if (meta0 === null) throw new DcganError(`${file} is not an LMDB database (no LMDB meta page at its start)`);
  if (meta0.pageSize < 0) {
    throw new DcganError(`${file} is in LMDB data format ${-meta0.pageSize}; this reader takes format 1 (LMDB 0.9, py-lmdb, the LSUN releases)`);
  }
  const pageSize = meta0.pageSize;
  if (!(pageSize >= 512 && pageSize <= 65536 && (pageSize & (pageSize - 1)) === 0)) throw new DcganError(`${file}: page size ${pageSize} is not an LMDB page size`);
  const meta1Page = Buffer.alloc(pageSize);
  readSync(fd, meta1Page, 0, pageSize, pageSize);
  const meta1 = readMeta(meta1Page);
  const meta = meta1 !== null && meta1.pageSize === pageSize && meta1.txnid > meta0.txnid ? meta1 : meta0;
  if (meta.flags & MDB_DUPSORT) throw new DcganError(`${file}: a database with duplicate keys is not an image database`);
  const pages = Math.floor(fileSize / pageSize);

  const offsets = new Float64Array(meta.entries);
  const lengths = new Uint32Array(meta.entries);
  const keyOffsets = new Float64Array(meta.entries);
  const keyLengths = new Uint16Array(meta.entries);
  let count = 0;
  const page = Buffer.alloc(pageSize);
  const corrupt = (why: string) => new DcganError(`${file} is corrupt: ${why}`);

  /** Depth-first in key order (recursion as deep as the tree, MAX_DEPTH at most). */
  const visit = (pgno: number, level: number) => {
    if (level > MAX_DEPTH) throw corrupt('its tree is deeper than any LMDB tree');
    if (!(pgno >= 2 && pgno < pages)) throw corrupt(`a node points at page ${pgno}, outside its ${pages} pages`);
    const base = pgno * pageSize;
    readSync(fd, page, 0, pageSize, base);
    const flags = page.readUInt16LE(10);
    const lower = page.readUInt16LE(12);
    if (flags & P_LEAF2) throw corrupt(`page ${pgno} is a LEAF2 page, which only sub-databases of duplicates have`);
    if (!(flags & (P_BRANCH | P_LEAF)) || lower < PAGE_HEADER || lower > pageSize) throw corrupt(`page ${pgno} is neither a branch nor a leaf page`);
    const nodes = (lower - PAGE_HEADER) >> 1;
    // Read every node of this page before descending: the shared buffer is reused below.
    const found: { lo: number; hi: number; nflags: number; ksize: number; at: number }[] = [];
    for (let k = 0; k < nodes; k++) {
      const at = page.readUInt16LE(PAGE_HEADER + 2 * k);
      if (at < lower || at + 8 > pageSize) throw corrupt(`page ${pgno} has a node outside it`);
      found.push({ lo: page.readUInt16LE(at), hi: page.readUInt16LE(at + 2), nflags: page.readUInt16LE(at + 4), ksize: page.readUInt16LE(at + 6), at });
      const node = found[k]!;
      if (flags & P_LEAF) {
        if (node.nflags & (F_SUBDATA | F_DUPDATA)) throw corrupt(`page ${pgno} holds a sub-database, not an image`);
        if (count >= offsets.length) throw corrupt(`its tree holds more entries than its meta page's ${offsets.length}`);
        const size = node.lo + node.hi * 0x10000;
        const dataAt = node.at + 8 + node.ksize;
        if (node.nflags & F_BIGDATA) {
          if (dataAt + 8 > pageSize) throw corrupt(`page ${pgno} has a node outside it`);
          const overflow = Number(page.readBigUInt64LE(dataAt));
          if (!(overflow >= 2 && overflow < pages) || overflow * pageSize + PAGE_HEADER + size > fileSize) {
            throw corrupt(`a value on page ${overflow} runs past the end of the file`);
          }
          offsets[count] = overflow * pageSize + PAGE_HEADER;
        } else {
          if (dataAt + size > pageSize) throw corrupt(`page ${pgno} has a value outside it`);
          offsets[count] = base + dataAt;
        }
        lengths[count] = size;
        keyOffsets[count] = base + node.at + 8;
        keyLengths[count] = node.ksize;
        count++;
      }
    }
    if (flags & P_BRANCH) {
      for (const node of found) visit(node.lo + node.hi * 0x10000 + node.nflags * 0x100000000, level + 1);
    }
  };
  if (meta.entries > 0) visit(meta.root, 0);
  if (count !== meta.entries) throw corrupt(`its meta page counts ${meta.entries} entries, its tree holds ${count}`);
  return new LmdbEntries(file, fd, offsets, lengths, keyOffsets, keyLengths);
}
