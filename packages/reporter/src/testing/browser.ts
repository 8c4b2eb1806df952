/**
 * Headless Chromium for the page tests: Debian's `chromium` package, driven by
 * playwright-core, which downloads no browser of its own. The flags keep it from calling
 * home (component updates, sync, field trials), which an offline CI machine refuses and a
 * developer's machine should not do in a test; each launch gets a fresh profile.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export class ChromiumMissingError extends Error {
  override readonly name = 'ChromiumMissingError';
}

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Fails, never skips, without Chromium: .ci/run installs it, so a missing one is a broken setup. */
export async function launchChromium(options: { viewport?: { width: number; height: number }; executablePath?: string } = {}): Promise<Browser> {
  const { viewport = { width: 1600, height: 1000 }, executablePath = CHROMIUM } = options;
  if (!existsSync(executablePath)) {
    throw new ChromiumMissingError(`${executablePath} not found: the page tests run in Debian's Chromium; install it with \`apt-get install -y chromium\` (.ci/run does)`);
  }
  const profile = await mkdtemp(join(tmpdir(), 'rosetta-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: ARGS, viewport });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
