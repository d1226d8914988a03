/**
 * The typed client is a package an app installs: `npm pack` of the client workspace (its prepack
 * builds ES modules, CommonJS and declarations), installed into a fresh project outside the repository,
 * its entries type-checked there with tsc, its core entry run in plain Node (required and imported)
 * against a live BFF, Apollo's manifest read by @apollo/persisted-query-lists, and a bundle of
 * `isErrorCode` alone built with the repository's Vite and measured.
 * Everything is offline: the tarballs are local (graphql's too, packed from this repository), and the optional
 * peers and tools the project would install itself (@apollo/client, react, vite, ...) are linked from
 * this repository.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { mintToken, startStack, type TestStack } from '../support/stack';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');
const CLIENT = path.join(ROOT, 'client');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
/** Peers an app brings itself, linked from the repository's node_modules instead of downloaded. */
const LINKED_PEERS = ['@apollo/client', 'react', '@types/react', '@types/node', '@apollo/persisted-query-lists', 'vite'];
/** What a shop's bundle of `isErrorCode` alone may weigh (minified). */
const IS_ERROR_CODE_BUDGET_BYTES = 2048;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'node16',
    moduleResolution: 'node16',
    lib: ['ES2022', 'DOM'],
    types: ['node'],
    strict: true,
    outDir: 'out',
    skipLibCheck: true,
  },
  include: ['*.ts', '*.mts'],
};

/** Run against the live BFF with the core entry only; prints what it saw as JSON. */
const CHECK_SCRIPT = `
import { print } from 'graphql';
import * as core from '@cashii/bff-client';
import { ReviewQueueDocument, type ReviewQueueQuery } from '@cashii/bff-client/back-office';
import {
  CreateRemotePaymentDocument,
  type CreateRemotePaymentMutation,
  type CreateRemotePaymentMutationVariables,
  type ErrorCode,
  type PaymentStatus,
  confirmPaymentReturnInput,
  errorCodeOf,
  isErrorCode,
} from '@cashii/bff-client';

interface Response<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

async function create(input: CreateRemotePaymentMutationVariables['input']): Promise<Response<CreateRemotePaymentMutation>> {
  const response = await fetch(process.env.BFF_URL + '/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer ' + process.env.BFF_TOKEN },
    body: JSON.stringify({ query: print(CreateRemotePaymentDocument), variables: { input } satisfies CreateRemotePaymentMutationVariables }),
  });
  return (await response.json()) as Response<CreateRemotePaymentMutation>;
}

async function main(): Promise<void> {
  const redirectUrl = 'http://localhost:3000/checkout/return';
  const created = await create({ amount: 2500, currency: 'USD', note: 'Order 7', redirectUrl, idempotencyKey: 'client-package-1' });
  const payment = created.data?.createRemotePayment;
  const status: PaymentStatus | undefined = payment?.status;
  // @ts-expect-error amount is a number: the documents are typed, not any
  const wrong: string | undefined = payment?.amount;

  const refused = await create({ amount: 0, currency: 'USD', note: 'Order 8', redirectUrl });
  const code: unknown = refused.errors?.[0]?.extensions?.code;
  const known: ErrorCode | null = isErrorCode(code) ? code : null;

  const input = confirmPaymentReturnInput('?cashii_ref=r1&transaction_id=t1&status=paid&signature=s1');
  const loaded = Object.keys(require.cache).filter((file) => /node_modules[\\\\/](react|@apollo)[\\\\/]/.test(file));
  const queue: ReviewQueueQuery['reviewQueue']['edges'] = [];
  console.log(
    JSON.stringify({
      id: payment?.id ?? null,
      status: status ?? null,
      amount: payment?.amount ?? null,
      createErrors: created.errors ?? null,
      wrong: wrong ?? null,
      refusedCode: known,
      refusedData: refused.data ?? null,
      codeOf: errorCodeOf(refused.errors?.[0]),
      unknownIsCode: isErrorCode('NOT_A_CODE'),
      returnInput: input,
      loaded,
      coreFile: require.resolve('@cashii/bff-client'),
      coreHasBackOffice: 'ReviewQueueDocument' in core,
      backOffice: ReviewQueueDocument.definitions.map((definition) => ('name' in definition ? definition.name?.value : null)),
      queue: queue.length,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
`;

