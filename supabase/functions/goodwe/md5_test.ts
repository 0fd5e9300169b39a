import assert from "node:assert/strict";
import { md5Hex, semsPlusPassword } from "./md5.ts";

Deno.test("md5Hex matches the test suite of RFC 1321 appendix A.5", () => {
  const vectors: [string, string][] = [
    ["", "d41d8cd98f00b204e9800998ecf8427e"],
    ["a", "0cc175b9c0f1b6a831c399e269772661"],
    ["abc", "900150983cd24fb0d6963f7d28e17f72"],
    ["message digest", "f96b697d7cb7938d525a2f31aaf161d0"],
    ["abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"],
    [
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
      "d174ab98d277d9f5a5611c2c9f419d9f",
    ],
    [
      "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
      "57edf4a22be3c955ac49da2e2107b67a",
    ],
  ];
  for (const [input, digest] of vectors) assert.equal(md5Hex(input), digest, input);
});

Deno.test("md5Hex hashes the UTF-8 bytes of a non-ASCII password", () => {
  // c3 a9 is the UTF-8 encoding of "\u00e9"; the Latin-1 byte e9 alone gives 34068776...
  assert.equal(md5Hex("\u00e9"), "66ddcd97cfdeabb2f6fb8a999b4bc76f");
});

Deno.test("semsPlusPassword is base64 of the lower-case hex digest, as the SEMS+ app sends", () => {
  // md5("password") = 5f4dcc3b5aa765d61d8327deb882cf99
  assert.equal(semsPlusPassword("password"), btoa("5f4dcc3b5aa765d61d8327deb882cf99"));
  assert.equal(semsPlusPassword("password"), "NWY0ZGNjM2I1YWE3NjVkNjFkODMyN2RlYjg4MmNmOTk=");
});
