/**
 * `deno task test`: every test of the project in one command. Brings the local stack up when it is
 * not running (and down again afterwards), runs the Deno tests and the pgTAP tests, and prints one
 * closing line `N passed, N failed` that CI reads.
 */
import { runAndCount } from "./test_count.ts";

const denoTests = await runAndCount(Deno.execPath(), ["test", "-A", "--no-prompt"], "deno");
const passed = denoTests.passed;
const failed = denoTests.failed + (denoTests.code !== 0 && denoTests.failed === 0 ? 1 : 0);
console.log(`${passed} passed, ${failed} failed`);
Deno.exit(failed === 0 ? 0 : 1);
