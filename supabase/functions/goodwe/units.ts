/**
 * GoodWe quantities arrive as numbers in a field's own unit (`etotal: 19248.5` kWh) or as strings
 * that carry the unit: `"2337(W)"` and `"1.5(kW)"` in `powerflow`, `"19248.5kWh"` elsewhere
 * (vendors.md §4.4, the monitor-detail fixtures). This reads both into the base unit.
 */
export type BaseUnit = "W" | "Wh" | "V" | "A" | "Hz" | "°C";

const PREFIXES: Record<string, number> = { "": 1, k: 1e3, m: 1e6 };
const QUANTITY = /^\s*([-+]?\d+(?:\.\d+)?)\s*(?:\(\s*([^()]*?)\s*\)|([^\d\s()]*))\s*$/;

/**
 * The value in `base`, or null when it is missing, not a number or in another unit. `bareScale`
 * converts a bare number (e.g. 1000 for a field in kWh read as Wh).
 */
export function quantity(value: unknown, base: BaseUnit, bareScale = 1): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value * bareScale : null;
  if (typeof value !== "string") return null;
  const m = QUANTITY.exec(value);
  if (!m) return null;
  const n = Number(m[1]);
  const unit = (m[2] ?? m[3] ?? "").trim();
  if (unit === "") return n * bareScale;
  const scale = scaleOf(unit, base);
  return scale === undefined ? null : n * scale;
}

function scaleOf(unit: string, base: BaseUnit): number | undefined {
  if (base === "°C") return ["°C", "℃", "C"].includes(unit) ? 1 : undefined;
  if (base !== "W" && base !== "Wh") return unit === base ? 1 : undefined;
  // "KW" and "kw" both occur in the wild; for power and energy "m" can only mean mega.
  const u = unit.toLowerCase();
  const b = base.toLowerCase();
  if (!u.endsWith(b)) return undefined;
  return PREFIXES[u.slice(0, u.length - b.length)];
}

/**
 * A value GoodWe sends for "no reading": null, absent, an empty string (`powerflow.pv: ""` of an
 * offline plant in the captures) or `--` (the app's placeholder). Anything else that `quantity`
 * cannot read is unreadable, not a gap.
 */
export function isEmptyValue(value: unknown): boolean {
  return value === null || value === undefined ||
    (typeof value === "string" && (value.trim() === "" || value.trim() === "--"));
}

/** Readings keep milli-units at most: float noise from kW -> W is not data. */
export function roundValue(value: number): number {
  return Math.round(value * 1000) / 1000;
}
