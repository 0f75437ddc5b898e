/**
 * Ports: what the engine needs from its host, as interfaces. The host (Electron adapters, the browser shell, the
 * CLI) supplies implementations; the engine never knows which.
 */

/** A clip of evidence between two moments of the session clock. */
export interface EvidenceClip {
  bytes: Uint8Array;
  mime: string;
  /** The range actually covered (clamped to what the recorder holds). */
  start: number;
  end: number;
}

/**
 * Where evidence video comes from. For a file it is cut from the source; for a live session the candidate app
 * keeps a rolling recording and fills this port, so only flagged moments are ever kept.
 */
export interface EvidenceRecorder {
  clip(start: number, end: number): Promise<EvidenceClip | null>;
}
