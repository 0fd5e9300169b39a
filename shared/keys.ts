/**
 * The S3 object key of one site and window, in the format of the system this replaces:
 * `raw/{source}/{org_id}/{date}/site_{id}_{time}.json`, where `{date}` and `{time}` are the UTC
 * date and time of the END OF THE ALIGNED WINDOW (windows.ts), also while that window is still
 * growing. Re-running a window therefore overwrites the same object, always with the whole window.
 */
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

/** Vendor site ids are opaque strings; anything but letters, digits, `-` and `.` becomes `_`. */
function pathSafe(id: string): string {
  const safe = id.replace(/[^A-Za-z0-9.-]/g, "_").replace(/^\.+/, "_");
  if (safe.length === 0) throw new Error("Cannot build an object key: the site id is empty");
  return safe;
}
