import type { StepMetrics } from './trainer.js';

/**
 * A run whose D rejects every sample: D(G(z)) stuck near 0 step after step. Then G's gradient through the
 * non-saturating loss carries little but noise and its samples stop improving or fall to one mode: the failure
 * PyTorch's dcgan example users report as "D loss goes to 0" (pytorch/examples issues on dcgan; Goodfellow's NIPS 2016
 * tutorial, section 3.2.1). The watch averages D(G(z)) over a window of steps and warns once per stretch.
 */

/** Steps averaged. */
export const STUCK_WINDOW = 200;
/** Mean D(G(z)) under which D is taken to reject everything. */
export const STUCK_DGZ = 0.01;

/** Watches a run's D(G(z)) step by step and says, once per stretch, when D has rejected every sample for a while. */
export class CollapseWatch {
  private readonly window = new Float64Array(STUCK_WINDOW);
  private filled = 0;
  private sum = 0;
  private warned = false;

  /** Takes one step's numbers; returns a warning line the first step the window's mean D(G(z)) is under STUCK_DGZ. */
  observe(step: number, metrics: StepMetrics): string | null {
    const slot = this.filled % STUCK_WINDOW;
    if (this.filled >= STUCK_WINDOW) this.sum -= this.window[slot]!;
    this.window[slot] = metrics.dgz1;
    this.sum += metrics.dgz1;
    this.filled++;
    if (this.filled < STUCK_WINDOW) return null;
    const mean = this.sum / STUCK_WINDOW;
    if (mean >= STUCK_DGZ * 2) this.warned = false; // recovered: a later stretch warns again
    if (this.warned || mean >= STUCK_DGZ) return null;
    this.warned = true;
    return (
      `possible collapse: D(G(z)) has averaged ${mean.toFixed(4)} over the last ${STUCK_WINDOW} steps (to step ${step}): ` +
      'D rejects every sample and G learns little; look at the sample grids, and keep an earlier checkpoint'
    );
  }
}
