/**
 * @dcgan-ts/core: the DCGAN of Radford, Metz & Chintala (arXiv 1511.06434) on TF.js. Browser-safe: nothing here
 * touches the file system or Node APIs; packages/node supplies data and storage through the interfaces below.
 */

// Configuration, errors, the seeded RNG and its named streams
export {
  CONDITIONAL_DISCRIMINATORS,
  type ConditionalDiscriminator,
  type DcganConfig,
  DEFAULT_MODEL_CONFIG,
  DEFAULT_TRAINING_CONFIG,
  type LatentDistribution,
  MAX_IMAGE_SIZE,
  MIN_IMAGE_SIZE,
  type ModelConfig,
  modelConfigOf,
  type TrainingConfig,
  validateModelConfig,
  checkClassNames,
  validateTrainingConfig,
} from './config.js';
export { DcganError } from './errors.js';
export { Rng, type RngState, RngStream } from './rng.js';

// Models (section 3): G and D from one layer plan, the paper's init (section 4), their layers
export {
  BATCH_NORM_EPSILON,
  BATCH_NORM_MOMENTUM,
  type ConvStage,
  hiddenStages,
  LEAKY_RELU_SLOPE,
  referenceParameterCounts,
} from './models/architecture.js';
export { buildGenerator } from './models/generator.js';
export {
  classCount,
  conditionalDiscriminator,
  conditionImages,
  discriminatorInput,
  discriminatorInputChannels,
  discriminatorLogits,
  discriminatorOutputWidth,
  generatorInputs,
  generatorInputWidth,
  oneHotLabels,
  refuseConditional,
  checkClass,
  resolveClass,
  walkClass,
  seedClasses,
  seedInputs,
  seedSampleInputs,
} from './models/conditioning.js';
export { buildDiscriminator } from './models/discriminator.js';
export { projectionLogits } from './models/projectionDiscriminator.js';
export { countTrainableParameters, INIT_STD, initializeWeights } from './models/initialize.js';
export { batchNormalization, DcganBatchNormalization } from './models/batchNormalization.js';
export { conv2d, DcganConv2D } from './models/convolution.js';
export { DcganLeakyReLU, DcganReLU, leakyReLU, reLU } from './models/activations.js';
export { applyChainInTraining } from './models/layerChain.js';

// Fused ops: custom kernels a backend may implement, with composite fallbacks
export {
  FUSED_RELU_GRAD_FROM_OUTPUT_KERNEL,
  leakyReluSavingOutput,
  reluSavingOutput,
} from './ops/activationsSavingOutput.js';
export {
  batchNormTraining,
  batchNormTrainingComposite,
  type BatchNormTrainingResult,
  FUSED_BATCH_NORM_TRAINING_GRAD_KERNEL,
  FUSED_BATCH_NORM_TRAINING_KERNEL,
  hasFusedBatchNormTraining,
} from './ops/batchNormTraining.js';
export {
  batchNormActivationTraining,
  FUSED_BATCH_NORM_ACTIVATION_TRAINING_GRAD_KERNEL,
  FUSED_BATCH_NORM_ACTIVATION_TRAINING_KERNEL,
  hasFusedBatchNormActivationTraining,
} from './ops/batchNormActivationTraining.js';

// Training (section 4): losses, Adam, the backward pass, one D and one G update, the loop
export { discriminatorLoss, generatorLoss, lossOnFake, lossOnReal, meanProbability } from './training/losses.js';
export { Adam, type AdamSettings, type AdamState, FUSED_ADAM_KERNEL } from './training/adam.js';
export { RecordedForward, recordForward, type VariableGradients, variableGradsFreeing } from './training/gradients.js';
export { DcganTrainer, type StepMetrics, type TrainerExtras, type TrainerState } from './training/trainer.js';
export { GeneratorEma } from './training/generatorEma.js';
export { CollapseWatch, STUCK_DGZ, STUCK_WINDOW } from './training/collapseWatch.js';
export { AUGMENT_POLICIES, type AugmentPolicy, augmentPolicies, diffAugment, parseAugmentPolicies } from './training/diffAugment.js';
export {
  DivergenceError,
  isStepEntry,
  isWarningEntry,
  type WarningEntry,
  type LogEntry,
  runTrainingLoop,
  type TrainCallbacks,
  type TrainLoopResult,
} from './training/loop.js';

// Data: the dataset interface that Node and the browser fill, resizing, the fake dataset, flips
export { gatherImages, type ImageDataset, indexRange, Uint8ImageDataset, type Uint8Source } from './data/dataset.js';
export { BilinearResizer } from './data/resize.js';
export { fakeDataset } from './data/fakeDataset.js';
export { FlipDataset } from './data/flipDataset.js';
export { duplicatesByHash, HashAutoencoder, type HashAutoencoderOptions, hashCodes, unitMedians } from './data/semanticHash.js';

// Latent space: seeded noise, G's images, walks, arithmetic on z, spatial maps (section 6)
export { drawLatents, latentForSeed, latentsForSeeds, seedRange } from './latent/noise.js';
export { type Projection, type ProjectionOptions, projectImage } from './latent/projection.js';
export { checkTruncation, type Truncation, type TruncationMode, TRUNCATION_MODES, truncateLatent } from './latent/truncation.js';
export { generate, generateSpatial } from './generate.js';
export { type InterpolationMode, lerp, norm, slerp, walk } from './latent/interpolate.js';
export {
  latentArithmetic,
  latentNeighbours,
  linspace,
  meanLatent,
  packLatents,
  sweepDimension,
} from './latent/arithmetic.js';
export { latentMap } from './latent/spatial.js';

