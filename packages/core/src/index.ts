/**
 * @dcgan-ts/core: the DCGAN of Radford, Metz & Chintala (arXiv 1511.06434) on TF.js. Browser-safe: nothing here
 * touches the file system or Node APIs; packages/node supplies data and storage through the interfaces below.
 */
export * from './config.js';
export * from './errors.js';
export * from './rng.js';
export * from './models/architecture.js';
export * from './models/generator.js';
export * from './models/discriminator.js';
export * from './models/initialize.js';
export * from './models/batchNormalization.js';
export * from './models/convolution.js';
export * from './models/activations.js';
export * from './models/layerChain.js';
export * from './ops/activationsSavingOutput.js';
export * from './ops/batchNormTraining.js';
export * from './training/losses.js';
export * from './training/adam.js';
export * from './training/gradients.js';
export * from './training/trainer.js';
export * from './training/loop.js';
export * from './latent/noise.js';
export * from './data/dataset.js';
export * from './data/resize.js';
export * from './images/grid.js';
export * from './checkpoint/manifest.js';
export * from './generate.js';
export * from './latent/interpolate.js';
export * from './latent/arithmetic.js';
export * from './latent/spatial.js';
export * from './images/layout.js';
export * from './checkpoint/generatorManifest.js';
export * from './metrics/linalg.js';
export * from './metrics/fid.js';
export * from './metrics/kid.js';
export * from './metrics/inceptionScore.js';
export * from './metrics/neighbours.js';
export * from './representation/linearSvm.js';
export * from './representation/discriminatorFeatures.js';
export * from './metrics/classifierNetwork.js';
export * from './metrics/evalLog.js';
export * from './representation/guidedBackprop.js';
export * from './representation/ablation.js';
export * from './representation/logisticRegression.js';
export * from './representation/featureMapProbe.js';
export * from './checkpoint/checkpointFiles.js';
export * from './checkpoint/checkpointArchive.js';
