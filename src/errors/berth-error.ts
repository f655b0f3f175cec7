// BerthError: the one error type of berth, with a stable code, a message naming the value, and a remedy.
import { errorCatalogue, type ErrorCode } from './codes.js';

export interface BerthErrorOptions {
  remedy?: string;
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class BerthError extends Error {
  readonly code: ErrorCode;
  readonly remedy: string;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: BerthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BerthError';
    this.code = code;
    this.remedy = options.remedy ?? errorCatalogue[code].remedy;
    this.details = options.details;
  }

  get status(): number {
    return errorCatalogue[this.code].status;
  }

  toJSON(): { code: ErrorCode; message: string; remedy: string; details?: Record<string, unknown> } {
    return { code: this.code, message: this.message, remedy: this.remedy, ...(this.details ? { details: this.details } : {}) };
  }
}

export function isBerthError(error: unknown): error is BerthError {
  return error instanceof BerthError;
}

/** Wraps anything thrown into a BerthError, keeping the original as cause. */
export function toBerthError(error: unknown): BerthError {
  if (isBerthError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new BerthError('ERR_INTERNAL', `Unexpected failure: ${message}`, { cause: error });
}
