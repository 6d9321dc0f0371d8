// Finds a system Chromium/Chrome for playwright-core: we never download Playwright's own browsers
// (no internet on CI), so a distribution package has to be there.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

function candidates(): string[] {
  const fromEnv = [process.env.CHROMIUM_PATH, process.env.CHROME_PATH].filter(
    (p): p is string => typeof p === 'string' && p !== '',
  );
  switch (process.platform) {
    case 'darwin':
      return [
        ...fromEnv,
        '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
        '/Applications/Chromium.app/Contents/MacOS/Chromium',
        path.join(os.homedir(), 'Applications/Google Chrome.app/Contents/MacOS/Google Chrome'),
        path.join(os.homedir(), 'Applications/Chromium.app/Contents/MacOS/Chromium'),
      ];
    case 'win32': {
      const roots = [
        process.env.PROGRAMFILES,
        process.env['PROGRAMFILES(X86)'],
        process.env.LOCALAPPDATA,
      ].filter((p): p is string => typeof p === 'string' && p !== '');
      return [
        ...fromEnv,
        ...roots.flatMap((root) => [
          path.join(root, 'Google', 'Chrome', 'Application', 'chrome.exe'),
          path.join(root, 'Chromium', 'Application', 'chrome.exe'),
        ]),
      ];
    }
    default:
      return [
        ...fromEnv,
        '/usr/bin/chromium',
        '/usr/bin/chromium-browser',
        '/usr/bin/google-chrome',
        '/usr/bin/google-chrome-stable',
        '/snap/bin/chromium',
      ];
  }
}

/** Absolute path of a Chromium-family browser, or an error that says what to install. */
export function findChromium(): string {
  const explicit = process.env.CHROMIUM_PATH || process.env.CHROME_PATH;
  if (explicit && !isExecutable(explicit)) {
    throw new Error(`CHROMIUM_PATH/CHROME_PATH points to ${explicit}, which is not an executable file`);
  }
  const found = candidates().find(isExecutable);
  if (found) return found;
  const howTo: Record<string, string> = {
    linux:
      'Debian: apt-get install -y chromium fonts-liberation; Ubuntu: apt-get install -y chromium-browser ' +
      '(or install Google Chrome)',
    darwin: 'install Google Chrome (or: brew install --cask chromium)',
    win32: 'install Google Chrome',
  };
  return fail(
    'No Chromium or Chrome found for the browser-driven tests.\n' +
      `Looked at: ${candidates().join(', ')}.\n` +
      `Fix: ${howTo[process.platform] ?? 'install Chromium'}, or set CHROMIUM_PATH to its executable.`,
  );
}

function fail(message: string): never {
  throw new Error(message);
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Flags verified to run headless Debian Chromium as root in a container without a GPU. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
