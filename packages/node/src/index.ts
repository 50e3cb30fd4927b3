/**
 * @dcgan-ts/node: datasets, files, run directories and checkpoints, and everything the `dcgan` CLI (@dcgan-ts/cli)
 * does, as library calls.
 *
 *   const result = await train({ dataset: 'mnist', steps: 1000, out: 'runs/mine' });
 *   const { generator } = await loadGenerator('runs/mine');
 *   const images = generate(generator, latentsForSeeds([1, 2, 3], 100, 'normal'), 100);
 */

// Backends, training and sampling
export {
  BACKEND_CHOICES,
  BACKEND_HELP,
  type BackendChoice,
  type BackendName,
  type BackendSelection,
  describeBackend,
  selectBackend,
} from './backend.js';
export {
  PRECISION_CHOICES,
  PRECISION_HELP,
  type Precision,
  type PrecisionChoice,
  type PrecisionSelection,
  selectPrecision,
} from './precision.js';
export { train, type TrainReporter, type TrainRequest, type TrainResult } from './train.js';
export { planTraining, RUNS_DIR, type TrainingPlan } from './trainingPlan.js';
export {
  sample,
  SAMPLE_GRID_MAX,
  SAMPLE_SEPARATE_MAX,
  type SampleRequest,
  type SampleResult,
  separateFileName,
} from './sample.js';
export {
  DEFAULT_EPOCHS,
  type OptionDeclaration,
  type OptionValue,
  optionsFixedOnResume,
  type ResumeRule,
  TRAIN_OPTIONS,
  trainOption,
} from './trainOptions.js';
export {
  OptionValueError,
  parseChoice,
  parseColour,
  parseDeclaredValue,
  parseInteger,
  parsePositiveInteger,
  parsePositiveNumber,
  parseSeed,
  parseUnitInterval,
} from './optionValues.js';
export { PACKAGE_VERSION } from './version.js';

// Datasets: IDX, MNIST, CIFAR, image folders, packed files, downloads, the training data plan
export { type IdxImages, parseIdxImages, parseIdxLabels } from './datasets/idx.js';
export { embeddedMnistDir, loadMnist, MNIST_TRAIN_IMAGES, openEmbeddedMnist } from './datasets/mnist.js';
export {
  checkDatasetName,
  DATASET_NAMES,
  type DatasetName,
  type DatasetSource,
  detectDataset,
  resolveDatasetSource,
  type SourceOpenRequest,
} from './datasets/registry.js';
export type { DatasetKind, KindSource, OpenOptions, SplitCut, SplitName } from './datasets/kinds/kind.js';
export { type DatasetRequest, DEFAULT_BACKGROUND, loadDataset, openDataset } from './datasets/load.js';
export {
  addProblem,
  closeDataset,
  type FileProblems,
  type LoadedDataset,
  noProblems,
  PROBLEMS_LISTED,
} from './datasets/source.js';
export { findIdxFiles, type IdxFiles, loadIdx, TEST_IMAGES, TRAIN_IMAGES } from './datasets/idxFiles.js';
export { CIFAR10_CLASSES, type CifarName, type CifarSplit, loadCifar } from './datasets/cifar.js';
export { decodeImage, type DecodeOptions, type DecodeResult, loadSharp } from './datasets/decodeImage.js';
export { decodeFiles, type DecodePoolOptions, defaultDecodeWorkers } from './datasets/decodePool.js';
export { type ImageFileList, listImageFiles } from './datasets/imageFiles.js';
export {
  decodeFolder,
  fileProblem,
  type FolderOptions,
  IN_MEMORY_LIMIT,
  loadImageFolder,
} from './datasets/imageFolder.js';
export {
  isPackedFile,
  PACKED_DATA_OFFSET,
  PACKED_MAGIC,
  PackedDataset,
  type PackedHeader,
  PackedWriter,
  readPackedHeader,
} from './datasets/packedFile.js';
export { prepareFolder, type PrepareResult } from './datasets/prepare.js';
export { dedup, type DedupRequest, type DedupResult } from './datasets/dedup.js';
export { downloadLsun, LSUN_CATEGORIES, LSUN_SETS, type LsunDownload, type LsunDownloadOptions } from './datasets/lsunDownload.js';
export { previewData, type PreviewRequest, type PreviewResult } from './datasets/preview.js';
export { type PathProbe, probePath } from './datasets/detect.js';
export {
  cacheRoot,
  datasetDir,
  REMOTE_DATASET_NAMES,
  REMOTE_DATASETS,
  type RemoteDataset,
  type RemoteDatasetName,
  type RemoteFile,
} from './datasets/catalog.js';
export { readTar, type TarEntry } from './datasets/tar.js';
export {
  cachedDataPath,
  downloadDataset,
  type DownloadedFile,
  downloadFile,
  type DownloadOptions,
} from './datasets/download.js';
export { type DataPlan, openTrainingData, recordedDataPlan } from './datasets/trainingData.js';

