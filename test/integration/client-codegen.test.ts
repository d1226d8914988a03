/**
 * The committed client (client/src/gql/, client/src/hooks.ts, client/src/error-codes.ts) is what `npm run codegen` makes from
 * schema.graphql, client/operations/ and the server's error codes right now: codegen runs into a temporary folder and every
 * file must match. On a difference: run `npm run codegen` and commit the result.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ErrorCode as ServerErrorCode } from '../../src/common/errors';
import { ERROR_CODES, type ErrorCode, isErrorCode } from '../../client/src/error-codes';

const ROOT = path.join(__dirname, '..', '..');
const COMMITTED = path.join(ROOT, 'client', 'src');
const CODEGEN_BIN = path.join(ROOT, 'node_modules', '@graphql-codegen', 'cli', 'esm', 'bin.js');

function filesUnder(dir: string, base = dir): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory() ? filesUnder(path.join(dir, entry.name), base) : [path.relative(base, path.join(dir, entry.name))],
    )
    .sort();
}

describe('generated client', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cashii-codegen-'));
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  beforeAll(async () => {
    await promisify(execFile)(process.execPath, [CODEGEN_BIN, '--config', 'codegen.ts', '--silent'], {
      cwd: ROOT,
      env: { ...process.env, CODEGEN_OUTPUT_DIR: out },
      timeout: 60_000,
    });
  }, 60_000);

  it("is not stale against schema.graphql, client/operations and the server's error codes (else: npm run codegen)", () => {
    const generated = ['error-codes.ts', 'hooks.ts', ...filesUnder(path.join(out, 'gql')).map((file) => path.join('gql', file))];
    const committed = ['error-codes.ts', 'hooks.ts', ...filesUnder(path.join(COMMITTED, 'gql')).map((file) => path.join('gql', file))];
    expect(committed).toEqual(generated);
    const stale = generated.filter(
      (file) =>
        !fs.existsSync(path.join(COMMITTED, file)) ||
        fs.readFileSync(path.join(COMMITTED, file), 'utf8') !== fs.readFileSync(path.join(out, file), 'utf8'),
    );
    expect(stale).toEqual([]);
  });

  it('emits a manifest of every operation, keyed by sha256:<hex of the document>', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(COMMITTED, 'gql', 'persisted-documents.json'), 'utf8')) as Record<string, string>;
    const operations = Object.values(manifest).map((document) =>
      /\b(query|mutation|subscription) (\w+)/.exec(document)?.slice(1).join(' '),
    );
    expect(operations.sort()).toEqual([
      'mutation ConfirmPaymentReturn',
      'mutation CreateRemotePayment',
      'mutation RecheckPayment',
      'mutation ResolvePaymentReview',
      'query Order',
      'query Payment',
      'query Payments',
      'query ReviewQueue',
      'subscription PaymentStatusChanged',
    ]);
    for (const [hash, document] of Object.entries(manifest)) {
      expect(hash).toBe(`sha256:${createHash('sha256').update(document).digest('hex')}`);
    }
  });

  it("exports each document from one entry: the operators' (client/operations/back-office/) from back-office, the rest from core", () => {
    const documents = [
      ...fs.readFileSync(path.join(COMMITTED, 'gql', 'graphql.ts'), 'utf8').matchAll(/^export const (\w+(?:Document|FragmentDoc)) =/gm),
    ].map((match) => match[1]);
    const exported = (entry: string) =>
      documents.filter((name) =>
        new RegExp(`\\b${name}\\b`).test(fs.readFileSync(path.join(COMMITTED, entry), 'utf8').replace(/^export type[^;]*;/gms, '')),
      );
    const backOffice = fs
      .readdirSync(path.join(ROOT, 'client', 'operations', 'back-office'))
      .map(
        (file) =>
          `${/(?:query|mutation|subscription) (\w+)/.exec(fs.readFileSync(path.join(ROOT, 'client', 'operations', 'back-office', file), 'utf8'))![1]}Document`,
      );
    expect(exported('back-office.ts').sort()).toEqual(backOffice.sort());
    expect(exported('core.ts').sort()).toEqual(documents.filter((name) => !backOffice.includes(name)).sort());
  });

  it('names one hook per operation', () => {
    const hooks = fs.readFileSync(path.join(COMMITTED, 'hooks.ts'), 'utf8');
    const names = [...hooks.matchAll(/^export function (\w+)/gm)].map((match) => match[1]).sort();
    expect(names).toEqual([
      'useConfirmPaymentReturnMutation',
      'useCreateRemotePaymentMutation',
      'useOrderLazyQuery',
      'useOrderQuery',
      'usePaymentLazyQuery',
      'usePaymentQuery',
      'usePaymentStatusChangedSubscription',
      'usePaymentsLazyQuery',
      'usePaymentsQuery',
      'useRecheckPaymentMutation',
      'useResolvePaymentReviewMutation',
      'useReviewQueueLazyQuery',
      'useReviewQueueQuery',
    ]);
  });

  it("lists the server's ErrorCode, the HTTP layer's refusals and Apollo's own codes", () => {
    // Type-level: every code of src/common/error-codes.ts is a client ErrorCode (else this file does not compile).
    const asClientCode = (code: ServerErrorCode): ErrorCode => code;
    expect(asClientCode('ORDER_ALREADY_PAID')).toBe('ORDER_ALREADY_PAID');
    expect(ERROR_CODES).toEqual(
      expect.arrayContaining([
        'PAYLOAD_TOO_LARGE',
        'UNSUPPORTED_MEDIA_TYPE',
        'METHOD_NOT_ALLOWED',
        'TRUSTED_DOCUMENT_REQUIRED',
        'PERSISTED_QUERY_HASH_MISMATCH',
        'GRAPHQL_PARSE_FAILED',
        'GRAPHQL_VALIDATION_FAILED',
        'PERSISTED_QUERY_NOT_FOUND',
      ]),
    );
    expect(isErrorCode('BAD_USER_INPUT')).toBe(true);
    expect(isErrorCode('bad_user_input')).toBe(false);
  });
});
