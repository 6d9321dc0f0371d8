import * as vscode from 'vscode';
import { redactingLogger, type Logger } from '../api/logger';

/**
 * The FLORA output channel (log levels set by the user in the Output view). Every line written
 * through `logger`, from any layer, passes the same redaction as the client's own lines: keys any
 * client has used, FLORA-shaped keys, Bearer tokens and Authorization values never reach the
 * channel. Write to the channel only through `logger`.
 */
export function createLogger(): { channel: vscode.LogOutputChannel; logger: Logger } {
  const channel = vscode.window.createOutputChannel('FLORA', { log: true });
  const logger = redactingLogger({
    trace: (m) => channel.trace(m),
    debug: (m) => channel.debug(m),
    info: (m) => channel.info(m),
    warn: (m) => channel.warn(m),
    error: (m) => channel.error(m),
  });
  return { channel, logger };
}
