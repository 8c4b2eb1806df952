import { describe, expect, it } from 'vitest';
import { ChromiumMissingError, launchChromium } from './browser.js';

describe('launchChromium', () => {
  it('fails, naming the package to install, where Chromium is missing', async () => {
    const launch = launchChromium({ executablePath: '/nonexistent/chromium' });
    await expect(launch).rejects.toThrow(ChromiumMissingError);
    await expect(launchChromium({ executablePath: '/nonexistent/chromium' })).rejects.toThrow(
      '/nonexistent/chromium not found: the page tests run in Debian\'s Chromium; install it with `apt-get install -y chromium`',
    );
  });
});