// Files: atomic writes, leftovers of interrupted ones, PNG, GIF, TF.js model files
export { type AtomicWriteOptions, temporarySibling, writeDirectoryAtomic, writeFileAtomic } from './io/atomic.js';
export { loadLayersModel, MODEL_JSON, saveLayersModel, WEIGHTS_BIN } from './io/layersModelFiles.js';
export { decodePng, encodePng, writePng } from './io/png.js';
export { encodeGif, writeGif } from './io/gif.js';
export { describeRemovedLeftover, type RemovedLeftover } from './io/leftovers.js';

// Run directories and checkpoints on disk
export { describeFsError, type LogLine, nextRunDirectory, RunDirectory, stepName } from './run/runDirectory.js';
export {
  checkpointWriteSeam,
  LATEST_POINTER,
  loadCheckpoint,
  type LoadedCheckpoint,
  type LoadedGenerator,
  type GeneratorChoice,
  type GeneratorSource,
  disposeCheckpoint,
  loadGenerator,
  readArchiveState,
  readCheckpointState,
  resolveCheckpointDir,
  runOfCheckpoint,
  saveCheckpoint,
  STATE_JSON,
  withGenerator,
} from './run/checkpoints.js';
export {
  BEST_POINTER,
  checkpointsToRemove,
  DEFAULT_KEEP_CHECKPOINTS,
  pruneCheckpoints,
  readPointer,
  type RetentionPolicy,
} from './run/checkpointRetention.js';

// Exploring G: latent inputs, pictures, interpolation, arithmetic, sweeps
export { parseLatentList, readLatentFile } from './explore/latentInputs.js';
export { renderLatents, writePicture } from './explore/render.js';
export { pictureFormat, type PictureFormat } from './io/pictureFormat.js';
export { interpolate, type InterpolateRequest, type InterpolateResult } from './explore/interpolate.js';
export { arithmetic, type ArithmeticRequest, type ArithmeticResult } from './explore/arithmetic.js';
export { project, type ProjectRequest, type ProjectResult } from './explore/project.js';
export { sweep, type SweepRequest, type SweepResult } from './explore/sweep.js';

// Exports: TF.js, ml5, ONNX, checkpoint archives
export {
  EXPORT_FORMATS,
  type ExportFormat,
  exportGenerator,
  type ExportRequest,
  type ExportResult,
} from './export/exportGenerator.js';
export { exportTfjs } from './export/tfjs.js';
export { exportMl5 } from './export/ml5.js';
export { exportOnnx, generatorToOnnx } from './export/onnx.js';

// Representation: D's features, classification with few labels, visualisation, ablation, probes
export { drawPerClass, type LabelledSplit, loadLabelledSplit } from './representation/labelledSplits.js';
export { type ClassifierRow, classify, type ClassifyRequest, type ClassifyResult } from './representation/classify.js';
export { ablate, type AblateRequest, checkBlock, visualize, type VisualizeRequest } from './representation/inside.js';
export { extractFeatures, type FeaturesRequest } from './representation/features.js';
export { type ProbeReport, type ProbeRequest, probe } from './representation/probe.js';

// Quality metrics: the classifier, evaluation
export {
  type ClassifierInfo,
  defaultClassifierDir,
  loadClassifier,
  saveClassifier,
} from './metrics/classifierStore.js';
export {
  DEFAULT_CLASSIFIER_EPOCHS,
  shiftImages,
  trainClassifier,
  type TrainClassifierRequest,
} from './metrics/trainClassifier.js';
export {
  evaluate,
  type EvaluateRequest,
  type EvaluateResult,
  evaluationLines,
} from './metrics/evaluate.js';

// Reports, the studio's server, the benchmark
export {
  formatRunReport,
  readRunLog,
  renderRunReport,
  type RunLog,
  type RunReport,
  runReportSvg,
  summarizeRun,
} from './report/runReport.js';
export { type StudioOptions, type StudioServer, startStudio } from './studio/studioServer.js';
export {
  BENCH_CASES,
  type BenchCase,
  type OurMeasurement,
  type TorchMeasurement,
  measureOurs,
  measureSgemmPeak,
  measureTorch,
  TORCH_MODES,
  type TorchMode,
  torchUnavailable,
} from './bench/benchmark.js';
export {
  type BenchmarkCaseResult,
  type BenchmarkMachine,
  benchmarkMachine,
  type BenchmarkRequest,
  defaultTorchModes,
  type BenchmarkResult,
  runBenchmark,
} from './bench/runBenchmark.js';
export { DEFAULT_QUEUE, type RunBest, type TrainJobData, type TrainJobResult, trainJobId } from './queue/queueJobs.js';
export { JOB_STATES, type JobState, type QueueStatus, queueStatus } from './queue/queueStatus.js';
export { runWorker, type WorkerRequest, type WorkerSummary } from './queue/queueWorker.js';
export { checkRedisUrl, redactRedisUrl } from './queue/redisConnection.js';
export { type QueueSweepRequest, type SubmittedJob, submitSweep } from './queue/submitSweep.js';
export { type GridAxis, type GridPoint, gridPoints, MAX_GRID_POINTS, parseGrid, parseSeeds } from './queue/sweepGrid.js';
export { trainRequestOfArguments } from './queue/trainArguments.js';
export { DEFAULT_EVAL_SHARD, type QueueEvalRequest, type QueueEvalResult, queueEval } from './queue/queueEval.js';
