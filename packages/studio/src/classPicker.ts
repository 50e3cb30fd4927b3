import { generatorClasses } from './generator.js';
import type { StudioState } from './state.js';

/**
 * The class picker of a class-conditional G: a <select> of its classes, by name where the training data named them
 * (the manifest's classNames: folder names, CIFAR's classes), as "k: name", else numbered 0..K-1 as `dcgan sample
 * --class` numbers them; shown only for such a G. The class applies to every panel: the sample grid, the inspector,
 * interpolation, arithmetic and projection.
 */
export function mountClassPicker(state: StudioState): void {
  const label = document.getElementById('class-label')!;
  const select = document.getElementById('class-pick') as HTMLSelectElement;

  state.on('model', () => {
    const k = state.generator ? generatorClasses(state.generator) : 0;
    const names = state.generator?.manifest.classNames;
    label.hidden = k === 0;
    const texts = Array.from({ length: k }, (_, i) => (names ? `${i}: ${names[i]}` : String(i)));
    // Rebuilt only when the classes changed (a live reload of the same model keeps the user's pick).
    if (Array.from(select.options, (o) => o.textContent).join('\n') !== texts.join('\n')) {
      select.replaceChildren(...texts.map((text, i) => Object.assign(document.createElement('option'), { value: String(i), textContent: text })));
    }
    if (state.cls !== null) select.value = String(state.cls);
  });
  select.addEventListener('change', () => state.setClass(Number(select.value)));
}
