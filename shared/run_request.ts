/** The body of `POST /<vendor>/run`, validated by its schema (request_schemas.ts). */
import type { z } from "zod";
import { parseRequest, readJsonObject, runBody } from "./request_schemas.ts";

export type RunRequest = z.output<typeof runBody>;

export function parseRunRequest(text: string): RunRequest {
  return parseRequest(runBody, readJsonObject(text, "start a run"), "start a run");
}
