// Bearer-token auth of the admin API: the CLI reads the token from a 0600 file under BERTH_HOME.
import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { BerthError } from '../errors/berth-error.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

export function createTokenCheck(token: string) {
  const expected = digest(token);
  return (request: FastifyRequest): void => {
    const header = request.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : '';
    // Compare digests so the comparison takes the same time whatever the length of the guess.
    if (!given || !timingSafeEqual(digest(given), expected)) {
      throw new BerthError('ERR_AUTH_REQUIRED', 'This request has no valid berth token.');
    }
  };
}
