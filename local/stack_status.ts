/**
 * `stack status` and `isStackUp()`: every part of the local stack probed in parallel.
 */
import { stackProbes } from "./stack_probes.ts";

export interface PartStatus {
  name: string;
  url: string;
  up: boolean;
  detail: string;
}

export interface StackStatus {
  /** True only when every part answers. */
  up: boolean;
  parts: PartStatus[];
}

export async function stackStatus(): Promise<StackStatus> {
  const parts = await Promise.all(
    Object.values(stackProbes).map(async (p) => ({
      name: p.name,
      url: p.url,
      ...(await p.check()),
    })),
  );
  return { up: parts.every((p) => p.up), parts };
}

/** Whether the whole stack answers: the demo and the test runner start it only when not. */
export async function isStackUp(): Promise<boolean> {
  return (await stackStatus()).up;
}
