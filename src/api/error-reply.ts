// Turns anything thrown in a route into {code, message, remedy?, details?} with the right status; never a stack trace.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { BerthError } from '../errors/berth-error.js';
import type { Logger } from '../log/logger.js';

export function toReplyError(error: unknown): BerthError {
  if (error instanceof BerthError) return error;
  if (error instanceof ZodError) {
    const problems = error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
    const fields = error.issues.map((issue) => issue.path.join('.'));
    return new BerthError('ERR_BAD_REQUEST', `The request is not valid: ${problems.join('; ')}.`, { details: { problems, fields } });
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.statusCode === 413) return new BerthError('ERR_BAD_REQUEST', `The request body is too large: ${fastifyError.message}.`);
  if (fastifyError.statusCode && fastifyError.statusCode < 500) {
    return new BerthError('ERR_BAD_REQUEST', `The request is not valid: ${fastifyError.message}.`);
  }
  return new BerthError('ERR_INTERNAL', 'berth failed while handling this request.', { cause: error });
}

export function createErrorHandler(logger: Logger) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const replyError = toReplyError(error);
    if (replyError.code === 'ERR_INTERNAL') logger.error({ err: error, url: request.url }, 'request failed');
    void reply.status(replyError.status).send(replyError.toJSON());
  };
}
