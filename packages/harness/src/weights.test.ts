import { createHash } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeWeights, encodeWeights, initialWeights, loadWeights, parameterSpecs, saveWeights, weightsSha256 } from './weights.js';

describe('weightsSha256', () => {
  it('is a function of the numbers: same seed, same checksum; another seed or one changed value, another', () => {
    const a = weightsSha256('rnn', initialWeights('rnn', 1));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(weightsSha256('rnn', initialWeights('rnn', 1))).toBe(a);
    expect(weightsSha256('rnn', initialWeights('rnn', 2))).not.toBe(a);
    const changed = initialWeights('rnn', 1);
    changed.get('dense.bias')!.data[1] = 1e-30;
    expect(weightsSha256('rnn', changed)).not.toBe(a);
  });

  it('rejects weights that miss a parameter or have the wrong size', () => {
    const missing = initialWeights('rnn', 1);
    missing.delete('gru.bias');
    expect(() => weightsSha256('rnn', missing)).toThrow(/lack "gru.bias"/);
    const short = initialWeights('rnn', 1);
    short.set('dense.bias', { shape: [2], data: new Float32Array(3) });
    expect(() => weightsSha256('rnn', short)).toThrow(/"dense.bias" holds 3 values/);
  });
});

describe('weights file (safetensors)', () => {
  const tmp = () => mkdtemp(join(tmpdir(), 'rosetta-weights-'));

  it('round-trips every parameter bit for bit; the file\'s sha256 is weightsSha256', async () => {
    const dir = await tmp();
    const file = join(dir, 'cnn.safetensors');
    const weights = initialWeights('cnn', 7);
    const sha = await saveWeights(file, 'cnn', weights);
    const bytes = await readFile(file);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha);
    expect(weightsSha256('cnn', weights)).toBe(sha);
    const loaded = await loadWeights(file, 'cnn');
    expect(loaded.sha256).toBe(sha);
    expect([...loaded.weights.keys()]).toEqual(parameterSpecs('cnn').map((s) => s.name));
    for (const [name, tensor] of weights) {
      expect(loaded.weights.get(name)!.shape).toEqual(tensor.shape);
      expect(Buffer.from(loaded.weights.get(name)!.data.buffer).equals(Buffer.from(tensor.data.buffer))).toBe(true);
    }
  });

  it('follows the safetensors layout: u64 header length, space-padded JSON header, little-endian F32 data', () => {
    const weights = initialWeights('rnn', 3);
    const bytes = encodeWeights('rnn', weights);
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
    expect(header['__metadata__']).toMatchObject({ format: 'rosetta-weights', model: 'rnn' });
    const bias = header['dense.weight']!;
    expect(bias.dtype).toBe('F32');
    expect(bias.shape).toEqual([100, 2]);
    const first = new DataView(bytes.buffer).getFloat32(8 + headerLength + bias.data_offsets[0], true);
    expect(first).toBe(weights.get('dense.weight')!.data[0]);
  });

  it('rejects bad files with the file name and what is wrong', () => {
    const good = encodeWeights('rnn', initialWeights('rnn', 1));
    const decode = (bytes: Uint8Array, model: 'cnn' | 'rnn' = 'rnn') => () => decodeWeights(bytes, model, 'w.safetensors');
    expect(decode(good.subarray(0, 5))).toThrow(/^w\.safetensors: not a safetensors file: 5 bytes/);
    expect(decode(good.subarray(0, good.length - 4))).toThrow(/w\.safetensors: .*data_offsets|w\.safetensors: .*truncated/);
    expect(decode(good, 'cnn')).toThrow(/w\.safetensors: holds weights for model "rnn", not "cnn"/);
    const garbage = new Uint8Array(16);
    new DataView(garbage.buffer).setBigUint64(0, 8n, true);
    garbage.set(new TextEncoder().encode('{"a": ]'), 8);
    expect(decode(garbage)).toThrow(/w\.safetensors: not a safetensors file: the header is not UTF-8 JSON/);
    const edit = (change: (header: Record<string, any>) => void): Uint8Array => {
      const length = Number(new DataView(good.buffer).getBigUint64(0, true));
      const header = JSON.parse(new TextDecoder().decode(good.subarray(8, 8 + length)));
      change(header);
      const json = new TextEncoder().encode(JSON.stringify(header));
      const out = new Uint8Array(8 + json.length + good.length - 8 - length);
      new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
      out.set(json, 8);
      out.set(good.subarray(8 + length), 8 + json.length);
      return out;
    };
    expect(decode(edit((h) => (h['gru.bias'].dtype = 'F16')))).toThrow(/"gru\.bias" is F16, expected F32/);
    expect(decode(edit((h) => (h['gru.kernel'].shape = [300, 125])))).toThrow(/"gru\.kernel" has shape \[300,125\], expected \[125, 300\]/);
    expect(decode(edit((h) => delete h['dense.bias']))).toThrow(/lacks tensor "dense\.bias"/);
    expect(decode(edit((h) => (h['extra'] = h['dense.bias'])))).toThrow(/tensors the rnn model does not have: extra/);
  });

  it('names an unreadable file', async () => {
    await expect(loadWeights('/nonexistent/w.safetensors', 'cnn')).rejects.toThrow(/^\/nonexistent\/w\.safetensors: cannot read/);
  });
});
