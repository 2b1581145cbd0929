import { it } from "vitest"; export { it };
