/**
 * The bench's one JSON line (README.md "Fields"), from what was measured, and the `--check`
 * verdict on it. Pure: the numbers are gathered by run.ts.
 */
export interface Measured {
  sites: number;
  /** Sites whose watermark moved in this cycle. */
  sitesSynced: number;
  wallS: number;
  /** The baseline's time for the whole fleet (scaled when it walked fewer sites); null: not run. */
  baselineWallS: number | null;
  boundS: number;
  /** Requests the simulators answered for the cycle. */
  vendorCalls: number;
  /** Refusals for going too fast (HTTP 429, GoodWe's GY0429) the simulators answered us. */
  rateLimited: number;
  /** Null when the stack records no invocations (no per-invocation CPU or memory either). */
  invocations: Array<{ cpuMs: number; rssMb: number }> | null;
  /** Function invocations when the stack does not record them (one run each). */
  runs: number;
  objectsWritten: number;
}

export interface ReportLine {
  sites: number;
  wall_s: number;
  baseline_wall_s: number | null;
  speedup: number | null;
  bound_s: number;
  efficiency: number | null;
  vendor_calls_per_site: number;
  self_caused_429: number;
  invocations: number;
  max_invocation_cpu_ms: number | null;
  cpu_ms_per_site: number | null;
  max_invocation_rss_mb: number | null;
  objects_written: number;
  sites_unsynced: number;
}

const round = (n: number, digits = 2) => Number(n.toFixed(digits));

/**
 * `speedup` and `efficiency` compare times for the whole fleet: when sites did not sync, the cycle
 * stopped early (a killed worker, a deadline) and a ratio would flatter it, so both are null.
 */
export function reportLine(m: Measured): ReportLine {
  const inv = m.invocations;
  const cpu = inv?.reduce((n, i) => n + i.cpuMs, 0);
  const whole = m.sitesSynced >= m.sites && m.wallS > 0;
  return {
    sites: m.sites,
    wall_s: round(m.wallS, 1),
    baseline_wall_s: m.baselineWallS === null ? null : round(m.baselineWallS, 1),
    speedup: m.baselineWallS === null || !whole ? null : round(m.baselineWallS / m.wallS),
    bound_s: round(m.boundS, 1),
    efficiency: whole ? round(m.boundS / m.wallS, 3) : null,
    vendor_calls_per_site: round(m.vendorCalls / m.sites),
    self_caused_429: m.rateLimited,
    invocations: inv ? inv.length : m.runs,
    max_invocation_cpu_ms: inv && inv.length > 0
      ? round(Math.max(...inv.map((i) => i.cpuMs)), 1)
      : null,
    cpu_ms_per_site: cpu !== undefined && m.sitesSynced > 0 ? round(cpu / m.sitesSynced, 3) : null,
    max_invocation_rss_mb: inv && inv.length > 0
      ? round(Math.max(...inv.map((i) => i.rssMb)), 1)
      : null,
    objects_written: m.objectsWritten,
    sites_unsynced: m.sites - m.sitesSynced,
  };
}

/** Why `--check` fails the run; empty when it passes. */
export function checkProblems(line: ReportLine): string[] {
  const problems: string[] = [];
  if (line.sites_unsynced > 0) problems.push(`${line.sites_unsynced} sites did not sync`);
  if (line.self_caused_429 > 0) {
    problems.push(`the simulators answered ${line.self_caused_429} rate-limit refusals to us`);
  }
  return problems;
}