// Pictures: grids and layouts
export { type Image8, makeGrid, toByte, toImages } from './images/grid.js';
export { composeRows } from './images/layout.js';

// Checkpoints: the files, the .zip archive, the manifests
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointState,
  decodeAdamState,
  encodeAdamState,
  type OptimizerManifest,
  parseCheckpointState,
  trainerStateOf,
} from './checkpoint/manifest.js';
export { generatorManifest, type GeneratorManifest, parseGeneratorManifest } from './checkpoint/generatorManifest.js';
export {
  checkNetwork,
  type CheckpointFiles,
  type CheckpointMeta,
  decodeCheckpointFiles,
  type DecodedCheckpoint,
  EMA_GENERATOR_DIR,
  encodeCheckpointFiles,
  hasAveragedGenerator,
  layersModelFiles,
  layersModelFromFiles,
  MODEL_JSON,
  NETWORK_DIRS,
  type NetworkName,
  parseCheckpointStateBytes,
  STATE_JSON,
  WEIGHTS_BIN,
} from './checkpoint/checkpointFiles.js';
export { CHECKPOINT_ARCHIVE_EXTENSION, isZip, unzipCheckpoint, zipCheckpoint } from './checkpoint/checkpointArchive.js';

// Metrics: FID, KID, IS, precision/recall, neighbours, the classifier network, eval log lines
export {
  columnMeans,
  covariance,
  matmulSquare,
  sqrtPsd,
  symmetricEigen,
  type SymmetricEigen,
  toFloat64,
  trace,
} from './metrics/linalg.js';
export { type FeatureGaussian, fitGaussian, frechetDistance } from './metrics/fid.js';
export { kernelInceptionDistance } from './metrics/kid.js';
export { classHistogram, inceptionScore } from './metrics/inceptionScore.js';
export { joinSampleStatistics, type MergedStatistics, mergeSampleStatistics, SCORE_SPLITS, type SampleStatistics, sampleStatistics } from './metrics/sampleStatistics.js';
export { kthNeighbourRadii, nearestDistances, type NeighbourOptions, precisionRecall } from './metrics/neighbours.js';
export { buildClassifier, CLASSIFIER_FEATURES_LAYER, classifierOutputs } from './metrics/classifierNetwork.js';
export { type EvalEntry, formatScores, isEvalEntry } from './metrics/evalLog.js';
export { type ClassAccuracy, classAccuracy } from './metrics/classAccuracy.js';
export {
  BestScore,
  type BestVerdict,
  COLLAPSE_EVALUATIONS,
  COLLAPSE_RELATIVE_WORSENING,
  DEFAULT_SELECT_BY,
  parseSelectBy,
  selectableScalars,
  selectableScalarsOf,
} from './metrics/bestScore.js';

// The metric registry: one declaration per metric (name, inputs, computation, floor, display) that options, eval
// lines, `dcgan eval`, the report, the studio and the docs read
export type {
  ClassifierOutputs,
  FeatureMetric,
  FeatureMetricInputs,
  FloorKind,
  PixelMetric,
  PixelMetricInputs,
  ScalarDisplay,
} from './metrics/registry/metric.js';
export {
  DEFAULT_EVAL_METRICS,
  EVAL_SCALARS,
  type EvalScalar,
  type EvalScores,
  FEATURE_METRICS,
  type FeatureMetricName,
  type FeatureMetricResults,
  flattenScores,
  floorOfScalar,
  METRICS,
  type MetricName,
  parseMetricList,
  PIXEL_METRICS,
  PLOTTED_EVAL_SCALARS,
} from './metrics/registry/index.js';
export { memorisation } from './metrics/registry/memorisation.js';

// Representation (section 5-6): D's features, the L2-SVM, guided backprop, ablation, the feature-map probe
export {
  accuracy,
  type LinearSvmModel,
  predictLinearSvm,
  Standardizer,
  type SvmOptions,
  trainLinearSvm,
  trainLinearSvmPath,
} from './representation/linearSvm.js';
export { discriminatorFeatures, featureLayerNames, featureSize } from './representation/discriminatorFeatures.js';
export { blockWidth, discriminatorBlocks, guidedBackprop } from './representation/guidedBackprop.js';
export {
  generateAblated,
  generatorActivations,
  generatorBlocks,
  generatorBlockWidth,
} from './representation/ablation.js';
export {
  fitLogisticRegression,
  type LogisticModel,
  logisticScores,
  rocAuc,
} from './representation/logisticRegression.js';
export {
  downsampleMask,
  type MapWeight,
  probeFeatureMaps,
  type ProbeResult,
} from './representation/featureMapProbe.js';

// The studio's HTTP protocol
export type { RunSnapshot, StudioStatus } from './studio/studioStatus.js';

// Charts: one SVG builder, no DOM, for the studio's charts and `dcgan report`'s PNG. A panel (ChartPanel) says what
// to plot (series of [step, value], bands, a dashed floor, a fixed or fitted y axis); chartSvg draws one into a
// page's element, chartPageSvg lays many out on one page; lossPanel, dOutputsPanel and metricPanel are the run's
// charts, built from log.jsonl lines the same way wherever they are drawn
export { CHART_COLOURS } from './charts/theme.js';
export type { ChartPanel, ChartPoint, ChartSeries } from './charts/panel.js';
export { type ChartPage, chartPageSvg, chartSvg, type ChartSvgOptions } from './charts/page.js';
export { dOutputsPanel, lossPanel, metricPanel, type StepPoint } from './charts/runCharts.js';
