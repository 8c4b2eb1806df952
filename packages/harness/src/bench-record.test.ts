import { describe, expect, it } from 'vitest';
import { BenchRecordError, parseBenchRecord, validateBenchRecord } from './bench-record.js';
import { sampleBenchRecord as sampleRecord } from './testing/bench-record.js';

describe('bench records', () => {
  it('round-trip through JSON', () => {
    const record = sampleRecord();
    expect(parseBenchRecord(JSON.stringify(record), 'm.json')).toEqual(record);
  });

  it('name the file and every problem when a record is not valid', () => {
    const broken = sampleRecord() as unknown as { models: { rows: { ratio?: unknown }[] }[]; format: string };
    broken.format = 'something-else';
    broken.models[0]!.rows[1]!.ratio = 'fast';
    expect(() => parseBenchRecord(JSON.stringify(broken), 'results/bench/m.json')).toThrow(
      /^results\/bench\/m\.json: not a valid bench record: .*format.*models\.0\.rows\.1/,
    );
    expect(() => parseBenchRecord('{ not json', 'results/bench/m.json')).toThrow(/results\/bench\/m\.json/);
    expect(() => validateBenchRecord(broken as never)).toThrow(BenchRecordError);
  });
});
