import { generatorClasses } from './generator.js';
import type { StudioState } from './state.js';

/**
 * The class picker of a class-conditional G: a <select> of its classes 0..K-1 (the manifest names none, so they are
 * numbered as `dcgan sample --class` numbers them), shown only for such a G. The class applies to every panel: the
 * sample grid, the inspector, interpolation, arithmetic and projection.
 */
export function mountClassPicker(state: StudioState): void {
  const label = document.getElementById('class-label')!;
  const select = document.getElementById('class-pick') as HTMLSelectElement;

  state.on('model', () => {
    const k = state.generator ? generatorClasses(state.generator) : 0;
    label.hidden = k === 0;
    if (select.options.length !== k) {
      select.replaceChildren(...Array.from({ length: k }, (_, i) => Object.assign(document.createElement('option'), { value: String(i), textContent: String(i) })));
    }
    if (state.cls !== null) select.value = String(state.cls);
  });
  select.addEventListener('change', () => state.setClass(Number(select.value)));
}
