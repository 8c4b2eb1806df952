/**
 * The child process of one bench measurement (measure.ts forks it): resolves the framework
 * (built-ins and ROSETTA_FRAMEWORKS plugins, from the inherited environment), measures, and
 * sends the result over the IPC channel. It exits when done: a backend may leave threads
 * that would keep the process alive.
 */
import { benchTraining, profileTraining, resolveFramework } from '@rosetta/harness';
import type { ChildMessage, MeasureRequest, PeakRequest } from './measure.js';

function send(message: ChildMessage): void {
  process.send!(message, () => process.exit(0));
}

try {
  const request = JSON.parse(process.argv[2] ?? '') as MeasureRequest | PeakRequest;
  const framework = await resolveFramework(request.framework);
  if ('peak' in request) {
    if (framework.peak === undefined) throw new Error(`${framework.name} measures no peak`);
    send({ result: await framework.peak() });
  } else {
    send({ result: await (request.profile ? profileTraining : benchTraining)(framework, request.options) });
  }
} catch (error) {
  const stack = process.env['ROSETTA_DEBUG'] && error instanceof Error ? `\n${error.stack}` : '';
  send({ error: `${error instanceof Error ? error.message : String(error)}${stack}` });
}
