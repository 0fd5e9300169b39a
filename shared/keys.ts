/**
 * The S3 object key of one site and window, in the format of the system this replaces:
 * `raw/{source}/{org_id}/{date}/site_{id}_{time}.json`, where `{date}` and `{time}` are the UTC
 * date and time of the END OF THE ALIGNED WINDOW (windows.ts), also while that window is still
 * growing. Re-running a window therefore overwrites the same object, always with the whole window.
 */
import { createHash } from "node:crypto";

export interface ObjectKeyParts {
  source: string;
  orgId: string;
  siteId: string;
  windowEnd: Date;
}

export function objectKey(parts: ObjectKeyParts): string {
  const iso = parts.windowEnd.toISOString();
  const date = iso.slice(0, 10);
  const time = iso.slice(11, 19).replaceAll(":", "");
  return `raw/${parts.source}/${parts.orgId}/${date}/site_${pathSafe(parts.siteId)}_${time}.json`;
}

/** Ids kept as they are: what every vendor sends today (digits, letters, `-`, `.`, `_`). */
const PLAIN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** Longer ids are named by their hash, so a key stays well inside S3's 1,024 bytes. */
const MAX_ID = 200;

/**
 * Vendor site ids are opaque strings, and the mapping to a key part must be one to one: two ids
 * never share a key, and no id leaves its prefix. A plain id is kept (the seed's keys do not
 * change); any other (a `/`, `..`, a space, unicode) becomes `!b` and its UTF-8 in base64url, and
 * an id too long for a key `!h` and its SHA-256. `!` is safe in S3 keys and never starts a plain
 * id, and the two letters after it keep the two forms apart.
 */
function pathSafe(id: string): string {
  if (id.length === 0) throw new Error("Cannot build an object key: the site id is empty");
  if (PLAIN.test(id) && id.length <= MAX_ID) return id;
  const utf8 = new TextEncoder().encode(id);
  const encoded = `!b${base64url(utf8)}`;
  if (encoded.length <= MAX_ID) return encoded;
  return `!h${hex(sha256(utf8))}`;
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha256").update(bytes).digest());
}
