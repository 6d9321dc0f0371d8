import * as vscode from 'vscode';
import type { Logger } from '../api/logger';

/** The FLORA output channel (log levels set by the user in the Output view). */
export function createLogger(): { channel: vscode.LogOutputChannel; logger: Logger } {
  const channel = vscode.window.createOutputChannel('FLORA', { log: true });
  const logger: Logger = {
    trace: (m) => channel.trace(m),
    debug: (m) => channel.debug(m),
    info: (m) => channel.info(m),
    warn: (m) => channel.warn(m),
    error: (m) => channel.error(m),
  };
  return { channel, logger };
}
