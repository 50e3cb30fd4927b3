/**
 * `/api/status` of `dcgan studio`: what its page polls each second to know when to reload the model, the log or the
 * sample grid. One type for both sides: the server (@dcgan-ts/node) writes it, the page (@dcgan-ts/studio) reads it.
 */
export interface StudioStatus {
  /** The step of the model served now; null when the studio serves no model (started without a checkpoint). */
  modelStep: number | null;
  /** The run the served checkpoint lies in; null for a checkpoint outside a run, or no model. */
  run: RunSnapshot | null;
}

/** What the studio shows of a run in progress: its log and its newest sample grid (read-only). */
export interface RunSnapshot {
  /** Lines in log.jsonl: the page fetches the log again only when this grows. */
  logLines: number;
  /** Step of the newest samples/step-NNNNNN.png, or null before the first. */
  sampleStep: number | null;
  /** Seconds since log.jsonl last changed (null without a log). */
  secondsSinceUpdate: number | null;
  /** Whether the run is still training: its log changed within three of its own log intervals (at least 2 min). */
  live: boolean;
}
