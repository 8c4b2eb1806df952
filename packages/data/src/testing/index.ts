/**
 * Fixtures for tests (the `@rosetta/data/testing` entry): a synthetic dataset mirror in the
 * canonical formats, the numpy and pickle writers it is made with, and where the real shared subsets are.
 */
export { SYNTHETIC_CIFAR_FILE, SYNTHETIC_IMDB_FILE, writeCifarTarGz, writeSyntheticMirror, type SyntheticOptions } from './synthetic-mirror.js';
export { writeNpy, writeNpz, type NpyInput } from './numpy-writer.js';
export { pickleObjectArrayOfIntLists } from './pickle-writer.js';
export { sharedDatasetsDir } from './shared-datasets.js';
