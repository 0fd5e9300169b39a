/**
 * `.local/stack/state.json`: the pids `stack up` started, so `stack down` stops exactly those.
 */
import { existsSync } from "node:fs";
import type { DetachedProcess } from "./processes.ts";
import { stackPaths } from "./stack_paths.ts";

export interface StackState {
  moto?: DetachedProcess;
  services?: DetachedProcess;
}

export function readStackState(): StackState {
  if (!existsSync(stackPaths.stateFile)) return {};
  try {
    return JSON.parse(Deno.readTextFileSync(stackPaths.stateFile));
  } catch {
    return {};
  }
}

export function writeStackState(state: StackState): void {
  Deno.mkdirSync(stackPaths.state, { recursive: true });
  Deno.writeTextFileSync(stackPaths.stateFile, JSON.stringify(state, null, 2) + "\n");
}
