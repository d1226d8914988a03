// The memory attack of issue 17 (item 6), against the BFF as `npm start` runs it: compiled, with
// the start script's Node flags, on a fresh SQLite file with the built-in simulator and development
// authentication (any guest can do this). One payment with 8 KB of metadata, paid, then distinct
// 30-alias `payment(id)` reads (each answer about 255 KB), and RSS of the server sampled throughout.
//
//   node -r @swc-node/register bench/memory-attack.ts [--requests 10000] [--concurrency 8] [--aliases 30] [--pending]
//
// --aliases 15 makes answers of about 120 KiB. --node-flag=<flag> adds a Node flag (e.g. --trace-gc);
// --env KEY=VALUE (repeatable) adds to the BFF's environment, for an experiment.
//
// Exits non-zero when the server dies, any request fails, or RSS reaches 200 MiB.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildForChildren } from './build';
import { productionNodeFlags } from './node-flags';
import { SMAPS_GROUPS, type SmapsBreakdown, parseSmaps } from './soak-smaps';

const ROOT = path.join(__dirname, '..');
const RSS_LIMIT_MIB = 200;
/** Few fields: each alias shows the 8 KB of metadata. */
const FIELDS = 'id status metadata';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

/** The process's resident set in MiB; 0 once it has exited. */
function rssMiB(pid: number): number {
  let status = '';
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return 0;
  }
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : 0;
}

/** What holds the process's RSS (V8's pages, malloc, other anonymous memory, files), in MiB; null once it has exited. */
function smapsMiB(pid: number): SmapsBreakdown | null {
  try {
    const kib = parseSmaps(fs.readFileSync(`/proc/${pid}/smaps`, 'utf8'));
    return Object.fromEntries(Object.entries(kib).map(([group, value]) => [group, value / 1024])) as SmapsBreakdown;
  } catch {
    return null;
  }
}

function describeSmaps(mib: SmapsBreakdown | null): string {
  return mib === null ? 'exited' : SMAPS_GROUPS.map((group) => `${group} ${mib[group].toFixed(1)}`).join(', ');
}

