/**
 * The shapes of what callers send the functions, as zod schemas, and the one way a shape that does
 * not fit becomes an error: 400 with a message that names the field. Unknown fields are refused
 * (a misspelt `siteid` must not start a run of everything), and strings have a length limit, so
 * nothing oversized reaches the database.
 */
import { z } from "zod";
import { RequestError } from "./errors.ts";
import { isUuid } from "./uuid.ts";

/** The longest vendor site id or label a request may carry. */
export const MAX_TEXT = 200;

const uuid = (what = "must be a uuid") =>
  z.string({ error: what }).refine((v) => isUuid(v), { error: what });

const text = (what: string) =>
  z.string({ error: `must be ${what}` })
    .trim()
    .min(1, { error: `must be ${what}` })
    .max(MAX_TEXT, { error: `must be at most ${MAX_TEXT} characters` });

/** `POST /<vendor>/run`. */
export const runBody = z.strictObject({
  trigger: z.enum(["cron", "manual"], { error: "must be cron or manual" }).default("manual"),
  dryRun: z.boolean({ error: "must be true or false" }).default(false),
  lookbackHours: z.number({ error: "must be a number of hours between 0 and 744" })
    .gt(0, { error: "must be a number of hours between 0 and 744" })
    .lte(24 * 31, { error: "must be a number of hours between 0 and 744" })
    .optional(),
  siteId: text("a non-empty string").optional(),
  credentialId: uuid().optional(),
  /** Work the vendor's due jobs from the queue instead of walking every credential. */
  queue: z.boolean({ error: "must be true or false" }).default(false),
}).refine(
  (b) =>
    !b.queue ||
    (!b.dryRun && b.lookbackHours === undefined && b.siteId === undefined &&
      b.credentialId === undefined),
  { error: "queue works the due jobs and takes no dryRun, lookbackHours, siteId or credentialId" },
);

/** `GET /<vendor>/oauth/start`: the organisation, or the credential to re-authorise. */
export const oauthStartQuery = z.strictObject({
  organizationId: uuid("must be a uuid").optional(),
  credentialId: uuid("must be a uuid").optional(),
  label: text("a non-empty label").optional(),
}).refine((q) => q.organizationId !== undefined || q.credentialId !== undefined, {
  error: "give organizationId or credentialId (a uuid)",
});

/** `POST /sma/oauth/backchannel`. */
export const backchannelBody = z.strictObject({
  organizationId: uuid(),
  email: z.email({ error: "must be the owner's e-mail address" }).max(254, {
    error: "must be the owner's e-mail address",
  }),
  label: text("a non-empty label").optional(),
});

/** The longest range one resync may ask for. */
export const MAX_RESYNC_DAYS = 31;

const instant = z.iso
  .datetime({
    offset: true,
    error: "must be an ISO 8601 time with its offset, e.g. 2026-12-01T00:00:00Z",
  })
  .transform((v) => new Date(v));

/** `POST /<vendor>/sites/{siteId}/resync`: a range, by default the last 24 hours. */
export function resyncBody(now: () => Date) {
  return z.strictObject({ from: instant.optional(), to: instant.optional() })
    .transform((b) => {
      const to = b.to ?? now();
      return { from: b.from ?? new Date(to.getTime() - 24 * 3_600_000), to };
    })
    .refine((r) => r.to > r.from, { error: "to must be after from" })
    // A minute's grace for the caller's clock.
    .refine((r) => r.to.getTime() <= now().getTime() + 60_000, { error: "to is in the future" })
    .refine((r) => r.to.getTime() - r.from.getTime() <= MAX_RESYNC_DAYS * 86_400_000, {
      error: `the range is longer than ${MAX_RESYNC_DAYS} days; split it into several resyncs`,
    });
}

/**
 * The value `schema` makes of `input`, or a 400 that says what to do and which field is wrong:
 * `Cannot <what>: <field> <problem>`.
 */
export function parseRequest<T extends z.ZodType>(
  schema: T,
  input: unknown,
  what: string,
): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new RequestError(400, `Cannot ${what}: ${describe(result.error.issues[0])}`);
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") return `unknown field ${issue.keys.join(", ")}`;
  const field = issue.path.map(String).join(".");
  return field ? `${field} ${issue.message}` : issue.message;
}

/**
 * A JSON request body: empty is `{}`, anything else must be a JSON object. The size was checked
 * before (the body limit of app.ts).
 */
export function readJsonObject(text: string, what: string): unknown {
  if (text.trim() === "") return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new RequestError(400, `Cannot ${what}: the request body is not JSON`);
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw new RequestError(400, `Cannot ${what}: the request body must be a JSON object`);
  }
  return body;
}
