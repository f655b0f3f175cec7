// Measuring helpers for benchmarks: wrk runs, CPU and memory of processes from /proc, time to first HTTP answer.
import { execFile, spawn } from 'node:child_process';
import http from 'node:http';
import { promisify } from 'node:util';
import { CLOCK_TICKS_PER_SECOND, readProcStat } from '../../src/supervisor/proc.js';

const run = promisify(execFile);

export interface WrkResult {
  requestsPerSecond: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

function toMs(value: string): number {
  const match = /^([\d.]+)(us|ms|s)$/.exec(value.trim());
  if (!match) return NaN;
  const number = Number(match[1]);
  return match[2] === 'us' ? number / 1000 : match[2] === 's' ? number * 1000 : number;
}

export async function runWrk(url: string, seconds: number, connections = 32): Promise<WrkResult> {
  const { stdout } = await run('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', url], { maxBuffer: 1 << 20 });
  return parseWrk(stdout);
}

/** wrk running until stopped (SIGINT makes it print its summary): its connections are kept alive and never idle. */
export function startWrk(url: string, connections: number) {
  const child = spawn('wrk', ['-t1', `-c${connections}`, '-d3600s', '--latency', url], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  return {
    async stop(): Promise<WrkResult> {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
      return parseWrk(stdout);
    },
  };
}

function parseWrk(stdout: string): WrkResult {
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  return {
    requestsPerSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? 0),
    requests: Number(/(\d+) requests in/.exec(stdout)?.[1] ?? 0),
    // Anchored to the start of a line: the thread stats' "+/- Stdev" column (e.g. 98.99%) ends in the same digits.
    p50Ms: toMs(/^\s+50%\s+(\S+)/m.exec(stdout)?.[1] ?? ''),
    p99Ms: toMs(/^\s+99%\s+(\S+)/m.exec(stdout)?.[1] ?? ''),
    errors: errors ? errors.slice(1).reduce((sum, value) => sum + Number(value), 0) : 0,
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0),
  };
}

/** CPU seconds used so far by these processes (user + system). */
export function cpuSeconds(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + (readProcStat(pid)?.cpuTicks ?? 0), 0) / CLOCK_TICKS_PER_SECOND;
}

export function rssMb(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + (readProcStat(pid)?.rssBytes ?? 0), 0) / 1024 / 1024;
}

function getOnce(url: string): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get(url, { agent: false, timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', () => resolve(0));
    request.on('timeout', () => request.destroy());
  });
}

/** Polls every 2 ms until the URL answers 200; returns when it did (performance.now()). */
export async function waitForOk(url: string, timeoutMs = 30_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if ((await getOnce(url)) === 200) return performance.now();
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function printTable(header: string[], rows: Array<Array<string | number>>): void {
  const cells = rows.map((row) => row.map(String));
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((row) => row[column].length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ');
  console.log(line(header));
  for (const row of cells) console.log(line(row));
}
