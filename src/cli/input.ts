// Reading what the user gives the CLI on stdin: a whole stream, or a hidden line typed at a terminal.
import readline from 'node:readline';
import { Writable } from 'node:stream';

export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Asks for a line without echoing it (a password). */
export function askHidden(question: string): Promise<string> {
  process.stderr.write(question);
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  const prompt = readline.createInterface({ input: process.stdin, output: muted, terminal: true });
  return new Promise((resolve) => {
    prompt.question('', (answer) => {
      prompt.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}
