/**
 * The typed client is a package an app installs: `npm pack` of the client workspace (its prepack
 * builds JavaScript and declarations), installed into a fresh project outside the repository, its
 * entries type-checked there with tsc, and its core entry run in plain Node against a live BFF.
 * Everything is offline: the tarballs are local, graphql comes from npm's cache, and the optional
 * peers the project would install itself (@apollo/client, react) are linked from this repository.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { mintToken, startStack, type TestStack } from '../support/stack';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');
const CLIENT = path.join(ROOT, 'client');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
/** Peers an app brings itself, linked from the repository's node_modules instead of downloaded. */
const LINKED_PEERS = ['@apollo/client', 'react', '@types/react', '@types/node'];

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
  include: ['*.ts'],
};

/** Run against the live BFF with the core entry only; prints what it saw as JSON. */
const CHECK_SCRIPT = `
import { print } from 'graphql';
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
    // The client's one dependency (types only), packed from the repository so the install needs no registry.
    const dependency = await run(
      'npm',
      ['pack', '--json', '--pack-destination', work, path.join(ROOT, 'node_modules', '@graphql-typed-document-node', 'core')],
      {
        cwd: work,
        timeout: 20_000,
      },
    );
    const dependencyFile = (JSON.parse(dependency.stdout) as Array<{ filename: string }>)[0].filename;

    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'shop-app', version: '1.0.0', private: true }));
    await run(
      'npm',
      [
        'install',
        '--offline',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        path.join(work, packed.filename),
        path.join(work, dependencyFile),
      ],
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
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('is versioned with the BFF and ships built JavaScript and declarations, not sources', () => {
    const root = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string; workspaces: string[] };
    const client = JSON.parse(fs.readFileSync(path.join(CLIENT, 'package.json'), 'utf8')) as { version: string };
    expect(client.version).toBe(root.version);
    expect(root.workspaces).toContain('client');
    const files = packed.files.map((file) => file.path);
    for (const entry of ['core', 'react', 'apollo'])
      expect(files).toEqual(expect.arrayContaining([`dist/${entry}.js`, `dist/${entry}.d.ts`]));
    expect(files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
  });

  it('type-checks an app that imports the core, React and Apollo entries', async () => {
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
  }, 25_000);
});