/** Starts the compiled BFF and resolves with its GraphQL URL once it logs that it is ready. */
function startBff(entry: string, dataDir: string): Promise<{ child: ChildProcess; url: string; logs: () => string }> {
  // Extra flags for a diagnosis (e.g. --node-flag=--trace-gc), after the production ones.
  const extra = process.argv.filter((arg) => arg.startsWith('--node-flag=')).map((arg) => arg.slice('--node-flag='.length));
  const flags = [...productionNodeFlags(), ...extra];
  const env = Object.fromEntries(
    process.argv.flatMap((arg, i) => (process.argv[i - 1] === '--env' && arg.includes('=') ? [arg.split(/=(.*)/s, 2)] : [])),
  ) as Record<string, string>;
  if (Object.keys(env).length > 0) console.log(`extra environment: ${JSON.stringify(env)}`);
  const child = spawn(process.execPath, [...flags, entry], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: `sqlite:${path.join(dataDir, 'bff.sqlite')}`,
      PORT: '0',
      CASHII_SIMULATOR_PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
    if (process.env.ATTACK_SHOW_OUTPUT === '1') process.stderr.write(chunk);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  console.log(`started: node ${flags.join(' ')} ${path.relative(ROOT, entry)} (pid ${child.pid})`);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the BFF did not start in 60 s:\n${output}`)), 60_000);
    const poll = setInterval(() => {
      const ready = /GraphQL API ready at (\S+\/graphql)/.exec(output);
      if (ready) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve({ child, url: ready[1], logs: () => output });
      }
    }, 50);
    child.once('exit', (code, signal) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`the BFF exited with ${signal ?? code} before it was ready:\n${output}`));
    });
  });
}

async function gql(url: string, query: string, variables: Record<string, unknown>): Promise<{ status: number; text: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-dev-user': 'guest-attacker' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, text: await response.text() };
}

/** A paid (or, with --pending, pending) payment with 8 KB of metadata. */
async function preparePayment(url: string, pay: boolean): Promise<string> {
  const metadata = { blob: 'x'.repeat(8 * 1024 - 20) };
  const created = await gql(url, `mutation ($input: CreateRemotePaymentInput!) { createRemotePayment(input: $input) { id paymentUrl } }`, {
    input: { amount: 1000, currency: 'SYP', note: 'memory attack', metadata, redirectUrl: 'http://localhost:3000/checkout/return' },
  });
  const payment = (JSON.parse(created.text) as { data?: { createRemotePayment?: { id: string; paymentUrl: string } } }).data
    ?.createRemotePayment;
  if (!payment) throw new Error(`create failed: ${created.status} ${created.text.slice(0, 500)}`);
  if (pay) {
    const page = await fetch(payment.paymentUrl);
    const html = await page.text();
    const form = /<form method="post" action="([^"]+)">/.exec(html);
    if (!form) throw new Error('no form on the simulator page');
    const hidden = Object.fromEntries([...html.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]));
    await fetch(new URL(form[1], payment.paymentUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...hidden, action: 'pay' }).toString(),
      redirect: 'manual',
    });
    // The BFF learns it at its next confirmation with Cashii (a read once STATUS_TTL_MS has passed).
    for (let tries = 0; tries < 50; tries++) {
      const read = await gql(url, 'query($id:ID!){payment(id:$id){status}}', { id: payment.id });
      if (read.text.includes('"PAID"')) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return payment.id;
}

/** Request `n`'s document: 30 aliases named after n, so no two requests share a cache key. */
function attackDocument(n: number, aliases = option('aliases', 30)): string {
  const fields = Array.from({ length: aliases }, (_, i) => `r${n}_${i}:payment(id:$id){${FIELDS}}`);
  return `query($id:ID!){${fields.join(' ')}}`;
}

async function main(): Promise<void> {
  const requests = option('requests', 10_000);
  const concurrency = option('concurrency', 8);
  const pending = process.argv.includes('--pending');
  const build = await buildForChildren(ROOT);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashii-memory-attack-'));
  let child: ChildProcess | null = null;
  try {
    const bff = await startBff(build.entry('src/main.ts'), dataDir);
    child = bff.child;
    const pid = child.pid!;
    const exit = { died: null as string | null };
    child.once('exit', (code, signal) => (exit.died = `exited with ${signal ?? code}`));

    const id = await preparePayment(bff.url, !pending);
    const sample = await gql(bff.url, attackDocument(requests), { id });
    const status = /"status":"(\w+)"/.exec(sample.text)?.[1];
    if (sample.status !== 200 || status === undefined)
      throw new Error(`the first read failed: ${sample.status} ${sample.text.slice(0, 500)}`);
    console.log(`payment ${id} (${status}); one answer is ${(Buffer.byteLength(sample.text) / 1024).toFixed(0)} KiB`);
    console.log(`RSS at start: ${rssMiB(pid).toFixed(1)} MiB; ${requests} requests, ${concurrency} at a time`);

    let next = 0;
    let done = 0;
    let errors = 0;
    let firstError = null as string | null;
    console.log(`what holds it (MiB): ${describeSmaps(smapsMiB(pid))}`);
    let peak = rssMiB(pid);
    // At the peak, what held it: smaps is read (a walk of the page tables) only when RSS sets a new peak.
    let peakSmaps: SmapsBreakdown | null = null;
    const started = Date.now();
    const sampler = setInterval(() => {
      if (exit.died !== null) return;
      const rss = rssMiB(pid);
      if (rss > peak) {
        peak = rss;
        peakSmaps = smapsMiB(pid) ?? peakSmaps;
      }
    }, 100);
    const reportEvery = Math.max(1, Math.floor(requests / 10));
    const worker = async (): Promise<void> => {
      while (next < requests && exit.died === null) {
        const n = next++;
        try {
          const answer = await gql(bff.url, attackDocument(n), { id });
          if (answer.status !== 200 || answer.text.includes('"errors"'))
            throw new Error(`HTTP ${answer.status}: ${answer.text.slice(0, 300)}`);
        } catch (error) {
          errors++;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
        done++;
        if (done % reportEvery === 0 && exit.died === null) {
          const rss = rssMiB(pid);
          peak = Math.max(peak, rss);
          console.log(
            `${String(done).padStart(6)} requests  ${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s  RSS ${rss.toFixed(1)} MiB  errors ${errors}`,
          );
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    clearInterval(sampler);
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `\n${done} requests in ${seconds.toFixed(1)} s (${(done / seconds).toFixed(0)}/s); errors ${errors}; peak RSS ${peak.toFixed(1)} MiB` +
        (exit.died === null ? `; RSS now ${rssMiB(pid).toFixed(1)} MiB` : `; the BFF ${exit.died}`),
    );
    if (peakSmaps) console.log(`what held it near the peak (MiB): ${describeSmaps(peakSmaps)}`);
    if (firstError) console.log(`first error: ${firstError}`);
    if (exit.died !== null) console.log(`last output of the BFF:\n${bff.logs().slice(-3000)}`);
    const ok = exit.died === null && errors === 0 && done === requests && peak < RSS_LIMIT_MIB;
    console.log(ok ? `PASS: no error, RSS stayed under ${RSS_LIMIT_MIB} MiB` : `FAIL`);
    process.exitCode = ok ? 0 : 1;
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child!.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    build.remove();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
