import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { parseCookieHeader, sessionUserIdFromHeaders } from "./session-cookie";

const secret = "a-test-secret-of-enough-length-0123456789";

describe("session cookie", () => {
  it("decodes the Auth.js JWT cookie (plain or __Secure-, whole or chunked) into the user id", async () => {
    const token = await encode({ token: { sub: "user_123", name: "Ada" }, secret, salt: "authjs.session-token" });
    expect(await sessionUserIdFromHeaders(new Headers({ cookie: `theme=dark; authjs.session-token=${token}` }), { secret })).toBe("user_123");
    const secure = await encode({ token: { sub: "user_456" }, secret, salt: "__Secure-authjs.session-token" });
    expect(await sessionUserIdFromHeaders(new Headers({ cookie: `__Secure-authjs.session-token=${secure}` }), { secret })).toBe("user_456");
    const half = Math.floor(token.length / 2);
    const chunked = `authjs.session-token.0=${token.slice(0, half)}; authjs.session-token.1=${token.slice(half)}`;
    expect(await sessionUserIdFromHeaders(new Headers({ cookie: chunked }), { secret })).toBe("user_123");
  });

  it("returns null for no cookie, another secret, the wrong salt, an expired or tampered token", async () => {
    const token = await encode({ token: { sub: "user_123" }, secret, salt: "authjs.session-token" });
    expect(await sessionUserIdFromHeaders(new Headers(), { secret })).toBeNull();
    expect(await sessionUserIdFromHeaders(new Headers({ cookie: `authjs.session-token=${token}` }), { secret: `${secret}-other` })).toBeNull();
    expect(await sessionUserIdFromHeaders(new Headers({ cookie: `__Secure-authjs.session-token=${token}` }), { secret })).toBeNull();
    expect(await sessionUserIdFromHeaders(new Headers({ cookie: `authjs.session-token=${token.slice(0, -4)}abcd` }), { secret })).toBeNull();
    const expired = await encode({ token: { sub: "user_123" }, secret, salt: "authjs.session-token", maxAge: -60 });
    expect(await sessionUserIdFromHeaders(new Headers({ cookie: `authjs.session-token=${expired}` }), { secret })).toBeNull();
  });

  it("parses cookie headers", () => {
    expect([...parseCookieHeader(' a=1; b="two"; c=%7Bx%7D; a=3; bad')]).toEqual([
      ["a", "1"],
      ["b", "two"],
      ["c", "{x}"],
    ]);
  });
});
