// What a newcomer without root sees when the README's commands need Debian packages: one stop,
// at once, with the exact command to run; as root with apt-get, no stop (they are installed).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cannotInstall } from '../runner/systemPackages';

const WHY = "code-server's one-time install";

test('without root, the run stops with the exact sudo apt-get line for the missing packages', () => {
  const message = cannotInstall(['build-essential', 'ripgrep'], WHY, { root: false, aptGet: true });
  assert.ok(message, 'a non-root run must stop');
  assert.match(message, /code-server's one-time install needs these packages: build-essential, ripgrep\./);
  assert.ok(
    message.includes('sudo apt-get update && sudo apt-get install -y build-essential ripgrep\n') ||
      message.endsWith('sudo apt-get update && sudo apt-get install -y build-essential ripgrep'),
    message,
  );
});

test('as root with apt-get the packages are installed instead of stopping', () => {
  assert.equal(cannotInstall(['chromium'], WHY, { root: true, aptGet: true }), undefined);
});

test('without apt-get (not Debian-like) it names the packages instead of an apt-get line', () => {
  const message = cannotInstall(['chromium'], WHY, { root: true, aptGet: false });
  assert.ok(message);
  assert.doesNotMatch(message, /apt-get/);
  assert.match(message, /chromium/);
});
