import { lstat, realpath } from "node:fs/promises";
import path from "node:path";
import { InvalidArtifactKeyError, UnsafePathError } from "./errors";

/** Longer inputs cannot decode to 64 characters in a sane number of rounds: refuse them outright. */
const MAX_INPUT_LENGTH = 1024;
const MAX_DECODE_ROUNDS = 8;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The only way a key enters the store. Percent-decodes until stable (so `%252e` is seen as `.`),
 * then requires exactly 64 hex characters; uppercase hex is lowercased. Anything else (a path,
 * a URL, a NUL byte, a `?` or `#`, malformed encoding) throws InvalidArtifactKeyError, whose
 * message does not echo the input.
 */
export function parseSha256Key(input: string): string {
  if (typeof input !== "string" || input.length === 0 || input.length > MAX_INPUT_LENGTH) {
    throw new InvalidArtifactKeyError();
  }
  let current = input;
  for (let round = 0; ; round++) {
    if (round > MAX_DECODE_ROUNDS) throw new InvalidArtifactKeyError();
    let decoded: string;
    try {
      decoded = decodeURIComponent(current);
    } catch {
      throw new InvalidArtifactKeyError();
    }
    if (decoded === current) break;
    current = decoded;
  }
  const key = current.toLowerCase();
  if (!SHA256_HEX.test(key)) throw new InvalidArtifactKeyError();
  return key;
}

/** `["sha256", "ab", "<64 hex>"]`: where a (validated) key lives below a store root. */
export function blobSegments(sha256: string): [string, string, string] {
  const key = parseSha256Key(sha256);
  return ["sha256", key.slice(0, 2), key];
}

function errorCode(err: unknown): string | undefined {
  return typeof err === "object" && err !== null && "code" in err && typeof err.code === "string" ? err.code : undefined;
}

/**
 * Joins segments below `root` and proves the result stays inside it: the real path of the
 * target (or of its nearest existing ancestor, plus the not-yet-existing rest) must start with
 * `realpath(root) + path.sep`. Symlinks that lead out, absolute segments, `..` and NUL bytes
 * are refused with UnsafePathError, as is a dangling symlink on the way. Returns the resolved
 * path. `root` must exist.
 */
export async function safeJoin(root: string, ...segments: string[]): Promise<string> {
  if (segments.some((s) => s.includes("\0"))) throw new UnsafePathError();
  const realRoot = await realpath(root);
  const prefix = realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep;
  const lexical = path.resolve(realRoot, ...segments);
  if (!lexical.startsWith(prefix)) throw new UnsafePathError();

  const rest: string[] = [];
  let probe = lexical;
  let resolved: string;
  let retries = 0;
  for (;;) {
    try {
      resolved = path.join(await realpath(probe), ...rest);
      break;
    } catch (err) {
      const code = errorCode(err);
      if (code === "ELOOP") throw new UnsafePathError();
      if (code !== "ENOENT" && code !== "ENOTDIR") throw err;
      const info = await lstat(probe).catch(() => null);
      if (info?.isSymbolicLink()) throw new UnsafePathError(); // dangling: never follow it
      if (info) {
        // Created by someone else between realpath and lstat (e.g. a concurrent mkdir): look again.
        if (++retries > 5) throw err;
        continue;
      }
      const parent = path.dirname(probe);
      if (parent === probe) throw new UnsafePathError();
      rest.unshift(path.basename(probe));
      probe = parent;
    }
  }
  if (!resolved.startsWith(prefix)) throw new UnsafePathError();
  return resolved;
}
