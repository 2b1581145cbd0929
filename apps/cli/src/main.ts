/** Entry point of `keel` (started by bin/keel.mjs under tsx). */
import { runCli } from "./cli";

const code = await runCli(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
process.exitCode = code;
// Exit even if a library left a handle open; the timer itself does not keep the process alive.
setTimeout(() => process.exit(code), 2_000).unref();
