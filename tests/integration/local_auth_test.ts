/**
 * Real user sessions on the local stack: `deno task stack user add` creates the user and the
 * membership and prints an access token; the gateway publishes the signing key at the JWKS path,
 * and the functions' session check accepts the token through it, as on a hosted project.
 */
import assert from "node:assert/strict";
import { sessionVerifier } from "../../shared/session.ts";
import { env, stackTest } from "./helpers.ts";

const root = new URL("../../", import.meta.url).pathname;

async function stackUser(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", `${root}deno.json`, `${root}local/stack.ts`, "user", ...args],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

stackTest(
  "stack user add makes an admin with a session the functions' check accepts",
  async (sql) => {
    const email = `admin-${crypto.randomUUID()}@example.test`;
    const org = `Auth org ${crypto.randomUUID()}`;
    const added = await stackUser(["add", "--email", email, "--org", org, "--role", "admin"]);
    assert.equal(added.code, 0, added.stderr);
    const token = added.stdout.trim();
    const [member] = await sql`
    select u.id, m.role, o.name from auth.users u
    join public.organization_members m on m.user_id = u.id
    join public.organizations o on o.id = m.organization_id
    where u.email = ${email}`;
    assert.equal(member.role, "admin");
    assert.equal(member.name, org);
    try {
      const jwks = await (await fetch(`${env.SUPABASE_URL}/auth/v1/.well-known/jwks.json`)).json();
      assert.equal(jwks.keys.length, 1);
      assert.equal(jwks.keys[0].d, undefined, "the private half is never published");
      const session = await sessionVerifier({ supabaseUrl: env.SUPABASE_URL })(`Bearer ${token}`);
      assert.equal(session.userId, member.id);
      assert.equal(session.email, email);
      // Adding the same address again finds the user and changes the role, making no second user.
      const again = await stackUser(["add", "--email", email, "--org", org, "--role", "member"]);
      assert.equal(again.code, 0, again.stderr);
      const users = await sql`select m.role from public.organization_members m
      join auth.users u on u.id = m.user_id where u.email = ${email}`;
      assert.deepEqual(users.map((u) => u.role), ["member"]);
      const bad = await stackUser(["add", "--email", email, "--org", org, "--role", "root"]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--role must be one of owner, admin, member/);
    } finally {
      await sql`delete from public.organizations where name = ${org}`;
      await sql`delete from auth.users where email = ${email}`;
    }
  },
);
