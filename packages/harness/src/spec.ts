/**
 * The contract the harness enforces is SPEC.md, kept as constants in @rosetta/spec (below
 * the data package, which needs the datasets' part of it). Re-exported so that an adapter
 * gets the interface and the numbers it must meet from one import.
 */
export { CNN_SPEC, MODEL_SPECS, RNN_SPEC, type ModelName } from '@rosetta/spec';
