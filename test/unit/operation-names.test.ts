/** The metric label of an operation: a known document's name, or `other`, from manifests in either format. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OperationNames } from '../../src/graphql/operation-names';

describe('OperationNames', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'operation-names-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(content));
    return file;
  };

  it('knows the names of the operations in our manifest and in Apollo’s, across several files, and labels the rest "other"', () => {
    const ours = write('web.json', {
      'sha256:aa': 'fragment F on RemotePayment { id } query Payment($id: ID!) { payment(id: $id) { ...F } }',
      'sha256:bb': 'mutation CreateRemotePayment { createRemotePayment { id } }',
      'sha256:cc': '{ anonymous }',
    });
    const apollo = write('ios.json', {
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: [{ id: 'dd', name: 'ReviewQueue', type: 'query', body: 'query ReviewQueue { reviewQueue { totalCount } }' }],
    });
    const names = OperationNames.fromManifests(`${ours}, ${apollo}`);
    expect(names.size).toBe(3);
    expect(['Payment', 'CreateRemotePayment', 'ReviewQueue', 'F', 'Other', '', null, undefined].map((name) => names.label(name))).toEqual([
      'Payment',
      'CreateRemotePayment',
      'ReviewQueue',
      'other',
      'other',
      'other',
      'other',
      'other',
    ]);
  });

  it('adds no names for a missing or unreadable file', () => {
    const broken = path.join(dir, 'broken.json');
    fs.writeFileSync(broken, '{"sha256:aa": "query Broken {');
    expect(OperationNames.fromManifests([path.join(dir, 'missing.json'), broken]).size).toBe(0);
  });
});
