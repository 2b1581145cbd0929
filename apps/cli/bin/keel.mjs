#!/usr/bin/env node
// The `keel` command: loads tsx's ESM hooks in this process, then runs the TypeScript entry.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
