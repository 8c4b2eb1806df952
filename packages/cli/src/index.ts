export { program } from './program.js';
export { PRESETS, type Preset, type PresetName } from './presets.js';
