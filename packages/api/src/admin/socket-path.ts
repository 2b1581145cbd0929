import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";

/** Unix socket paths longer than this do not fit `sockaddr_un` everywhere (108 bytes on Linux, 104 on macOS). */
export const MAX_SOCKET_PATH_BYTES = 100;

/** The socket file's name inside the data folder. */
export const ADMIN_SOCKET_NAME = "admin.sock";

/**
 * Where the admin socket of the data folder `dataDir` lives: `<dataDir>/admin.sock`, or, when that
 * path is too long for a Unix socket, `<tmpdir>/keel-<hash of the folder>/admin.sock`.
 */
export function defaultAdminSocketPath(dataDir: string): string {
  return fitSocketPath(path.join(path.resolve(dataDir), ADMIN_SOCKET_NAME));
}

/** Returns `socketPath` when it fits a Unix socket address, else a short path under os.tmpdir() named after a hash of its folder. */
export function fitSocketPath(socketPath: string): string {
  const wanted = path.resolve(socketPath);
  if (Buffer.byteLength(wanted) <= MAX_SOCKET_PATH_BYTES) return wanted;
  const hash = createHash("sha256").update(path.dirname(wanted)).digest("hex").slice(0, 16);
  return path.join(tmpdir(), `keel-${hash}`, path.basename(wanted).slice(0, 32));
}