/** Type-checked only: the React entry's hooks and the Apollo entry's cache policies. */
const REACT_TYPES = `
import { InMemoryCache } from '@apollo/client';
import type { PaymentStatus } from '@cashii/bff-client';
import { typePolicies } from '@cashii/bff-client/apollo';
import { usePaymentQuery, usePaymentsQuery } from '@cashii/bff-client/react';

export const cache = new InMemoryCache({ typePolicies });

export function usePaymentStatus(id: string): PaymentStatus | undefined {
  const { data } = usePaymentQuery({ variables: { id } });
  return data?.payment?.status;
}

export function usePendingCount(): number | undefined {
  return usePaymentsQuery({ variables: { status: 'PENDING' } }).data?.payments.edges.length;
}

export function useWithoutId(): void {
  // @ts-expect-error the Payment query needs its id
  usePaymentQuery();
}
`;

/** The ESM build in plain Node: entries, Apollo's manifest through @apollo/persisted-query-lists, the other manifest. */
const ESM_CHECK = `
import { createRequire } from 'node:module';
import * as core from '@cashii/bff-client';
import { PaymentDocument, isErrorCode } from '@cashii/bff-client';
import { ReviewQueueDocument } from '@cashii/bff-client/back-office';
import { generatePersistedQueryIdsFromManifest } from '@apollo/persisted-query-lists';

const require = createRequire(import.meta.url);
const manifest = require('@cashii/bff-client/persisted-query-manifest.json');
const documents = require('@cashii/bff-client/persisted-documents.json');
const { generateHash } = generatePersistedQueryIdsFromManifest({ loadManifest: () => manifest });
console.log(
  JSON.stringify({
    coreFile: import.meta.resolve('@cashii/bff-client'),
    backOfficeFile: import.meta.resolve('@cashii/bff-client/back-office'),
    isCode: isErrorCode('BAD_USER_INPUT'),
    coreHasBackOffice: 'ReviewQueueDocument' in core,
    backOffice: ReviewQueueDocument.definitions[0].name.value,
    format: manifest.format,
    names: manifest.operations.map((operation) => operation.name),
    paymentId: await generateHash(PaymentDocument),
    manifestPaymentId: manifest.operations.find((operation) => operation.name === 'Payment').id,
    codegenKeys: Object.keys(documents).every((key) => /^sha256:[0-9a-f]{64}$/.test(key)),
  }),
);
`;

/** Type-checked only: the ESM entries as a Node ESM app sees them (import conditions, .d.ts of dist/esm). */
const ESM_TYPES = `
import { isErrorCode, type ErrorCode, type PaymentStatus } from '@cashii/bff-client';
import { ReviewQueueDocument, type ReviewQueueQueryVariables } from '@cashii/bff-client/back-office';

export const known: ErrorCode | null = isErrorCode('FORBIDDEN') ? 'FORBIDDEN' : null;
export const status: PaymentStatus = 'PAID';
export const variables: ReviewQueueQueryVariables = { first: 10 };
export const document = ReviewQueueDocument;
`;

/** Bundles each entry file with the repository's Vite (as a shop's production build would) and prints the sizes. */
const BUNDLE_SCRIPT = `
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'vite';

const entries = {
  'is-error-code': "import { isErrorCode } from '@cashii/bff-client';\\nexport const known = (value) => isErrorCode(value);\\n",
  payment: "import { PaymentDocument } from '@cashii/bff-client';\\nexport const document = PaymentDocument;\\n",
};
const sizes = {};
for (const [name, source] of Object.entries(entries)) {
  const entry = path.resolve('bundle-' + name + '.js');
  fs.writeFileSync(entry, source);
  const [output] = await build({
    root: process.cwd(),
    configFile: false,
    logLevel: 'silent',
    build: { write: false, minify: true, lib: { entry, formats: ['es'], fileName: name } },
  });
  const code = output.output.filter((chunk) => chunk.type === 'chunk').map((chunk) => chunk.code).join('');
  sizes[name] = { bytes: Buffer.byteLength(code), code };
}
console.log(JSON.stringify(sizes));
`;

