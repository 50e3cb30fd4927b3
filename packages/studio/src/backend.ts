import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';

/**
 * The Explore view's backend: WebGL when the browser gives TF.js a usable GPU context, else the JS cpu backend
 * (headless browsers and software GL land here: TF.js refuses contexts with a major performance caveat).
 * `?backend=cpu` forces the fallback; `?backend=webgpu` is the Train view's (its worker has its own TF.js).
 */
export async function chooseBackend(): Promise<string> {
  const asked = new URLSearchParams(location.search).get('backend');
  const forced = asked === 'webgl' || asked === 'cpu' ? asked : null;
  const order = forced ? [forced] : ['webgl', 'cpu'];
  for (const name of order) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
    } catch {
      // Try the next one: a failed WebGL context throws here on some browsers instead of returning false.
    }
  }
  throw new Error(`no TF.js backend works in this browser (tried ${order.join(', ')})`);
}
