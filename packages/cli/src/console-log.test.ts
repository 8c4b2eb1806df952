import { describe, expect, it } from 'vitest';
import { consoleLog } from './console-log.js';

function stream(isTTY: boolean, columns = 0): NodeJS.WriteStream & { text: string } {
  const fake = { text: '', isTTY, columns, write: (chunk: string) => ((fake.text += chunk), true) };
  return fake as unknown as NodeJS.WriteStream & { text: string };
}

describe('consoleLog', () => {
  it('rewrites the live line in place on a terminal and clears it before a lasting line', () => {
    const out = stream(true);
    const err = stream(true, 30);
    const log = consoleLog(out, err);
    log.status('epoch 1/2 step 1/10 100 ms/step, about 1.9 s left');
    log.status('epoch 1/2 step 9/10');
    log.info('epoch 1/2: 1.0 s');
    expect(err.text).toBe('epoch 1/2 step 1/10 100 ms/st\r\x1b[2Kepoch 1/2 step 9/10\r\x1b[2K');
    expect(out.text).toBe('epoch 1/2: 1.0 s\n');
    expect(log.statusIntervalMs).toBe(500);
  });

  it('writes plain lines, rarely, when stderr is a file or a CI log', () => {
    const out = stream(false);
    const err = stream(false);
    const log = consoleLog(out, err);
    log.status('epoch 1/2 step 1/10');
    log.info('done');
    expect(err.text).toBe('epoch 1/2 step 1/10\n');
    expect(out.text).toBe('done\n');
    expect(log.statusIntervalMs).toBe(30_000);
  });
});
