/**
 * @dcgan-ts/node: datasets, files and the `dcgan` CLI's work as library calls.
 *
 *   const result = await train({ dataset: 'mnist', steps: 1000, out: 'runs/mine' });
 *   const { generator } = await loadGenerator('runs/mine');
 *   const images = generate(generator, latentsForSeeds([1, 2, 3], 100, 'normal'), 100);
 */
export * from './backend.js';
export * from './train.js';
export * from './sample.js';
export * from './datasets/idx.js';
export * from './datasets/mnist.js';
export * from './datasets/fake.js';
export * from './datasets/load.js';
export * from './datasets/source.js';
export * from './datasets/idxFiles.js';
export * from './datasets/cifar.js';
export * from './datasets/decodeImage.js';
export * from './datasets/decodePool.js';
export * from './datasets/imageFiles.js';
export * from './datasets/imageFolder.js';
export * from './datasets/packedFile.js';
export * from './datasets/prepare.js';
export * from './datasets/flip.js';
export * from './datasets/detect.js';
export * from './datasets/catalog.js';
export * from './datasets/tar.js';
export * from './datasets/download.js';
export * from './datasets/trainingData.js';
export * from './io/atomic.js';
export * from './io/layersModelFiles.js';
export * from './io/png.js';
export * from './run/runDirectory.js';
export * from './run/checkpoints.js';
export { PACKAGE_VERSION } from './version.js';
export * from './explore/latentInputs.js';
export * from './explore/render.js';
export * from './explore/interpolate.js';
export * from './explore/arithmetic.js';
export * from './explore/sweep.js';
export * from './io/gif.js';
export * from './export/exportGenerator.js';
export * from './export/tfjs.js';
export * from './export/ml5.js';
export * from './export/onnx.js';
export * from './representation/labelledSplits.js';
export * from './representation/classify.js';
