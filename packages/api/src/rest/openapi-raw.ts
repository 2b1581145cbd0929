/** Adds the byte-streaming routes (upload, download) to the generated OpenAPI document. */
import type { OpenAPIObject } from "trpc-to-openapi";
import { z } from "zod";
import { ZDatasetVersion } from "../schemas/datasets";
import type { RawRoute } from "./datasets";

const errorResponse = (description: string) => ({
  description,
  content: {
    "application/json": {
      schema: {
        type: "object",
        properties: {
          error: {
            type: "object",
            properties: { code: { type: "string" }, message: { type: "string" }, details: { type: "array", items: { type: "object" } } },
            required: ["code", "message", "details"],
          },
        },
        required: ["error"],
      },
    },
  },
});

function pathParams(path: string): { name: string; in: "path"; required: true; schema: { type: "string" } }[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1] ?? "", in: "path", required: true, schema: { type: "string" } }));
}

export function rawRoutesOpenApi(doc: OpenAPIObject, routes: RawRoute[]): OpenAPIObject {
  const version = z.toJSONSchema(ZDatasetVersion, { io: "output", unrepresentable: "any" });
  const binary = { type: "string", format: "binary" };
  const paths: Record<string, Record<string, unknown>> = { ...(doc.paths as Record<string, Record<string, unknown>> | undefined) };
  for (const route of routes) {
    const op: Record<string, unknown> = {
      operationId: route.method === "POST" ? "datasets-uploadVersion" : "datasets-downloadVersion",
      summary: route.summary,
      tags: ["datasets"],
      security: [{ Authorization: [] }],
      "x-keel-permission": route.permission,
      parameters: pathParams(route.path),
      responses: {
        "400": errorResponse("Invalid input"),
        "401": errorResponse("Not signed in"),
        "403": errorResponse("Not allowed"),
        "404": errorResponse("Not found"),
      },
    };
    if (route.method === "POST") {
      op.parameters = [
        ...pathParams(route.path),
        ...["format", "delimiter", "quote", "filename"].map((name) => ({ name, in: "query", required: false, schema: { type: "string" } })),
      ];
      op.requestBody = {
        required: true,
        content: {
          "multipart/form-data": { schema: { type: "object", properties: { file: binary }, required: ["file"] } },
          "text/csv": { schema: binary },
          "application/x-ndjson": { schema: binary },
          "application/vnd.apache.parquet": { schema: binary },
        },
      };
      op.responses = {
        ...(op.responses as Record<string, unknown>),
        "201": { description: "A new version", content: { "application/json": { schema: version } } },
        "200": { description: "These bytes already were a version: the existing one", content: { "application/json": { schema: version } } },
        "413": errorResponse("Over the upload size limit"),
        "415": errorResponse("Unsupported Content-Type"),
        "422": errorResponse("The file cannot be read (names the problem and the first rows)"),
      };
    } else {
      op.responses = {
        ...(op.responses as Record<string, unknown>),
        "200": { description: "The file", content: { "application/octet-stream": { schema: binary } } },
      };
    }
    paths[route.path] = { ...(paths[route.path] ?? {}), [route.method.toLowerCase()]: op };
  }
  return { ...doc, paths };
}
