import { describe, expect, it } from "vitest";
import { parseCommandLine, UsageError } from "./args";

const usageError = (argv: string[]): UsageError => {
  try {
    parseCommandLine(argv);
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error(`no usage error for ${argv.join(" ")}`);
};

describe("parseCommandLine", () => {
  it("parses each command", () => {
    expect(parseCommandLine(["token", "create", "--project", "demo", "--role", "owner", "--name", "ci", "--expires-days", "30"])).toEqual({
      kind: "token.create",
      json: false,
      project: "demo",
      role: "owner",
      name: "ci",
      expiresInDays: 30,
    });
    expect(parseCommandLine(["token", "create", "--project=demo", "--role=viewer", "--name=x"])).toMatchObject({ expiresInDays: undefined });
    expect(parseCommandLine(["token", "revoke", "keel_abc", "--json"])).toEqual({ kind: "token.revoke", json: true, tokenOrId: "keel_abc" });
    expect(parseCommandLine(["token", "revoke", "-"])).toMatchObject({ tokenOrId: "-" });
    expect(parseCommandLine(["user", "create", "--email", "a@b.co", "--name", "A", "--admin"])).toEqual({
      kind: "user.create",
      json: false,
      email: "a@b.co",
      name: "A",
      isAdmin: true,
      password: undefined,
    });
    expect(parseCommandLine(["audit", "verify", "--json"])).toEqual({ kind: "audit.verify", json: true });
  });

  it("answers help requests", () => {
    for (const argv of [["--help"], ["-h"], ["help"], ["help", "token"], ["help", "token", "create"], ["token", "--help"], ["audit", "verify", "-h"]]) {
      expect(parseCommandLine(argv).kind).toBe("help");
    }
    const h = parseCommandLine(["help", "user", "create"]);
    expect(h.kind === "help" && h.text).toContain("--password");
  });

  it("refuses bad usage with the command it is about", () => {
    expect(usageError([]).message).toBe("no command given");
    expect(usageError(["frobnicate"]).message).toBe("unknown command 'frobnicate'");
    expect(usageError(["--json", "audit", "verify"]).message).toMatch(/unknown option --json/);
    expect(usageError(["token"])).toMatchObject({ command: "token" });
    expect(usageError(["token", "mint"])).toMatchObject({ message: "unknown command 'token mint'", command: "token" });
    expect(usageError(["token", "create", "--bogus"])).toMatchObject({ message: "unknown option --bogus", command: "token create" });
    expect(usageError(["token", "create", "--project", "demo", "--role", "owner"]).message).toBe("missing required option --name");
    expect(usageError(["token", "create", "--project", "demo", "--role", "owner", "--name"]).message).toMatch(/--name needs a value/);
    expect(usageError(["token", "create", "--project", "demo", "--role", "owner", "--name", "x", "--expires-days", "soon"]).message).toMatch(/whole number/);
    expect(usageError(["token", "revoke"]).message).toMatch(/missing TOKEN_OR_ID/);
    expect(usageError(["token", "revoke", "a", "b"]).message).toMatch(/expected one/);
    expect(usageError(["user", "create", "--email", "a@b.co"]).message).toBe("missing required option --name");
    expect(usageError(["audit", "verify", "extra"]).message).toMatch(/unexpected argument extra/);
    expect(usageError(["help", "nope"]).message).toMatch(/unknown command/);
  });
});
