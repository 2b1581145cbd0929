import path from "node:path";
import { describe, expect, it } from "vitest";
import { createArtifactStore, parseArtifactsUrl } from "./config";
import { artifactStoreFromEnv, storageEnv } from "./env";
import { ArtifactStoreConfigError } from "./errors";
import { LocalArtifactStore } from "./local";
import { S3ArtifactStore } from "./s3";

describe("parseArtifactsUrl", () => {
  it.each([undefined, "", "  ", "file:", "file://"])("%j means the default local folder", (url) => {
    expect(parseArtifactsUrl(url)).toEqual({ kind: "local", root: null });
  });

  it("reads an absolute file: URL as the local root", () => {
    expect(parseArtifactsUrl("file:///srv/keel/artifacts/")).toEqual({ kind: "local", root: path.resolve("/srv/keel/artifacts") });
    expect(parseArtifactsUrl("file://localhost/srv/x")).toEqual({ kind: "local", root: path.resolve("/srv/x") });
  });

  it.each([
    ["s3://keel-artifacts", "keel-artifacts", ""],
    ["s3://keel-artifacts/", "keel-artifacts", ""],
    ["s3://keel-artifacts/prod", "keel-artifacts", "prod"],
    ["s3://keel.artifacts/prod/team-a/", "keel.artifacts", "prod/team-a"],
    ["S3://my-bucket/a=1/b_2", "my-bucket", "a=1/b_2"],
  ])("reads %s", (url, bucket, prefix) => {
    expect(parseArtifactsUrl(url)).toEqual({ kind: "s3", bucket, prefix });
  });

  it.each([
    "s3://b/../other",
    "s3://bucket/../other",
    "s3://bucket/a/../../other",
    "s3://bucket/./a",
    "s3://bucket/a//b",
    "s3://bucket/%2e%2e/other",
    "s3://bucket/a%2fb",
    "s3://bucket/a\\..\\b",
    "s3://bucket/a;b",
    "s3://bucket/a?x=1",
    "s3://bucket/a#frag",
    "s3://bucket/a b",
    "s3://bucket/a\0",
    "s3://",
    "s3:///prefix",
    "s3:bucket",
    "s3://Bucket_Upper/x",
    "s3://ab/x",
    "s3://bucket..name/x",
    "s3://user:secret@bucket/x",
    "http://bucket/x",
    "https://s3.amazonaws.com/bucket",
    "gs://bucket/x",
    "ftp://x",
    "javascript:alert(1)",
    "/srv/keel",
    "relative/dir",
    "file:///",
    "file:///srv/../etc",
    "file:///srv/./x",
    "file://evil-host/share",
    "file:relative",
    "file:///srv/x?y",
  ])("refuses %j with a clear error that does not echo it", (url) => {
    try {
      parseArtifactsUrl(url);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ArtifactStoreConfigError);
      expect((err as Error).message).toMatch(/^Invalid artifact store URL: /);
      if (url.length > 6) expect((err as Error).message).not.toContain(url);
    }
  });
});

describe("createArtifactStore", () => {
  it("builds a local store under <dataDir>/artifacts by default", () => {
    const store = createArtifactStore({ dataDir: "/tmp/keel-data" });
    expect(store).toBeInstanceOf(LocalArtifactStore);
    expect((store as LocalArtifactStore).root).toBe(path.resolve("/tmp/keel-data/artifacts"));
  });

  it("builds a local store at a file: URL", () => {
    const store = createArtifactStore({ dataDir: "/tmp/keel-data", url: "file:///tmp/elsewhere" });
    expect((store as LocalArtifactStore).root).toBe(path.resolve("/tmp/elsewhere"));
  });

  it("builds an S3 store with local staging and cache in the data folder", () => {
    const store = createArtifactStore({ dataDir: "/tmp/keel-data", url: "s3://bucket-name/p", s3: { region: "eu-west-1" } });
    expect(store).toBeInstanceOf(S3ArtifactStore);
    const s3 = store as S3ArtifactStore;
    expect([s3.bucket, s3.prefix]).toEqual(["bucket-name", "p"]);
    expect(s3.stagingDir).toBe(path.resolve("/tmp/keel-data/artifacts/.staging"));
    expect(s3.cacheDir).toBe(path.resolve("/tmp/keel-data/artifacts/cache"));
    expect(store.describe()).toBe("s3://bucket-name/p");
  });

  it("refuses an endpoint that is not an http(s) URL", () => {
    expect(() => createArtifactStore({ dataDir: "/tmp/k", url: "s3://bucket/p", s3: { endpoint: "file:///etc" } })).toThrow(
      ArtifactStoreConfigError,
    );
  });
});

describe("storageEnv / artifactStoreFromEnv", () => {
  it("defaults: local store, region us-east-1", () => {
    expect(storageEnv({})).toMatchObject({ KEEL_S3_REGION: "us-east-1" });
    expect(artifactStoreFromEnv("/tmp/keel-env", {}).kind).toBe("local");
  });

  it("treats blank values as unset", () => {
    const env = storageEnv({ KEEL_ARTIFACTS_URL: "", KEEL_S3_ENDPOINT: " ", KEEL_S3_REGION: "", KEEL_S3_FORCE_PATH_STYLE: "" });
    expect(env.KEEL_ARTIFACTS_URL).toBeUndefined();
    expect(env.KEEL_S3_ENDPOINT).toBeUndefined();
    expect(env.KEEL_S3_REGION).toBe("us-east-1");
    expect(env.KEEL_S3_FORCE_PATH_STYLE).toBeUndefined();
  });

  it("reads the S3 settings", () => {
    const source = {
      KEEL_ARTIFACTS_URL: "s3://keel-artifacts/prod",
      KEEL_S3_ENDPOINT: "http://127.0.0.1:9000",
      KEEL_S3_REGION: "eu-central-1",
      KEEL_S3_FORCE_PATH_STYLE: "true",
    };
    expect(storageEnv(source)).toEqual({ ...source, KEEL_S3_FORCE_PATH_STYLE: true });
    const store = artifactStoreFromEnv("/tmp/keel-env", source);
    expect(store.kind).toBe("s3");
    expect(store.describe()).toBe("s3://keel-artifacts/prod at http://127.0.0.1:9000");
    expect(storageEnv({ KEEL_S3_FORCE_PATH_STYLE: "0" }).KEEL_S3_FORCE_PATH_STYLE).toBe(false);
  });

  it("refuses malformed values", () => {
    expect(() => storageEnv({ KEEL_S3_ENDPOINT: "not a url" })).toThrow();
    expect(() => storageEnv({ KEEL_S3_ENDPOINT: "ftp://host" })).toThrow();
    expect(() => storageEnv({ KEEL_S3_FORCE_PATH_STYLE: "maybe" })).toThrow();
    expect(() => artifactStoreFromEnv("/tmp/keel-env", { KEEL_ARTIFACTS_URL: "s3://b/../other" })).toThrow(ArtifactStoreConfigError);
  });

  it("reads process.env by default", () => {
    expect(() => storageEnv()).not.toThrow();
  });
});
