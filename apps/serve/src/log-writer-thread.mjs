// The prediction log writer thread's entry (see log-writer.ts). Keel's code is TypeScript run by
// tsx, whose loader a worker thread does not inherit: register it, then load the thread's module.
import { register } from "tsx/esm/api";

register();
await import("./log-writer-thread.ts");
