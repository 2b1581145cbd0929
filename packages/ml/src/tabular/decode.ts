/**
 * Streaming a file (or a byte range of it) as text through a fatal UTF-8 decoder, locating the
 * first invalid byte: what every text reader (CSV, JSON Lines) reads through.
 */
import { open } from "node:fs/promises";

/** A piece of decoded text. `final` marks the last piece: the end of the file (or range), or
 * (with `invalidUtf8`) the valid text just before the first byte sequence that is not UTF-8. */
export interface TextPiece {
  text: string;
  final: boolean;
  invalidUtf8: boolean;
  /** The piece ends exactly at one of the range's `marks` (see ByteRange). */
  atMark?: number;
}

/** Part of a file to read. */
export interface ByteRange {
  /** The first byte (default 0). A range that starts past 0 keeps a leading U+FEFF as text;
   * at 0 a byte-order mark is dropped. */
  start?: number;
  /** Where to stop (default: the end of the file). */
  end?: number;
  /** Byte offsets, ascending, at which a piece ends (so a reader can stop there). */
  marks?: readonly number[];
}

/** Streams a file as text through `new TextDecoder("utf-8", { fatal: true })` in streaming
 * mode (a leading BOM is dropped). Reads one chunk per request, so a slow consumer simply
 * stops the reading; the file is closed when the consumer stops or `signal` aborts. */
export async function* decodeUtf8File(
  path: string,
  signal?: AbortSignal,
  chunkBytes = 64 * 1024,
  range: ByteRange = {},
): AsyncGenerator<TextPiece, void, undefined> {
  signal?.throwIfAborted();
  const fh = await open(path, "r");
  try {
    const atFileStart = (range.start ?? 0) === 0;
    const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: !atFileStart });
    const buf = new Uint8Array(chunkBytes);
    const marks = range.marks ?? [];
    const end = range.end ?? Infinity;
    let pos = range.start ?? 0;
    let m = 0; // the next mark
    let tail: Uint8Array = new Uint8Array(0); // bytes of an unfinished character held by the decoder
    let first = atFileStart;
    for (;;) {
      signal?.throwIfAborted();
      while (m < marks.length && (marks[m] ?? Infinity) <= pos) m++;
      const limit = Math.min(end, marks[m] ?? Infinity);
      const { bytesRead } = limit > pos ? await fh.read(buf, 0, Math.min(chunkBytes, limit - pos), pos) : { bytesRead: 0 };
      if (bytesRead === 0) {
        let text = "";
        let invalid = false;
        try {
          text = decoder.decode();
        } catch {
          invalid = true; // the file ends in the middle of a character
        }
        yield { text, final: true, invalidUtf8: invalid };
        return;
      }
      pos += bytesRead;
      const bytes = buf.subarray(0, bytesRead);
      let text: string;
      try {
        text = decoder.decode(bytes, { stream: true });
      } catch {
        yield { text: validPrefix(concat(tail, bytes), first), final: true, invalidUtf8: true };
        return;
      }
      tail = unfinishedTail(concat(tail, bytes.subarray(Math.max(0, bytesRead - 4))));
      first = false;
      yield pos === marks[m] ? { text, final: false, invalidUtf8: false, atMark: pos } : { text, final: false, invalidUtf8: false };
    }
  } finally {
    await fh.close();
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The trailing bytes of an unfinished (so far valid) UTF-8 sequence. */
function unfinishedTail(bytes: Uint8Array): Uint8Array {
  for (let i = bytes.length - 1; i >= Math.max(0, bytes.length - 3); i--) {
    const b = bytes[i] ?? 0;
    if ((b & 0xc0) === 0x80) continue;
    if (b < 0x80) break;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    return bytes.length - i < need ? bytes.slice(i) : new Uint8Array(0);
  }
  return new Uint8Array(0);
}

/** The text before the first invalid sequence, found with the same fatal decoder by bisection
 * (a prefix fails to decode exactly when it contains the invalid sequence). */
function validPrefix(bytes: Uint8Array, atFileStart: boolean): string {
  const decode = (n: number): string =>
    new TextDecoder("utf-8", { fatal: true, ignoreBOM: !atFileStart }).decode(bytes.subarray(0, n), { stream: true });
  let lo = 0; // decodes
  let hi = bytes.length; // fails
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    try {
      decode(mid);
      lo = mid;
    } catch {
      hi = mid;
    }
  }
  return decode(lo);
}

