// This host as the rules see it: its name (for messages) and when it booted.
import os = require('node:os');
import { bootEpochMs } from './procfs';

/** This host's name: for messages only, never for decisions (two hosts may carry one name). */
export function hostName(): string {
  return os.hostname();
}

/**
 * When this host booted, in ms since the epoch by the wall clock (now minus the
 * uptime), or null when the OS does not say. Linux: /proc/uptime, re-read only
 * when the wall clock moved against the monotonic one (procfs.ts).
 */
export function bootedAtMs(): number | null {
  if (process.platform === 'linux') return bootEpochMs();
  const up = os.uptime();
  return Number.isFinite(up) && up > 0 ? Date.now() - up * 1000 : null;
}