interface CheckResult {
  id: string | null;
  status: string | null;
  amount: number | null;
  createErrors: unknown;
  wrong: unknown;
  refusedCode: string | null;
  refusedData: unknown;
  codeOf: string | null;
  unknownIsCode: boolean;
  returnInput: unknown;
  loaded: string[];
  coreFile: string;
  coreHasBackOffice: boolean;
  backOffice: string[];
  queue: number;
}

describe('the client package (npm pack, installed into a fresh project)', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cashii-client-package-'));
  const project = path.join(work, 'app');
  let packed: { filename: string; files: Array<{ path: string }> };
  let stack: TestStack;

  beforeAll(async () => {
    const [pack, started] = await Promise.all([
      run('npm', ['pack', '--json', '--pack-destination', work], { cwd: CLIENT, timeout: 50_000 }),
      startStack('sqlite'),
    ]);
    stack = started;
    packed = (JSON.parse(pack.stdout) as Array<typeof packed>)[0];
    // The client's one dependency (types only) and its peer graphql, packed from the repository so the
    // install needs no registry and no metadata in npm's cache (a fresh machine's cache holds only
    // what `npm ci` fetched: tarballs, no package documents to resolve a peer with).
    const dependencies = await run(
      'npm',
      [
        'pack',
        '--json',
        '--pack-destination',
        work,
        path.join(ROOT, 'node_modules', '@graphql-typed-document-node', 'core'),
        path.join(ROOT, 'node_modules', 'graphql'),
      ],
      {
        cwd: work,
        timeout: 20_000,
      },
    );
    const dependencyFiles = (JSON.parse(dependencies.stdout) as Array<{ filename: string }>).map((file) => path.join(work, file.filename));

    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'shop-app', version: '1.0.0', private: true }));
    await run(
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', path.join(work, packed.filename), ...dependencyFiles],
      { cwd: project, timeout: 30_000 },
    );
    for (const peer of LINKED_PEERS) {
      const target = path.join(project, 'node_modules', peer);
      if (fs.existsSync(target)) continue;
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.symlinkSync(path.join(ROOT, 'node_modules', peer), target, 'dir');
    }
    fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
    fs.writeFileSync(path.join(project, 'check.ts'), CHECK_SCRIPT);
    fs.writeFileSync(path.join(project, 'react-types.ts'), REACT_TYPES);
    fs.writeFileSync(path.join(project, 'esm-types.mts'), ESM_TYPES);
    fs.writeFileSync(path.join(project, 'esm-check.mjs'), ESM_CHECK);
    fs.writeFileSync(path.join(project, 'bundle.mjs'), BUNDLE_SCRIPT);
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('is versioned with the BFF and ships ES modules, CommonJS, declarations and both manifests, not sources', () => {
    const root = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string; workspaces: string[] };
    const client = JSON.parse(fs.readFileSync(path.join(CLIENT, 'package.json'), 'utf8')) as {
      version: string;
      sideEffects: unknown;
      exports: Record<string, unknown>;
    };
    expect(client.version).toBe(root.version);
    expect(root.workspaces).toContain('client');
    expect(client.sideEffects).toBe(false);
    const files = packed.files.map((file) => file.path);
    for (const entry of ['core', 'back-office', 'react', 'apollo']) {
      for (const build of ['esm', 'cjs']) {
        expect(files).toEqual(expect.arrayContaining([`dist/${build}/${entry}.js`, `dist/${build}/${entry}.d.ts`]));
      }
      const name = entry === 'core' ? '.' : `./${entry}`;
      expect(client.exports[name]).toEqual({
        import: { types: `./dist/esm/${entry}.d.ts`, default: `./dist/esm/${entry}.js` },
        require: { types: `./dist/cjs/${entry}.d.ts`, default: `./dist/cjs/${entry}.js` },
      });
    }
    expect(files).toEqual(expect.arrayContaining(['dist/persisted-documents.json', 'dist/persisted-query-manifest.json']));
    expect(files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
  });

  it('type-checks an app that imports the core, back-office, React and Apollo entries, as CommonJS and as ESM', async () => {
    const result = await run(process.execPath, [TSC, '-p', project], { cwd: project, timeout: 40_000 }).catch(
      (error: { stdout?: string; message: string }) => ({ stdout: error.stdout ?? error.message }),
    );
    expect(result.stdout).toBe('');
    expect(fs.existsSync(path.join(project, 'out', 'check.js'))).toBe(true);
  }, 45_000);

  it('creates a payment with the typed document and reads a refusal as an ErrorCode, in Node without React', async () => {
    const { stdout } = await run(process.execPath, [path.join(project, 'out', 'check.js')], {
      cwd: project,
      timeout: 20_000,
      env: { ...process.env, BFF_URL: stack.app.url, BFF_TOKEN: await mintToken('package-user') },
    });
    const result = JSON.parse(stdout) as CheckResult;
    expect(stack.app.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(result.createErrors).toBeNull();
    expect(result).toMatchObject({
      status: 'PENDING',
      amount: 2500,
      refusedCode: 'BAD_USER_INPUT',
      codeOf: 'BAD_USER_INPUT',
      unknownIsCode: false,
    });
    expect(result.id).toMatch(/^\d{16}$/);
    expect(result.refusedData).toBeNull();
    expect(result.returnInput).toEqual({ reference: 'r1', transactionId: 't1', status: 'paid', signature: 's1' });
    // The core entry loads neither React nor Apollo Client.
    expect(result.loaded).toEqual([]);
    // require() gets the CommonJS build; the operators' documents are their own entry.
    expect(result.coreFile).toMatch(/[\\/]dist[\\/]cjs[\\/]core\.js$/);
    expect(result.coreHasBackOffice).toBe(false);
    expect(result.backOffice).toEqual(['ReviewQueue']);
  }, 25_000);

  it("imports the ES modules in Node, and Apollo's manifest gives generatePersistedQueryIdsFromManifest its ids", async () => {
    const { stdout } = await run(process.execPath, [path.join(project, 'esm-check.mjs')], { cwd: project, timeout: 20_000 });
    const result = JSON.parse(stdout) as Record<string, unknown>;
    expect(result).toMatchObject({
      isCode: true,
      coreHasBackOffice: false,
      backOffice: 'ReviewQueue',
      format: 'apollo-persisted-query-manifest',
      codegenKeys: true,
    });
    expect(result.coreFile).toBe(pathToFileURL(path.join(project, 'node_modules', '@cashii', 'bff-client', 'dist', 'esm', 'core.js')).href);
    expect(result.backOfficeFile).toMatch(/\/dist\/esm\/back-office\.js$/);
    expect(result.names).toEqual(expect.arrayContaining(['Payment', 'CreateRemotePayment', 'ReviewQueue']));
    expect(result.paymentId).toBe(result.manifestPaymentId);
    expect(result.paymentId).toMatch(/^[0-9a-f]{64}$/);
  }, 25_000);

  it(`bundles isErrorCode alone under ${IS_ERROR_CODE_BUDGET_BYTES} bytes with Vite, without any document`, async () => {
    const { stdout } = await run(process.execPath, [path.join(project, 'bundle.mjs')], { cwd: project, timeout: 60_000 });
    const sizes = JSON.parse(stdout) as Record<'is-error-code' | 'payment', { bytes: number; code: string }>;
    expect(sizes['is-error-code'].bytes).toBeLessThan(IS_ERROR_CODE_BUDGET_BYTES);
    expect(sizes['is-error-code'].code).toContain('IDEMPOTENCY_KEY_REUSED');
    expect(sizes['is-error-code'].code).not.toMatch(/Document|PaymentFields|__meta__/);
    // One document brings itself, not the others (nor the operators' ones).
    expect(sizes.payment.code).toContain('"Payment"');
    expect(sizes.payment.code).not.toMatch(/ReviewQueue|CreateRemotePayment|PaymentStatusChanged/);
  }, 65_000);
});
