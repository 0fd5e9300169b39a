import assert from "node:assert/strict";
import { createLogger, Redactor } from "./logger.ts";
import { solarEdgeWorld } from "./testing/solaredge_world.ts";
import { runSync } from "./runner.ts";

Deno.test("a credential's secret is masked in its scope and its run's, not in a sibling's", () => {
  const root = new Redactor();
  root.add("service-role-key-123");
  const run = root.scope();
  const a = run.scope();
  const b = run.scope();
  a.add("alpha-credential-key");
  b.add("bravo-credential-key");
  const line = "service-role-key-123 alpha-credential-key bravo-credential-key";
  assert.equal(a.redact(line), "[redacted] [redacted] bravo-credential-key");
  assert.equal(b.redact(line), "[redacted] alpha-credential-key [redacted]");
  assert.equal(run.redact(line), "[redacted] [redacted] [redacted]");
  // The process keeps only what was added to it: a worker's redactor does not grow per credential.
  assert.equal(root.redact(line), "[redacted] alpha-credential-key bravo-credential-key");
  assert.deepEqual([root.size, run.size, a.size, b.size], [1, 3, 2, 2]);
  a.add("short"); // under 6 characters: not registered
  assert.equal(a.size, 2);
});

Deno.test("a logger scope writes through its parent's sink with its own redactor", () => {
  const lines: string[] = [];
  const root = createLogger({ write: (l) => lines.push(l) });
  const scoped = root.scope({ credential: "c1" });
  scoped.redactor.add("sk-live-000111");
  scoped.child({ site: "s1" }).warn("Vendor said sk-live-000111 is bad");
  root.info("Later: sk-live-000111");
  const [warn, info] = lines.map((l) => JSON.parse(l));
  assert.equal(warn.msg, "Vendor said [redacted] is bad");
  assert.equal(warn.credential, "c1");
  assert.equal(warn.site, "s1");
  assert.equal(info.msg, "Later: sk-live-000111");
});

Deno.test("runs leave the worker's redactor as they found it, and still mask their keys", async () => {
  const { deps, logs } = await solarEdgeWorld();
  const before = deps.logger.redactor.size;
  for (let i = 0; i < 3; i++) await runSync(deps, { trigger: "manual" });
  assert.equal(deps.logger.redactor.size, before);
  const text = logs.join("\n");
  assert.ok(text.length > 0);
  for (const key of ["GOOD-KEY-0001", "REVOKED-KEY-0003"]) assert.ok(!text.includes(key), key);
});

Deno.test("a vendor's text that quotes the start of a long token is masked, short words are not", () => {
  const redactor = new Redactor();
  const token = "rt_9f8e7d6c5b4a39281706f5e4d3c2b1a0";
  redactor.add(token);
  redactor.add("SHORTKEY-1");
  assert.equal(
    redactor.redact(`invalid_grant: refresh token ${token.slice(0, 12)}… has been revoked`),
    "invalid_grant: refresh token [redacted]… has been revoked",
  );
  assert.equal(redactor.redact(`token=${token}&x=1`), "token=[redacted]&x=1");
  // Seven characters are too few to tell a token from a word; a short key is masked only whole.
  assert.equal(
    redactor.redact(`prefix ${token.slice(0, 7)} stays`),
    `prefix ${token.slice(0, 7)} stays`,
  );
  assert.equal(redactor.redact("SHORTKEY- and SHORTKEY-1"), "SHORTKEY- and [redacted]");
});
