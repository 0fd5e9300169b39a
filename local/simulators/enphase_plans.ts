/**
 * Enphase developer plans and their request limits per application: per minute and per calendar
 * month (vendors.md §2.1, api-evangelist/enphase plans citing developer-v4.enphase.com).
 */
export type PlanName = "Watt" | "Kilowatt" | "Megawatt" | "Partner";

export interface Limits {
  perMinute: number;
  perMonth: number;
}

export const PLANS: Readonly<Record<PlanName, Limits>> = {
  Watt: { perMinute: 10, perMonth: 1_000 },
  Kilowatt: { perMinute: 50, perMonth: 50_000 },
  Megawatt: { perMinute: 100, perMonth: 300_000 },
  Partner: { perMinute: 300, perMonth: 1_500_000 },
};

export function isPlanName(name: unknown): name is PlanName {
  return typeof name === "string" && Object.hasOwn(PLANS, name);
}
