/**
 * MD5 for the SEMS+ login, which wants `base64(md5_hex(password))` (vendors.md §4.1). WebCrypto
 * has no MD5; `node:crypto` is part of the Deno and Supabase Edge runtimes, so no code of our own.
 * Not a security measure: it is the wire format GoodWe's app uses.
 */
import { createHash } from "node:crypto";

export function md5Hex(text: string): string {
  return createHash("md5").update(text, "utf8").digest("hex");
}

/** The `pwd` field of the SEMS+ cross-login body. */
export function semsPlusPassword(password: string): string {
  return btoa(md5Hex(password));
}
