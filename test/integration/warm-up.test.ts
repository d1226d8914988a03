/**
 * The warm-up before a replica takes traffic (src/graphql/warm-up.ts): every query of the shipped
 * client's manifest runs once per viewer kind before `listen`, with made-up variables that pass
 * validation, and it neither calls Cashii nor writes, on a database that already holds payments.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { GraphQLNonNull, Kind, type OperationDefinitionNode, buildSchema, parse, typeFromAST, validate } from 'graphql';
import { startApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { TrustedDocuments } from '../../src/graphql/trusted-documents';
import { warmQueries } from '../../src/graphql/warm-up';
import { describeEachDatabase } from '../support/database';
import { PaymentOrder } from '../../src/payments/store/payment-entity';
import { CREATE, type TestStack, actOnPaymentPage, cashiiEnv, mintToken, startStack, validInput } from '../support/stack';

/** The documents the BFF trusts by default: the client's two manifests (the preset's, and Apollo's with `__typename`). */
const TRUSTED = TrustedDocuments.fromFile(loadConfig({ NODE_ENV: 'test' }).graphql.trustedDocumentsFile, false);
const QUEUE = `query { reviewQueue(first: 10) { edges { node { payment { id } } } } }`;
/** The schema as clients see it (the printed SDL, checked against the running one by schema.test.ts). */
const SCHEMA = buildSchema(fs.readFileSync(path.join(__dirname, '..', '..', 'schema.graphql'), 'utf8'));

describeEachDatabase('warm-up', (target) => {
  let stack: TestStack;
  beforeAll(async () => {
    // No reconciler: nothing but the warm-up may touch the payments of the second test.
    stack = await startStack(target, { RECONCILER_ENABLED: 'false' }, { warmUpBudgetMs: 60_000 });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('runs every query of the client manifest, for a customer and an operator, before the server listens', () => {
    const { queries, skipped } = warmQueries(SCHEMA, TRUSTED.documents());
    const names = queries.map((query) => query.operationName).sort();
    expect(names).toEqual(expect.arrayContaining(['Order', 'Payment', 'Payments']));
    expect(skipped).toBe(0);
    for (const query of queries) {
      const operation = parse(query.query).definitions.find(
        (definition): definition is OperationDefinitionNode =>
          definition.kind === Kind.OPERATION_DEFINITION && definition.name?.value === query.operationName,
      )!;
      expect(validate(SCHEMA, parse(query.query))).toEqual([]);
      // Every required variable without a default has a value.
      for (const variable of operation.variableDefinitions ?? []) {
        const required = typeFromAST(SCHEMA, variable.type) instanceof GraphQLNonNull && variable.defaultValue === undefined;
        if (required) expect(query.variables).toHaveProperty(variable.variable.name.value);
      }
    }
    const line = stack.logs
      .map((text) => JSON.parse(text) as Record<string, unknown>)
      .find((entry) => entry.msg?.toString().startsWith('warmed up'));
    expect(line).toMatchObject({ cut: false, skipped: 0 });
    // Each query once as a customer, and the back office's queue once more as an operator; the only
    // error a customer gets is the queue's FORBIDDEN (the ids name nothing: null answers, no error).
    const operatorOnly = queries.filter((query) => /\breviewQueue\b/.test(query.query)).length;
    expect(operatorOnly).toBeGreaterThan(0);
    expect(line!.operations).toBe(queries.length + operatorOnly);
    expect(line!.errors).toEqual({ FORBIDDEN: operatorOnly });
    const warmedAt = stack.logs.findIndex((text) => text.includes('warmed up'));
    const readyAt = stack.logs.findIndex((text) => text.includes('GraphQL API ready'));
    expect(warmedAt).toBeGreaterThanOrEqual(0);
    expect(warmedAt).toBeLessThan(readyAt);
  });

  it('calls Cashii for nothing and writes nothing when it runs on a database with payments', async () => {
    const pending = await stack.gql(CREATE, { input: validInput({ orderId: 'WARM-1' }) });
    const paid = await stack.gql(CREATE, { input: validInput({ orderId: 'WARM-2' }) });
    await actOnPaymentPage(paid.body.data!.createRemotePayment.paymentUrl, 'pay');
    // The pending one is in the back office's queue (stale), where the operator's warm-up reads it:
    // a read that confirmed it with Cashii, or wrote, would show below.
    const pendingId = pending.body.data!.createRemotePayment.id as string;
    await stack.app.dataSource.getRepository(PaymentOrder).update({ cashiiId: pendingId }, { staleAt: new Date() });
    const operator = { authorization: `Bearer ${await mintToken('operator-1', { roles: ['payments-operator'] })}` };
    const queued = await stack.gql(QUEUE, {}, { headers: operator });
    expect(queued.body.data!.reviewQueue.edges.map((edge: { node: { payment: { id: string } } }) => edge.node.payment.id)).toEqual([
      pendingId,
    ]);
    const before = await stack.records();
    const calls = await stack.simulatorStats();

    // A second replica starts on the same database and warms up.
    const logs: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString('utf8'));
        done();
      },
    });
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      DATABASE_URL: databaseUrlOf(stack),
      CREATE_JOURNAL_FILE: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'warm-up-')), 'journal'),
      ...cashiiEnv(stack.simulator),
      RECONCILER_ENABLED: 'false',
      LOG_LEVEL: 'debug',
    });
    const replica = await startApp(config, createLogger('debug', sink), { warmUpBudgetMs: 60_000 });
    await replica.close();

    expect(logs.join('')).toContain('warmed up');
    expect(await stack.simulatorStats()).toEqual(calls);
    const after = await stack.records();
    const shown = (records: typeof before) =>
      records.map(({ id, status, updatedAt, verifiedAt, nextCheckAt }) => ({ id, status, updatedAt, verifiedAt, nextCheckAt }));
    expect(shown(after)).toEqual(shown(before));
    expect(after).toHaveLength(2);
    expect(pending.body.data!.createRemotePayment.status).toBe('PENDING');
  });
});

function databaseUrlOf(stack: TestStack): string {
  const options = stack.app.dataSource.options as { type: string; url?: string; database?: string };
  return options.type === 'postgres' ? options.url! : `sqlite:${options.database}`;
}
