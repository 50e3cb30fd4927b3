import { checkTruncation, latentForSeed, type Truncation } from '@dcgan-ts/core';
import { type Generator, generatorClasses } from './generator.js';

export type GroupName = 'A' | 'B' | 'C';
export const GROUPS: readonly GroupName[] = ['A', 'B', 'C'];

/** A point in latent space the page can draw: a seed's z, or one derived from others (a mean, a blend, an edit). */
export interface Latent {
  z: Float32Array;
  label: string;
  seed?: number;
}

export interface Pick {
  latent: Latent;
  group: GroupName;
}

type Topic = 'model' | 'picks' | 'focus' | 'offset' | 'truncation' | 'class';

/**
 * What the user has done: which model is loaded, the seed offset of the grid, the picks (each in group A, B or C,
 * in click order) and the focused latent the inspector shows. Panels subscribe to the topics they draw.
 */
export class StudioState {
  generator: Generator | null = null;
  offset = 0;
  active: GroupName = 'A';
  picks: Pick[] = [];
  focus: Latent | null = null;
  /** The truncation trick on every seed's z (`dcgan sample --truncation`), or null. */
  truncation: Truncation | null = null;
  /**
   * The class every panel draws in for a class-conditional G (`dcgan sample --class`); null for an unconditional G.
   * Picks are z alone, so changing the class redraws them all in the new class.
   */
  cls: number | null = null;
  private readonly listeners = new Map<Topic, Array<() => void>>();
  /** Generators a long task (a projection) still runs: replaced, they are disposed when it lets go, not before. */
  private readonly held = new Set<Generator>();

  on(topic: Topic, listener: () => void): void {
    this.listeners.set(topic, [...(this.listeners.get(topic) ?? []), listener]);
  }

  emit(topic: Topic): void {
    for (const listener of this.listeners.get(topic) ?? []) listener();
  }

  /** The z of seed k, as every dcgan-ts command draws it (truncated as `dcgan sample --truncation` truncates it). */
  seedLatent(seed: number): Latent {
    const m = this.generator!.manifest;
    const t = this.truncation ?? undefined;
    return { z: latentForSeed(seed, m.latentSize, m.distribution, t), label: t ? `seed ${seed} (ψ ${t.psi})` : `seed ${seed}`, seed };
  }

  /**
   * Truncates every seed's z from now on (BigGAN's resampling at `psi`), or stops (null); throws a DcganError for a psi
   * the model's z cannot take. Picks made before keep their z.
   */
  setTruncation(psi: number | null): void {
    const t = psi === null ? null : { psi, mode: 'resample' as const };
    if (t && this.generator) checkTruncation(t, this.generator.manifest.distribution);
    this.truncation = t;
    this.emit('truncation');
  }

  /**
   * Serves `g` from now on: the picks stay when z keeps its width, the class is kept when G still has it (else 0),
   * and the previous G is disposed unless a task holds it.
   */
  setGenerator(g: Generator): void {
    const previous = this.generator;
    if (previous && previous.manifest.latentSize !== g.manifest.latentSize) {
      // Another model behind the same server (restarted on a different run): old picks are not its latents.
      this.picks = [];
      this.focus = null;
    }
    this.generator = g;
    const k = generatorClasses(g);
    this.cls = k === 0 ? null : this.cls !== null && this.cls < k ? this.cls : 0;
    if (previous && !this.held.has(previous)) previous.model.dispose();
    this.emit('model');
  }

  /** Keeps `g` alive while a task runs it, even if the served model changes meanwhile. */
  hold(g: Generator): void {
    this.held.add(g);
  }

  /** Ends hold(g): a generator replaced meanwhile is disposed now. */
  release(g: Generator): void {
    this.held.delete(g);
    if (g !== this.generator) g.model.dispose();
  }

  /** Draws every panel in class `cls` of a conditional G (0..K-1). */
  setClass(cls: number): void {
    const k = this.generator ? generatorClasses(this.generator) : 0;
    if (!(Number.isInteger(cls) && cls >= 0 && cls < k)) throw new Error(`class must be from 0 to ${k - 1}, got ${cls}`);
    this.cls = cls;
    this.emit('class');
  }

  /** Adds a latent that is no seed's (a projection) to the active group. */
  addPick(latent: Latent): void {
    this.picks.push({ latent, group: this.active });
    this.emit('picks');
  }

  group(name: GroupName): Latent[] {
    return this.picks.filter((p) => p.group === name).map((p) => p.latent);
  }

  /** Clicking a sample: adds it to the active group, or takes it out when it is already there. */
  togglePick(seed: number): void {
    const at = this.picks.findIndex((p) => p.latent.seed === seed && p.group === this.active);
    if (at >= 0) this.picks.splice(at, 1);
    else this.picks.push({ latent: this.seedLatent(seed), group: this.active });
    this.emit('picks');
  }

  removePick(pick: Pick): void {
    this.picks = this.picks.filter((p) => p !== pick);
    this.emit('picks');
  }

  clearPicks(): void {
    this.picks = [];
    this.emit('picks');
  }

  setFocus(latent: Latent): void {
    this.focus = latent;
    this.emit('focus');
  }

  setOffset(offset: number): void {
    this.offset = Math.max(0, Math.min(0xffffffff - 63, Math.floor(offset)));
    this.emit('offset');
  }
}
