/** createRemotePayment is limited per viewer and per client address, in-process or shared through Redis. */
import { randomUUID } from 'node:crypto';
import { CREATE, type TestStack, startStack, validInput } from '../support/stack';

const REDIS_URL = process.env.TEST_REDIS_URL;

describe('rate limits in one process', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack('sqlite', {
      RATE_LIMIT_CREATE_PER_VIEWER: '3',
      RATE_LIMIT_CREATE_PER_ADDRESS: '5',
      RATE_LIMIT_WINDOW_MS: '60000',
    });
  });
  afterAll(() => stack.close());

  it('refuses the fourth create of one viewer in a window with RATE_LIMITED and a retry-after hint', async () => {
    for (let i = 0; i < 3; i++) expect((await stack.gql(CREATE, { input: validInput() }, { user: 'busy' })).body.errors).toBeUndefined();
    const before = await stack.simulatorStats();
    const limited = await stack.gql(CREATE, { input: validInput() }, { user: 'busy' });
    expect(limited.body.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryable: true });
    expect(limited.body.errors![0].extensions!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(limited.body.errors![0].extensions!.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((await stack.simulatorStats()).create).toBe(before.create);
  });

  it('limits one client address across viewers', async () => {
    // The 3 creates above count against this address's 5; the refused 4th did not reach the address rule.
    expect((await stack.gql(CREATE, { input: validInput() }, { user: 'other-1' })).body.errors).toBeUndefined();
    expect((await stack.gql(CREATE, { input: validInput() }, { user: 'other-2' })).body.errors).toBeUndefined();
    const limited = await stack.gql(CREATE, { input: validInput() }, { user: 'other-3' });
    expect(limited.body.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('does not limit reads', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await stack.gql('{ payment(id: "1234567890123456") { id } }', {}, { user: 'busy' })).body.errors).toBeUndefined();
    }
  });
});

(REDIS_URL ? describe : describe.skip)(
  `rate limits shared through Redis${REDIS_URL ? '' : ' (skipped: TEST_REDIS_URL is not set; .ci/run sets it)'}`,
  () => {
    let first: TestStack;
    let second: TestStack;
    beforeAll(async () => {
      const env = { REDIS_URL: REDIS_URL!, RATE_LIMIT_CREATE_PER_VIEWER: '3', RATE_LIMIT_WINDOW_MS: '60000' };
      first = await startStack('sqlite', env);
      second = await startStack('sqlite', env);
    });
    afterAll(async () => {
      await first.close();
      await second.close();
    });

    it('counts creates of one viewer on two replicas against one limit', async () => {
      const user = `replicated-${randomUUID()}`;
      expect((await first.gql(CREATE, { input: validInput() }, { user })).body.errors).toBeUndefined();
      expect((await second.gql(CREATE, { input: validInput() }, { user })).body.errors).toBeUndefined();
      expect((await first.gql(CREATE, { input: validInput() }, { user })).body.errors).toBeUndefined();
      const limited = await second.gql(CREATE, { input: validInput() }, { user });
      expect(limited.body.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
    });
  },
);
