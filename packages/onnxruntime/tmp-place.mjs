import ort from 'onnxruntime-node';
import { initialWeights } from '@rosetta/harness';
import { buildProgram } from './dist/index.js';
const [model='cnn', which='training', k='1'] = process.argv.slice(2);
const weights = initialWeights(model, 42);
const program = buildProgram({ model, weights, seed: 1, dropout: true, batchSize: 8 });
const bytes = which === 'training' ? program.training(+k) : program[which](8);
try {
const s = await ort.InferenceSession.create(bytes, { executionProviders: [{name:'webgpu', preferredLayout:'NCHW'}], logSeverityLevel: 0, logVerbosityLevel: 0 });
console.log('created');
} catch (e) { console.log('ERR', e.message); }
