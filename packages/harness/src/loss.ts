/**
 * Softmax cross-entropy of logits a framework handed back, in float64: one number every
 * framework's notebook prints for the same weights and batch, whatever its own loss op.
 */
export function meanCrossEntropy(logits: Float32Array, labels: ArrayLike<number>): number {
  const rows = labels.length;
  if (rows === 0 || logits.length % rows !== 0) {
    throw new RangeError(`meanCrossEntropy: ${logits.length} logits do not split into ${rows} rows`);
  }
  const classes = logits.length / rows;
  let sum = 0;
  for (let i = 0; i < rows; i++) {
    const row = logits.subarray(i * classes, (i + 1) * classes);
    const max = Math.max(...row);
    let exp = 0;
    for (const value of row) exp += Math.exp(value - max);
    const label = labels[i]!;
    if (!Number.isInteger(label) || label < 0 || label >= classes) throw new RangeError(`meanCrossEntropy: label ${label} of row ${i} is not one of ${classes} classes`);
    sum += Math.log(exp) + max - row[label]!;
  }
  return sum / rows;
}
