// One finding of a doctor (`berth doctor`, `berth convex doctor`): what was checked, the verdict, what was seen, and
// what to do about it. The shape is the API's (sdk/schemas findingSchema).
import type { Finding } from '../sdk/schemas.js';

export type { Finding };

export const ok = (check: string, message: string): Finding => ({ check, verdict: 'ok', message, remedy: null });
export const warn = (check: string, message: string, remedy: string): Finding => ({ check, verdict: 'warn', message, remedy });
export const fail = (check: string, message: string, remedy: string): Finding => ({ check, verdict: 'fail', message, remedy });
