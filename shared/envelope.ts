/**
 * The body of each S3 object (ARCHITECTURE §3): versioned, self-describing, raw responses next to
 * canonical readings, and how complete the window is.
 */
import type { Reading, RecordedResponse, Source, Window } from "./types.ts";
import type { UnreadableField } from "./unreadable.ts";

export const ENVELOPE_SCHEMA = "inverter-ingest.raw/v1";

export interface EnvelopeInput {
  source: Source;
  organizationId: string;
  site: { id: string; vendorSiteId: string; name?: string | null; timezone?: string | null };
  window: Window;
  fetchedAt: Date;
  runId: string;
  apiVersion: string;
  responses: RecordedResponse[];
  readings: Reading[];
  dropped: number;
  intervalsExpected: number;
  intervalsReceived: number;
  unreadable?: UnreadableField[];
}

export function buildEnvelope(input: EnvelopeInput) {
  const { intervalsExpected: expected, intervalsReceived: received } = input;
  return {
    schema: ENVELOPE_SCHEMA,
    source: input.source,
    organization_id: input.organizationId,
    site: {
      id: input.site.id,
      vendor_site_id: input.site.vendorSiteId,
      name: input.site.name ?? null,
      timezone: input.site.timezone ?? null,
    },
    window: { from: input.window.from.toISOString(), to: input.window.to.toISOString() },
    fetched_at: input.fetchedAt.toISOString(),
    run_id: input.runId,
    api_version: input.apiVersion,
    responses: input.responses,
    readings: input.readings,
    completeness: {
      intervals_expected: expected,
      intervals_received: received,
      ratio: expected === 0 ? null : Math.round((received / expected) * 1000) / 1000,
      dropped: input.dropped,
      unreadable: (input.unreadable ?? []).reduce((n, f) => n + f.count, 0),
    },
  };
}
