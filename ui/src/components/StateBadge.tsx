// A slot's state in colour and words (never colour alone).
import type { SlotStatus } from '../../../src/sdk/schemas.js';

const WORDS: Record<SlotStatus['summary'], string> = {
  empty: 'empty',
  deploying: 'deploying',
  live: 'live',
  starting: 'starting',
  failed: 'failed',
  crashed: 'crashed',
  stopped: 'stopped',
};

export function StateBadge({ summary }: { summary: SlotStatus['summary'] }) {
  return <span className={`badge badge-${summary}`}>{WORDS[summary]}</span>;
}
